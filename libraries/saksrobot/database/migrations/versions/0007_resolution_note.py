"""Work items: ``resolution_note``, what archive staff wrote when they handled an item by hand,
kept beside the reason the robot gave (before, the note replaced the reason). Items resolved before
keep what they have: their note, where one was written, stays where it was.

Revision ID: 0007
Revises: 0006
Created: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        batch.add_column(sa.Column("resolution_note", sa.Text(), nullable=True))
