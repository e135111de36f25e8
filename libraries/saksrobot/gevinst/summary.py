"""Hours saved per process for a period (the headline; full reports are a later issue)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from saksrobot.errors import ConfigurationError
from saksrobot.gevinst.model import GevinstTotal

OSLO = ZoneInfo("Europe/Oslo")
UTC = ZoneInfo("UTC")


def utc_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in Europe/Oslo, as the naive UTC the database stores."""
    return datetime(day.year, day.month, day.day, tzinfo=OSLO).astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Period:
    """A half-open period [start, end) of local (Europe/Oslo) dates."""

    label: str
    start: date
    end: date

    def utc_bounds(self) -> tuple[datetime, datetime]:
        return utc_of(self.start), utc_of(self.end)


def parse_period(text: str) -> Period:
    """``2026``, ``2026-T2`` (tertial), ``2026-Q3``, ``2026-05`` or ``2026-01-01..2026-03-31``."""
    try:
        period = _parse(text.strip())
    except (ValueError, OverflowError) as error:  # a date that does not exist, or year 10 000
        raise ConfigurationError(f"Unknown period {text.strip()!r}: {error}") from None
    if period.start.year < FIRST_YEAR:
        raise ConfigurationError(f"No gevinst before {FIRST_YEAR}: {text.strip()!r}")
    return period


FIRST_YEAR = 1901  # a report shows the year before too, and before 1895 Oslo kept its own mean time


def _parse(text: str) -> Period:
    if m := re.fullmatch(r"(\d{4})", text):
        year = int(m[1])
        return Period(text, date(year, 1, 1), date(year + 1, 1, 1))
    if m := re.fullmatch(r"(\d{4})-([TQ])([1-4])", text, re.IGNORECASE):
        year, kind, n = int(m[1]), m[2].upper(), int(m[3])
        months = 4 if kind == "T" else 3
        if kind == "T" and n > 3:
            raise ConfigurationError(f"No tertial {n}: a year has T1, T2 and T3")
        first = (n - 1) * months + 1
        end = date(year + 1, 1, 1) if first + months > 12 else date(year, first + months, 1)
        return Period(text.upper(), date(year, first, 1), end)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(m[1]), int(m[2])
        end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return Period(text, date(year, month, 1), end)
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
        start, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        return Period(text, start, last + timedelta(days=1))
    raise ConfigurationError(f"Unknown period {text!r}: use 2026, 2026-T1, 2026-Q2, 2026-05 or "
                             "2026-01-01..2026-03-31")


@dataclass(frozen=True)
class ProcessSummary:
    process: str
    items_done: int
    handed_over: int
    failed: int
    hours_saved: float


def summarize(engine: Engine, period: Period, process: str | None = None) -> list[ProcessSummary]:
    start, end = period.utc_bounds()
    T = GevinstTotal  # noqa: N806 - the table's short name, as in the SQL

    def items(outcome: str) -> Any:
        return func.sum(case((T.outcome == outcome, T.items), else_=0))

    query = (select(T.process, items("done"), items("manual"), items("failed"), func.sum(T.saved_minutes))
             .where(T.period_start >= start, T.period_start < end)
             .group_by(T.process).having(func.sum(T.items) > 0).order_by(T.process))
    if process:
        query = query.where(T.process == process)
    with Session(engine) as s:
        return [ProcessSummary(p, int(d or 0), int(m or 0), int(f or 0), round(float(mins or 0) / 60, 2))
                for p, d, m, f, mins in s.execute(query)]
