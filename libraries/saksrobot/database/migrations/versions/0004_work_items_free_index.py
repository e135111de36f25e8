"""Work items: the index a reservation reads, in its order (priority, highest first, then oldest), so
that finding the next free item is one index step however many items wait.

Revision ID: 0004
Revises: 0003
Created: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_work_items_next", table_name="work_items")
    op.create_index("ix_work_items_free", "work_items", ["process", "state", sa.desc(sa.column("priority")), "id"])
