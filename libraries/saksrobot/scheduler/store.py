"""Schedules in our own table: the control room and the command line change them here, the
scheduler service reads them (its APScheduler jobs follow within ``scheduler.sync_seconds``)."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from saksrobot.errors import BusinessError
from saksrobot.scheduler.model import Schedule
from saksrobot.scheduler.spec import ScheduleSpec
from saksrobot.workitems.store import utcnow


class InvalidSchedule(BusinessError):
    """What was entered is not a schedule; ``problems`` are shown next to the form."""

    code = "invalid_schedule"

    def __init__(self, problems: list[str], fields: Iterable[str] = ()) -> None:
        self.problems = [problem[:1].upper() + problem[1:] for problem in problems]  # sentences, for staff
        self.fields = frozenset(fields)  # the form's fields in error
        super().__init__("; ".join(self.problems))


class NoSuchSchedule(BusinessError):
    code = "no_such_schedule"


FIELDS = {"robot": "Robot", "misfire_grace_minutes": "Ta igjen kjøringer (minutter)",
          "max_run_minutes": "Lengste kjøretid (minutter)", "days": "Dager", "times": "Klokkeslett", "cron": "Cron"}


def _problem(error: dict) -> str:
    if error["type"] == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    field = FIELDS.get(str(error["loc"][0]) if error["loc"] else "", "Verdi")
    limits = {"misfire_grace_minutes": "et helt tall fra 0 til 1440", "max_run_minutes": "et helt tall fra 1 til 1440"}
    if not error["loc"]:
        return str(error["msg"])
    return f"{field}: må være {limits.get(str(error['loc'][0]), 'fylt ut riktig')}"


def _field(error: dict) -> str | None:
    """The form field an error is about (the checks of days and times together name theirs in words)."""
    if error["loc"]:
        return str(error["loc"][0])
    text = str(error["msg"])
    return "times" if "klokkeslett" in text else "days" if "dag" in text else None


def schedule_facts(schedule: Schedule) -> dict[str, object]:
    """A schedule as the audit trail keeps it: its robot, plan in words, limits and whether it is on."""
    spec = ScheduleSpec.of(schedule)
    return {"robot": schedule.robot, "plan": spec.describe(), "aktiv": schedule.enabled,
            "lengste_kjoretid_min": spec.max_run_minutes, "ta_igjen_min": spec.misfire_grace_minutes}


def parse_spec(known_robots: list[str], **fields: object) -> ScheduleSpec:
    """A :class:`ScheduleSpec` from form or command-line fields, or :class:`InvalidSchedule`."""
    try:
        spec = ScheduleSpec(**fields)
    except ValidationError as exc:
        errors = exc.errors()
        raise InvalidSchedule([_problem(e) for e in errors], {f for e in errors if (f := _field(e))}) from None
    if spec.robot not in known_robots:
        raise InvalidSchedule([f"ukjent robot «{spec.robot}» (kjente: {', '.join(known_robots)})"], {"robot"})
    return spec


class ScheduleStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def all(self) -> list[Schedule]:
        with Session(self.engine, expire_on_commit=False) as s:
            return list(s.scalars(select(Schedule).order_by(Schedule.robot, Schedule.id)))

    def get(self, schedule_id: int) -> Schedule:
        with Session(self.engine, expire_on_commit=False) as s:
            if (schedule := s.get(Schedule, schedule_id)) is None:
                raise NoSuchSchedule(f"Ingen tidsplan med nummer {schedule_id}")
            return schedule

    def create(self, spec: ScheduleSpec, by: str) -> Schedule:
        with Session(self.engine, expire_on_commit=False) as s:
            schedule = Schedule(**spec.columns(), updated_by=by, updated_at=utcnow())
            s.add(schedule)
            s.commit()
            return schedule

    def _change(self, schedule_id: int, by: str, **values: object) -> Schedule:
        with Session(self.engine, expire_on_commit=False) as s:
            if (schedule := s.get(Schedule, schedule_id, with_for_update=True)) is None:
                raise NoSuchSchedule(f"Ingen tidsplan med nummer {schedule_id}")
            for name, value in values.items():
                setattr(schedule, name, value)
            schedule.version, schedule.updated_by, schedule.updated_at = schedule.version + 1, by, utcnow()
            s.commit()
            return schedule

    def update(self, schedule_id: int, spec: ScheduleSpec, by: str) -> Schedule:
        return self._change(schedule_id, by, **spec.columns())

    def set_enabled(self, schedule_id: int, enabled: bool, by: str) -> Schedule:
        return self._change(schedule_id, by, enabled=enabled)

    def delete(self, schedule_id: int) -> None:
        with Session(self.engine) as s:
            if (schedule := s.get(Schedule, schedule_id)) is None:
                raise NoSuchSchedule(f"Ingen tidsplan med nummer {schedule_id}")
            s.delete(schedule)
            s.commit()
