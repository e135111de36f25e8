"""Alerts by e-mail: ``alert_subscriptions`` (which role gets which rule's alerts, for every robot or
one), ``alert_sent`` (the last mail per rule and subject, for grouping) and ``alert_watermarks`` (how
far the checks have read). All empty after the upgrade: the defaults apply until an admin saves the
Varsler page.

Revision ID: 0010
Revises: 0009
Created: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("robot", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("rule", "robot", "role", name="uq_alert_subscriptions_rule_robot_role"),
    )
    op.create_table(
        "alert_sent",
        sa.Column("rule", sa.String(40), primary_key=True),
        sa.Column("subject", sa.String(200), primary_key=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
    )
    op.create_table(
        "alert_watermarks",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("seen", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
