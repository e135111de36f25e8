"""What a schedule says, validated, in the words archive staff use: days ("hverdager", "man-fre",
"man, ons, fre"), times ("07:00, 13:30"), or a cron expression for experts. Messages are Norwegian:
they are shown in the control room's form."""

from __future__ import annotations

import re
from datetime import datetime, time

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, Field, field_validator, model_validator

from saksrobot.scheduler.model import Schedule

OSLO = "Europe/Oslo"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NORWEGIAN = ("man", "tir", "ons", "tor", "fre", "lør", "søn")
NAMED = {"hverdager": WEEKDAYS[:5], "alle": WEEKDAYS, "alle dager": WEEKDAYS, "daglig": WEEKDAYS,
         "helg": WEEKDAYS[5:], "helger": WEEKDAYS[5:]}
DST_GAP = (time(2, 0), time(3, 0))


def _day(word: str) -> int:
    short = word.strip().lower()[:3]
    for names in (NORWEGIAN, WEEKDAYS):
        if short in names:
            return names.index(short)
    raise ValueError(f"ukjent dag «{word.strip()}» (bruk man, tir, ons, tor, fre, lør, søn)")


def parse_days(text: str) -> list[str]:
    """``"hverdager"``, ``"man-fre"``, ``"man, ons, fre"`` (or English ``mon-fri``) → day codes."""
    text = text.strip().lower()
    if text in NAMED:
        return list(NAMED[text])
    chosen: set[int] = set()
    for part in filter(None, re.split(r"[,\s]+", re.sub(r"\s*[-–]\s*", "-", text))):
        if m := re.fullmatch(r"(\w+)-(\w+)", part):
            first, last = _day(m[1]), _day(m[2])
            chosen.update(range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)])
        else:
            chosen.add(_day(part))
    if not chosen:
        raise ValueError("velg minst én dag")
    return [WEEKDAYS[i] for i in sorted(chosen)]


def parse_times(text: str) -> list[time]:
    """``"07:00, 13.30"`` → times of day, sorted, without repeats."""
    found = set()
    for part in filter(None, (p.strip() for p in re.split(r"[,;\s]+", text))):
        m = re.fullmatch(r"(\d{1,2})[:.](\d{2})", part)
        if not m or int(m[1]) > 23 or int(m[2]) > 59:
            raise ValueError(f"«{part}» er ikke et klokkeslett (skriv TT:MM, f.eks. 07:00)")
        found.add(time(int(m[1]), int(m[2])))
    if not found:
        raise ValueError("skriv minst ett klokkeslett (TT:MM)")
    return sorted(found)


class ScheduleSpec(BaseModel):
    """A schedule as entered in the form or on the command line."""

    robot: str = Field(min_length=1, max_length=100)
    days: list[str] = list(WEEKDAYS[:5])
    times: list[time] = [time(7, 0)]
    cron: str | None = None
    follow_calendar: bool = True
    enabled: bool = True
    misfire_grace_minutes: int = Field(60, ge=0, le=24 * 60)
    max_run_minutes: int = Field(120, ge=1, le=24 * 60)

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_days(value) if value.strip() else []  # none: only with a cron expression
        return value

    @field_validator("times", mode="before")
    @classmethod
    def _times(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_times(value) if value.strip() else []  # none: only with a cron expression
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None:
            try:
                CronTrigger.from_crontab(value, timezone=OSLO)
            except ValueError as exc:
                raise ValueError(f"ugyldig cron-uttrykk ({exc}); fem felt: minutt time dag måned ukedag") from None
        return value

    @model_validator(mode="after")
    def _known_days(self) -> ScheduleSpec:
        if any(d not in WEEKDAYS for d in self.days):
            raise ValueError("ukjent dag")
        if not self.cron and not self.days:
            raise ValueError("velg minst én dag")
        if not self.cron and not self.times:
            raise ValueError("skriv minst ett klokkeslett (TT:MM)")
        return self

    def days_text(self) -> str:
        """The days as staff write them: "hverdager", "man, ons, fre"."""
        named = next((name for name, days in NAMED.items() if list(days) == self.days), None)
        return named or ", ".join(NORWEGIAN[WEEKDAYS.index(d)] for d in self.days)

    def times_text(self) -> str:
        return ", ".join(f"{t:%H:%M}" for t in self.times)

    def describe(self) -> str:
        """In words: "hverdager kl. 07:00, ikke på helligdager"."""
        when = f"cron «{self.cron}»" if self.cron else f"{self.days_text()} kl. {self.times_text()}"
        return when + (", ikke på helligdager og stengte dager" if self.follow_calendar else ", også på helligdager")

    def dst_warning(self) -> str | None:
        """Times in the spring-forward gap 02:00–03:00 do not exist one night a year."""
        if self.cron:
            # does the hour field take in 2 ("2", "*", "1-3", "*/2", "0,2")? ask APScheduler's own field
            hour = next(f for f in CronTrigger.from_crontab(self.cron, timezone=OSLO).fields if f.name == "hour")
            risky = any(e.get_next_value(datetime(2000, 1, 1, 2), hour) == 2 for e in hour.expressions)
            return ("Uttrykket kan treffe tidsrommet 02:00–03:00, som ikke finnes natten sommertid begynner "
                    "(siste søndag i mars): den natten går kjøringen én time senere.") if risky else None
        gap = [t for t in self.times if DST_GAP[0] <= t < DST_GAP[1]]
        if not gap:
            return None
        shown = ", ".join(f"{t:%H:%M}" for t in gap)
        later = ", ".join(f"{t.hour + 1:02d}:{t.minute:02d}" for t in gap)
        return (f"Kl. {shown} finnes ikke natten sommertid begynner (siste søndag i mars): den natten går "
                f"kjøringen kl. {later}. Natten sommertid slutter (siste søndag i oktober) går den bare én gang.")

    @classmethod
    def of(cls, schedule: Schedule) -> ScheduleSpec:
        return cls(robot=schedule.robot, days=[d for d in schedule.days.split(",") if d], times=schedule.times,
                   cron=schedule.cron,
                   follow_calendar=schedule.follow_calendar, enabled=schedule.enabled,
                   misfire_grace_minutes=schedule.misfire_grace_minutes, max_run_minutes=schedule.max_run_minutes)

    def columns(self) -> dict[str, object]:
        """The values of the ``schedules`` table's columns."""
        return {"robot": self.robot, "days": ",".join(self.days), "times": self.times_text().replace(" ", ""),
                "cron": self.cron, "follow_calendar": self.follow_calendar, "enabled": self.enabled,
                "misfire_grace_minutes": self.misfire_grace_minutes, "max_run_minutes": self.max_run_minutes}
