"""The gevinst log: one append-only row per item attempt (never personal data), and its totals per
robot and period, which the database keeps."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, DateTime, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from saksrobot.database import Base


class GevinstRow(Base):
    """What one attempt at one item saved. Money and årsverk are computed at report time."""

    __tablename__ = "gevinst_log"
    __table_args__ = (Index("ix_gevinst_process_finished", "process", "finished_at"),
                      Index("ix_gevinst_process_key", "process", "business_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    process: Mapped[str] = mapped_column(String(100))
    robot_version: Mapped[str] = mapped_column(String(50))
    run_id: Mapped[str | None] = mapped_column(String(50))
    business_key: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(20))  # done | duplicate | manual | failed | retry
    reason_code: Mapped[str | None] = mapped_column(String(100))
    target_refs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    baseline_version: Mapped[str | None] = mapped_column(String(50))
    manual_minutes: Mapped[float] = mapped_column(default=0)
    saving_share: Mapped[float] = mapped_column(default=0)
    followup_minutes: Mapped[float] = mapped_column(default=0)
    saved_minutes: Mapped[float] = mapped_column(default=0)
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime())
    finished_at: Mapped[datetime] = mapped_column(DateTime())  # naive UTC


class GevinstTotal(Base):
    """The log's rows counted and their saved minutes summed per period, robot, outcome and baseline
    version, so that a report reads a few thousand totals instead of every row.

    A period is a UTC day's hours 00–21, its hour 22 or its hour 23: midnight in Oslo is 22:00 UTC in
    summer and 23:00 in winter, so every Norwegian day, month, tertial and year is a whole number of
    periods. Triggers in the database keep the totals as the log changes (whoever writes it), in the
    writer's transaction."""

    __tablename__ = "gevinst_totals"

    period_start: Mapped[datetime] = mapped_column(DateTime(), primary_key=True)  # naive UTC
    process: Mapped[str] = mapped_column(String(100), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20), primary_key=True)
    baseline_version: Mapped[str] = mapped_column(String(50), primary_key=True)  # "" for none
    items: Mapped[int] = mapped_column(default=0)
    saved_minutes: Mapped[float] = mapped_column(default=0)


def _period(dialect: str, row: str) -> str:
    """The period of the log row ``row`` (NEW or OLD) as an SQL expression."""
    at = f"{row}.finished_at"
    if dialect == "postgresql":
        return (f"CASE WHEN extract(hour FROM {at}) >= 22 THEN date_trunc('hour', {at}) "
                f"ELSE date_trunc('day', {at}) END")
    return (f"CASE WHEN strftime('%H', {at}) >= '22' THEN strftime('%Y-%m-%d %H:00:00.000000', {at}) "
            f"ELSE strftime('%Y-%m-%d 00:00:00.000000', {at}) END")


def _add(dialect: str) -> str:
    return (f"INSERT INTO gevinst_totals (period_start, process, outcome, baseline_version, items, saved_minutes) "
            f"VALUES ({_period(dialect, 'NEW')}, NEW.process, NEW.outcome, coalesce(NEW.baseline_version, ''), 1, "
            f"NEW.saved_minutes) ON CONFLICT (period_start, process, outcome, baseline_version) DO UPDATE SET "
            f"items = gevinst_totals.items + 1, "
            f"saved_minutes = gevinst_totals.saved_minutes + excluded.saved_minutes;")


def _remove(dialect: str) -> str:
    return (f"UPDATE gevinst_totals SET items = items - 1, "
            f"saved_minutes = CASE WHEN items = 1 THEN 0 ELSE saved_minutes - OLD.saved_minutes END "
            f"WHERE period_start = {_period(dialect, 'OLD')} AND process = OLD.process AND outcome = OLD.outcome "
            f"AND baseline_version = coalesce(OLD.baseline_version, '');")


def totals_triggers(dialect: str) -> list[str]:
    """The statements that make the database keep ``gevinst_totals`` (also run by migration 0012)."""
    if dialect == "postgresql":
        return [f"""CREATE FUNCTION gevinst_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      IF TG_OP = 'TRUNCATE' THEN DELETE FROM gevinst_totals; RETURN NULL; END IF;
                      IF TG_OP IN ('UPDATE', 'DELETE') THEN {_remove(dialect)} END IF;
                      IF TG_OP IN ('INSERT', 'UPDATE') THEN {_add(dialect)} END IF;
                      RETURN NULL;
                    END $$""",
                "CREATE TRIGGER gevinst_totals_follow AFTER INSERT OR UPDATE OR DELETE ON gevinst_log "
                "FOR EACH ROW EXECUTE FUNCTION gevinst_totals_follow()",
                "CREATE TRIGGER gevinst_totals_truncate AFTER TRUNCATE ON gevinst_log "
                "FOR EACH STATEMENT EXECUTE FUNCTION gevinst_totals_follow()"]
    return [f"CREATE TRIGGER gevinst_totals_insert AFTER INSERT ON gevinst_log BEGIN {_add(dialect)} END",
            f"CREATE TRIGGER gevinst_totals_delete AFTER DELETE ON gevinst_log BEGIN {_remove(dialect)} END",
            f"CREATE TRIGGER gevinst_totals_update AFTER UPDATE ON gevinst_log BEGIN {_remove(dialect)} "
            f"{_add(dialect)} END"]


TRIGGERS = {dialect: tuple(re.findall(r"CREATE TRIGGER (\w+)", " ".join(totals_triggers(dialect))))
            for dialect in ("postgresql", "sqlite")}

# in a database created at the newest revision (migration 0012 makes them in one that is upgraded),
# once both tables are there
GevinstTotal.__table__.add_is_dependent_on(GevinstRow.__table__)
for _dialect in TRIGGERS:
    for _statement in totals_triggers(_dialect):
        _ddl = DDL(_statement.replace("%", "%%"))  # DDL formats its text with %
        event.listen(GevinstTotal.__table__, "after_create", _ddl.execute_if(dialect=_dialect))
