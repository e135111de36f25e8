"""Baseline: the tables of release 0.1.0, the last made by ``create_all``.

A database of 0.1.0 already has them: each table is created only when missing, so such a
database is recognised and recorded at this revision with its data untouched (and one that a
0.1.0 process made only in part gets the tables it lacked).

Revision ID: 0001
Revises:
Created: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _table(name: str, *columns: sa.schema.SchemaItem, indexes: tuple[tuple[str, list[str]], ...] = ()) -> None:
    if sa.inspect(op.get_bind()).has_table(name):
        return
    op.create_table(name, *columns)
    for index, on in indexes:
        op.create_index(index, name, on)


def upgrade() -> None:
    _table("gevinst_log",
           sa.Column("id", sa.Integer(), nullable=False),
           sa.Column("process", sa.String(length=100), nullable=False),
           sa.Column("robot_version", sa.String(length=50), nullable=False),
           sa.Column("run_id", sa.String(length=50), nullable=True),
           sa.Column("business_key", sa.String(length=200), nullable=False),
           sa.Column("outcome", sa.String(length=20), nullable=False),
           sa.Column("reason_code", sa.String(length=100), nullable=True),
           sa.Column("target_refs", sa.JSON(), nullable=False),
           sa.Column("baseline_version", sa.String(length=50), nullable=True),
           sa.Column("manual_minutes", sa.Double(), nullable=False),
           sa.Column("saving_share", sa.Double(), nullable=False),
           sa.Column("followup_minutes", sa.Double(), nullable=False),
           sa.Column("saved_minutes", sa.Double(), nullable=False),
           sa.Column("arrived_at", sa.DateTime(), nullable=True),
           sa.Column("finished_at", sa.DateTime(), nullable=False),
           sa.PrimaryKeyConstraint("id"),
           indexes=(("ix_gevinst_process_finished", ["process", "finished_at"]),
                    ("ix_gevinst_process_key", ["process", "business_key"])))
    _table("robot_locks",
           sa.Column("robot", sa.String(length=100), nullable=False),
           sa.Column("run_id", sa.String(length=50), nullable=False),
           sa.Column("host", sa.String(length=255), nullable=False),
           sa.Column("pid", sa.Integer(), nullable=False),
           sa.Column("expires_at", sa.DateTime(), nullable=False),
           sa.PrimaryKeyConstraint("robot"))
    _table("runs",
           sa.Column("id", sa.String(length=50), nullable=False),
           sa.Column("robot", sa.String(length=100), nullable=False),
           sa.Column("status", sa.String(length=20), nullable=False),
           sa.Column("started_at", sa.DateTime(), nullable=False),
           sa.Column("finished_at", sa.DateTime(), nullable=True),
           sa.Column("return_code", sa.Integer(), nullable=True),
           sa.Column("output_dir", sa.String(length=500), nullable=False),
           sa.Column("summary", sa.JSON(), nullable=False),
           sa.PrimaryKeyConstraint("id"),
           indexes=(("ix_runs_robot", ["robot"]),))
    _table("schedules",
           sa.Column("id", sa.Integer(), nullable=False),
           sa.Column("robot", sa.String(length=100), nullable=False),
           sa.Column("days", sa.String(length=40), nullable=False),
           sa.Column("times", sa.String(length=200), nullable=False),
           sa.Column("cron", sa.String(length=100), nullable=True),
           sa.Column("follow_calendar", sa.Boolean(), nullable=False),
           sa.Column("enabled", sa.Boolean(), nullable=False),
           sa.Column("misfire_grace_minutes", sa.Integer(), nullable=False),
           sa.Column("max_run_minutes", sa.Integer(), nullable=False),
           sa.Column("version", sa.Integer(), nullable=False),
           sa.Column("updated_by", sa.String(length=100), nullable=False),
           sa.Column("updated_at", sa.DateTime(), nullable=False),
           sa.PrimaryKeyConstraint("id"),
           indexes=(("ix_schedules_robot", ["robot"]),))
    _table("web_users",
           sa.Column("id", sa.Integer(), nullable=False),
           sa.Column("username", sa.String(length=100), nullable=False),
           sa.Column("name", sa.String(length=200), nullable=False),
           sa.Column("role", sa.String(length=20), nullable=False),
           sa.Column("password_hash", sa.String(length=200), nullable=False),
           sa.Column("active", sa.Boolean(), nullable=False),
           sa.Column("session_epoch", sa.Integer(), nullable=False),
           sa.Column("created_at", sa.DateTime(), nullable=False),
           sa.Column("last_login_at", sa.DateTime(), nullable=True),
           sa.PrimaryKeyConstraint("id"),
           sa.UniqueConstraint("username"))
    _table("work_item_content",
           sa.Column("process", sa.String(length=100), nullable=False),
           sa.Column("content_key", sa.String(length=128), nullable=False),
           sa.Column("key", sa.String(length=200), nullable=False),
           sa.Column("claimed_at", sa.DateTime(), nullable=False),
           sa.PrimaryKeyConstraint("process", "content_key"))
    _table("work_items",
           sa.Column("id", sa.Integer(), nullable=False),
           sa.Column("process", sa.String(length=100), nullable=False),
           sa.Column("key", sa.String(length=200), nullable=False),
           sa.Column("state", sa.String(length=20), nullable=False),
           sa.Column("payload", sa.JSON(), nullable=False),
           sa.Column("files", sa.JSON(), nullable=False),
           sa.Column("priority", sa.Integer(), nullable=False),
           sa.Column("not_before", sa.DateTime(), nullable=False),
           sa.Column("attempts", sa.Integer(), nullable=False),
           sa.Column("lease_owner", sa.String(length=100), nullable=True),
           sa.Column("lease_expires", sa.DateTime(), nullable=True),
           sa.Column("result", sa.JSON(), nullable=False),
           sa.Column("reason_code", sa.String(length=100), nullable=True),
           sa.Column("reason_text", sa.Text(), nullable=True),
           sa.Column("run_id", sa.String(length=50), nullable=True),
           sa.Column("created_at", sa.DateTime(), nullable=False),
           sa.Column("updated_at", sa.DateTime(), nullable=False),
           sa.Column("finished_at", sa.DateTime(), nullable=True),
           sa.Column("resolved_by", sa.String(length=100), nullable=True),
           sa.PrimaryKeyConstraint("id"),
           sa.UniqueConstraint("process", "key", name="uq_work_items_process_key"),
           indexes=(("ix_work_items_next", ["process", "state", "priority", "id"]),))
