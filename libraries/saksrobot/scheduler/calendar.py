"""The organisation's working calendar: Norwegian public holidays (the ``holidays`` package, with
Sundays not counted as holidays) and the organisation's own closed days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cached_property

import holidays

CLOSED_NAMES = {"12-24": "julaften", "12-31": "nyttårsaften"}


class WorkCalendar:
    """Says whether robots that follow the calendar run on a day, and if not, why."""

    def __init__(self, closed_days: Iterable[str] = ("12-24", "12-31"), closed_dates: Iterable[date] = ()) -> None:
        self.closed_days = tuple(closed_days)
        self.closed_dates = frozenset(closed_dates)

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        # grows by itself as later years are asked for (expand=True)
        return holidays.Norway(include_sundays=False, language="no")

    def closed_reason(self, day: date) -> str | None:
        """``None`` on a working day, else a short Norwegian reason ("Grunnlovsdag", "julaften (stengt)")."""
        if name := self._holidays.get(day):
            return name
        month_day = f"{day:%m-%d}"
        if month_day in self.closed_days:
            return f"{CLOSED_NAMES.get(month_day, 'fast stengt dag')} (stengt)"
        if day in self.closed_dates:
            return "stengt dag"
        return None

    def __getstate__(self) -> dict[str, object]:  # pickled in APScheduler's job store: not the holiday table
        return {"closed_days": self.closed_days, "closed_dates": self.closed_dates}

    @classmethod
    def of(cls, settings: object) -> WorkCalendar:
        """From ``Settings.scheduler``."""
        scheduler = settings.scheduler  # type: ignore[attr-defined]
        return cls(scheduler.closed_days, scheduler.closed_dates)
