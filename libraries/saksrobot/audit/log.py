"""Recording and reading the audit trail."""

from __future__ import annotations

import csv
import getpass
import io
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from saksrobot.audit.model import AuditEvent
from saksrobot.privacy import mask
from saksrobot.workitems.store import utcnow

log = logging.getLogger(__name__)
OSLO = ZoneInfo("Europe/Oslo")
SCHEDULER = "tidsplan"  # the actor of what the scheduler does on its own
TIME_LIMIT = "tidsgrense"  # the actor that stops a run past its longest run time
CLI = "kommandolinje"


def cli_actor() -> str:
    """The actor of a command-line change: the operating-system user who ran it."""
    try:
        return f"{CLI} ({getpass.getuser()})"
    except (OSError, KeyError):  # no user name in a bare container
        return CLI


class Action(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    SCHEDULE_CREATE = "schedule_create"
    SCHEDULE_UPDATE = "schedule_update"
    SCHEDULE_PAUSE = "schedule_pause"
    SCHEDULE_RESUME = "schedule_resume"
    SCHEDULE_DELETE = "schedule_delete"
    RUN_START = "run_start"
    RUN_STOP = "run_stop"
    ITEM_RESOLVE = "item_resolve"
    ITEM_REQUEUE = "item_requeue"
    ITEM_RETRY = "item_retry"
    USER_CREATE = "user_create"
    USER_ROLE = "user_role"
    USER_ACTIVE = "user_active"
    USER_PASSWORD = "user_password"
    USER_EMAIL = "user_email"
    USER_RENAME = "user_rename"
    DATABASE_UPGRADE = "database_upgrade"
    ALERT_CHANGE = "alert_change"


ACTIONS: dict[str, str] = {  # what the Revisjonslogg page says
    Action.LOGIN: "Logget inn", Action.LOGIN_FAILED: "Mislykket innlogging", Action.LOGOUT: "Logget ut",
    Action.SCHEDULE_CREATE: "Tidsplan opprettet", Action.SCHEDULE_UPDATE: "Tidsplan endret",
    Action.SCHEDULE_PAUSE: "Tidsplan satt på pause", Action.SCHEDULE_RESUME: "Tidsplan satt i gang igjen",
    Action.SCHEDULE_DELETE: "Tidsplan slettet", Action.RUN_START: "Kjøring startet", Action.RUN_STOP: "Kjøring stoppet",
    Action.ITEM_RESOLVE: "Oppgave merket som behandlet", Action.ITEM_REQUEUE: "Oppgave sendt tilbake til roboten",
    Action.ITEM_RETRY: "Oppgave prøvd på nytt", Action.USER_CREATE: "Bruker opprettet",
    Action.USER_ROLE: "Rolle endret", Action.USER_ACTIVE: "Bruker aktivert/deaktivert",
    Action.USER_PASSWORD: "Passord endret", Action.USER_EMAIL: "E-postadresse endret",
    Action.USER_RENAME: "Brukernavn endret",
Action.DATABASE_UPGRADE: "Databasen oppgradert",
    Action.ALERT_CHANGE: "Varsling endret",
}
OBJECTS: dict[str, str] = {"schedule": "Tidsplan", "robot": "Robot", "run": "Kjøring", "item": "Oppgave",
                           "user": "Bruker", "alert": "Varsling", "database": "Database"}


def _json(value: Mapping[str, Any] | None) -> str | None:
    if value is None:
        return None
    return mask(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def _day(text: str, end: bool = False) -> datetime | None:
    """The start of an Oslo day (or of the next one, for an inclusive end) as naive UTC."""
    try:
        day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
    except ValueError:
        return None
    return datetime.combine(day, time(), tzinfo=OSLO).astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Filter:
    """What the Revisjonslogg page and ``saksrobot audit list`` ask for; empty fields ask nothing."""

    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None  # naive UTC, inclusive
    until: datetime | None = None  # naive UTC, exclusive
    limit: int = 1000

    @classmethod
    def of(cls, person: str, objekt: str, id: str, fra: str, til: str, limit: int) -> Filter:  # noqa: A002
        """The filter of the Revisjonslogg page's (and `saksrobot audit list`'s) choices: days are Oslo
        days, ``til`` included; an unknown object or day asks nothing."""
        return cls(actor=person.strip(), object_type=objekt if objekt in OBJECTS else "", object_id=id.strip(),
                   since=_day(fra), until=_day(til, end=True), limit=limit)


class AuditLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, actor: str, action: Action, target: tuple[str, object], *,
               before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
        """Append one event. ``target`` is (object type, its id), e.g. ``("schedule", 3)``."""
        object_type, object_id = target
        with self.engine.begin() as connection:
            connection.execute(insert(AuditEvent).values(
                at=utcnow(), actor=mask(actor)[:100], action=Action(action).value, object_type=object_type,
                object_id=mask(object_id)[:200], before=_json(before), after=_json(after)))

    def record_safely(self, actor: str, action: Action, target: tuple[str, object], **values: Any) -> None:
        """:meth:`record` where a run must go on whatever happens (the scheduler, a time limit): a failure
        is logged, not raised."""
        try:
            self.record(actor, action, target, **values)
        except Exception:  # noqa: BLE001 - the database hiccuped: the run matters more than its audit row
            log.exception("Audit row %s of %s not written", action, target)

    def find(self, wanted: Filter = Filter()) -> list[AuditEvent]:  # noqa: B008 - a frozen dataclass
        """The newest events first."""
        query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(wanted.limit)
        if wanted.actor:
            query = query.where(AuditEvent.actor == wanted.actor)
        if wanted.object_type:
            query = query.where(AuditEvent.object_type == wanted.object_type)
        if wanted.object_id:
            query = query.where(AuditEvent.object_id == wanted.object_id)
        if wanted.since:
            query = query.where(AuditEvent.at >= wanted.since)
        if wanted.until:
            query = query.where(AuditEvent.at < wanted.until)
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.scalars(query))

    def actors(self) -> list[str]:
        with self.engine.connect() as connection:
            return list(connection.scalars(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor)))


def to_csv(events: list[AuditEvent], when: Any) -> str:
    """The events as CSV (semicolon, as Norwegian Excel reads it); ``when`` formats a time."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["tidspunkt", "hvem", "handling", "objekt", "id", "før", "etter"])
    for event in events:
        writer.writerow([when(event.at), event.actor, ACTIONS.get(event.action, event.action),
                         OBJECTS.get(event.object_type, event.object_type), event.object_id, event.before or "",
                         event.after or ""])
    return out.getvalue()
