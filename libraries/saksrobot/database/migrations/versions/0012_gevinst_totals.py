"""The gevinst log's totals: ``gevinst_totals``, the rows counted and their saved minutes summed per
period (a UTC day's hours 00–21, its hour 22, its hour 23), robot, outcome and baseline version, kept
by triggers on ``gevinst_log``; filled here from the rows already logged. Reports read the totals
instead of every row.

Revision ID: 0012
Revises: 0011
Created: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _period(dialect: str, at: str) -> str:
    if dialect == "postgresql":
        return f"CASE WHEN extract(hour FROM {at}) >= 22 THEN date_trunc('hour', {at}) ELSE date_trunc('day', {at}) END"
    return (f"CASE WHEN strftime('%H', {at}) >= '22' THEN strftime('%Y-%m-%d %H:00:00.000000', {at}) "
            f"ELSE strftime('%Y-%m-%d 00:00:00.000000', {at}) END")


def _add(dialect: str) -> str:
    return (f"INSERT INTO gevinst_totals (period_start, process, outcome, baseline_version, items, saved_minutes) "
            f"VALUES ({_period(dialect, 'NEW.finished_at')}, NEW.process, NEW.outcome, "
            f"coalesce(NEW.baseline_version, ''), 1, NEW.saved_minutes) "
            f"ON CONFLICT (period_start, process, outcome, baseline_version) DO UPDATE SET "
            f"items = gevinst_totals.items + 1, saved_minutes = gevinst_totals.saved_minutes + excluded.saved_minutes;")


def _remove(dialect: str) -> str:
    return (f"UPDATE gevinst_totals SET items = items - 1, "
            f"saved_minutes = CASE WHEN items = 1 THEN 0 ELSE saved_minutes - OLD.saved_minutes END "
            f"WHERE period_start = {_period(dialect, 'OLD.finished_at')} AND process = OLD.process "
            f"AND outcome = OLD.outcome AND baseline_version = coalesce(OLD.baseline_version, '');")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "gevinst_totals",
        sa.Column("period_start", sa.DateTime(), nullable=False),
        sa.Column("process", sa.String(100), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("baseline_version", sa.String(50), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("saved_minutes", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("period_start", "process", "outcome", "baseline_version"),
    )
    if dialect == "postgresql":  # robots still running wait until the triggers are there: no row is missed
        op.execute("LOCK TABLE gevinst_log IN SHARE ROW EXCLUSIVE MODE")
    period = _period(dialect, "finished_at")
    op.execute(f"INSERT INTO gevinst_totals (period_start, process, outcome, baseline_version, items, saved_minutes) "
               f"SELECT {period}, process, outcome, coalesce(baseline_version, ''), count(*), sum(saved_minutes) "
               f"FROM gevinst_log GROUP BY {period}, process, outcome, coalesce(baseline_version, '')")
    if dialect == "postgresql":
        op.execute(f"""CREATE FUNCTION gevinst_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
                       BEGIN
                         IF TG_OP = 'TRUNCATE' THEN DELETE FROM gevinst_totals; RETURN NULL; END IF;
                         IF TG_OP IN ('UPDATE', 'DELETE') THEN {_remove(dialect)} END IF;
                         IF TG_OP IN ('INSERT', 'UPDATE') THEN {_add(dialect)} END IF;
                         RETURN NULL;
                       END $$""")
        op.execute("CREATE TRIGGER gevinst_totals_follow AFTER INSERT OR UPDATE OR DELETE ON gevinst_log "
                   "FOR EACH ROW EXECUTE FUNCTION gevinst_totals_follow()")
        op.execute("CREATE TRIGGER gevinst_totals_truncate AFTER TRUNCATE ON gevinst_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION gevinst_totals_follow()")
    else:
        op.execute(f"CREATE TRIGGER gevinst_totals_insert AFTER INSERT ON gevinst_log BEGIN {_add(dialect)} END")
        op.execute(f"CREATE TRIGGER gevinst_totals_delete AFTER DELETE ON gevinst_log BEGIN {_remove(dialect)} END")
        op.execute(f"CREATE TRIGGER gevinst_totals_update AFTER UPDATE ON gevinst_log BEGIN {_remove(dialect)} "
                   f"{_add(dialect)} END")
