"""Runs: ``stop_requested_by`` and ``stop_requested_at``, a staff member's request to stop a run
(Stopp kjøringen, ``saksrobot runs stop``), which the run's own runner carries out on whatever
machine it runs. Runs of before have none.

Revision ID: 0011
Revises: 0010
Created: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("stop_requested_by", sa.String(100), nullable=True))
        batch.add_column(sa.Column("stop_requested_at", sa.DateTime(), nullable=True))
