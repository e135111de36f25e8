"""APScheduler triggers of our schedules: cron triggers in Europe/Oslo, wrapped by a trigger that
skips closed days and never fires twice at one wall-clock time (the autumn DST night repeats
02:00–03:00, and APScheduler 3.11's cron trigger would fire a 02:30 job in both)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from saksrobot.scheduler.calendar import WorkCalendar
from saksrobot.scheduler.spec import OSLO, ScheduleSpec

TZ = ZoneInfo(OSLO)
MAX_SKIPS = 400  # more closed days in a row than this means the schedule never fires


def _local(moment: datetime) -> datetime:
    """The same instant as a well-formed Oslo time (fold set right in the repeated autumn hour)."""
    return moment.astimezone(UTC).astimezone(TZ)


def _utc(moment: datetime) -> datetime:
    # aware datetimes with one tzinfo compare by wall-clock time, fold ignored: compare in UTC
    return moment.astimezone(UTC)


def _next_day(moment: datetime) -> tuple[datetime, datetime]:
    """(previous, now) to go on from the start of the day after ``moment``, past a closed day
    (midnight is never in a DST change in Oslo)."""
    midnight = datetime.combine(moment.date() + timedelta(days=1), time(0), TZ)
    return midnight - timedelta(microseconds=1), midnight


class CalendarTrigger(BaseTrigger):
    """Fires when any of ``inners`` fires, except on the calendar's closed days (when ``calendar`` is set)."""

    def __init__(self, inners: list[BaseTrigger], calendar: WorkCalendar | None) -> None:
        self.inners, self.calendar = inners, calendar

    def _next(self, previous: datetime | None, now: datetime) -> datetime | None:
        found = [t for t in (inner.get_next_fire_time(previous, now) for inner in self.inners) if t is not None]
        return _local(min(found, key=_utc)) if found else None

    def candidates(self, previous: datetime | None, now: datetime) -> Iterator[datetime]:
        """The inner triggers' fire times from ``now`` on, after ``previous``, skipping the second
        pass through the repeated autumn hour (its wall-clock times have run in the first pass)."""
        last = previous
        while (candidate := self._next(last, now)) is not None:
            if last is not None and _utc(candidate) <= _utc(last):
                # in the repeated hour the cron trigger may answer an instant already passed
                now = _local(_utc(now) + timedelta(hours=1))
                continue
            if not candidate.fold:
                yield candidate
            last, now = candidate, _local(_utc(candidate) + timedelta(seconds=1))

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        for _ in range(MAX_SKIPS + 1):  # closed days, not fire times: "*/5 * * * *" has 288 a day
            candidate = next(self.candidates(previous_fire_time, now), None)
            if candidate is None or self.calendar is None or self.calendar.closed_reason(candidate.date()) is None:
                return candidate
            previous_fire_time, now = _next_day(candidate)
        return None

    def __str__(self) -> str:
        return f"calendar[{', '.join(map(str, self.inners))}]"


def trigger_for(spec: ScheduleSpec, calendar: WorkCalendar) -> CalendarTrigger:
    if spec.cron:
        inners = [CronTrigger.from_crontab(spec.cron, timezone=TZ)]
    else:
        inners = [CronTrigger(day_of_week=",".join(spec.days), hour=t.hour, minute=t.minute, timezone=TZ)
                  for t in spec.times]
    return CalendarTrigger(inners, calendar if spec.follow_calendar else None)


@dataclass(frozen=True)
class Upcoming:
    at: datetime  # Oslo time
    skipped: str | None = None  # why it does not run (a holiday, a closed day)


def upcoming(spec: ScheduleSpec, calendar: WorkCalendar, start: datetime, count: int = 5) -> list[Upcoming]:
    """The next ``count`` run times from ``start``, with each skipped day in between shown once
    (its first fire time and the reason), for staff to see."""
    trigger = trigger_for(spec, calendar)
    shown: list[Upcoming] = []
    now, previous = _local(start), None
    while len([u for u in shown if u.skipped is None]) < count:
        candidate = next(trigger.candidates(previous, now), None)
        if candidate is None:
            break
        reason = trigger.calendar.closed_reason(candidate.date()) if trigger.calendar else None
        shown.append(Upcoming(candidate, reason))
        if reason is None:
            previous, now = candidate, _local(_utc(candidate) + timedelta(seconds=1))
        elif len(shown) > MAX_SKIPS:
            break
        else:  # one line per closed day
            previous, now = _next_day(candidate)
    return shown
