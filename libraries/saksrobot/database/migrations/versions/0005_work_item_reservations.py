"""Work items: ``reservations``, how often an item was reserved, never reset (``attempts`` is, by a
requeue or a retry). An item on its first reservation cannot have made anything in the archive
yet, so its robot creates without looking up first. Items that exist already may have been tried
(their ``attempts`` may have been reset): they count as reserved once, and are looked up.

Revision ID: 0005
Revises: 0004
Created: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        batch.add_column(sa.Column("reservations", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE work_items SET reservations = CASE WHEN attempts > 1 THEN attempts ELSE 1 END")
