"""Work items: the personal fields of an item, sealed, apart from its payload.

Revision ID: 0002
Revises: 0001
Created: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items") as batch_op:
        batch_op.add_column(sa.Column("personal", sa.Text(), nullable=True))
