"""What the control room's pages show, read from saksrobot's database (no HTML here)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from saksrobot.gevinst import Period, Report, build_report, parse_period, plan_of, summarize
from saksrobot.gevinst.report import fmt_number
from saksrobot.gevinst.summary import utc_of
from saksrobot.intake.folder import Folder
from saksrobot.runner import Run, mark_lost
from saksrobot.scheduler.triggers import TZ
from saksrobot.settings import Settings
from saksrobot.workitems import State, WorkItem

RUN_STATUS = {"running": "Kjører", "succeeded": "Fullført", "failed": "Feilet", "killed": "Avbrutt",
              "timed_out": "Stoppet (for lang tid)", "missed": "Ikke kjørt", "skipped": "Hoppet over",
              "lost": "Mistet (prosessen stoppet)"}
TROUBLE = ("failed", "killed", "timed_out", "missed", "lost")
OUTCOMES = {"done": "ferdig", "manual": "til manuell", "retry": "prøves igjen", "failed": "feilet"}


def oslo(moment: datetime | None) -> datetime | None:
    """A time as Oslo time; a naive one is a stored UTC time."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(TZ)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The Oslo day as naive UTC bounds (the database's time)."""
    return utc_of(day), utc_of(day + timedelta(days=1))


@dataclass(frozen=True)
class RunRow:
    id: str
    robot: str
    status: str
    started: datetime
    seconds: float | None
    items: dict[str, int]
    started_by: str
    reason: str
    log_html: str  # the run's log.html, "" for runs that did not start
    notes: tuple[str, ...] = ()  # what the run says of itself (e.g. what it validated invoices with)
    worker: str = ""  # the worker it ran on ("": this machine's runner)

    @property
    def status_text(self) -> str:
        return RUN_STATUS.get(self.status, self.status)

    @property
    def trouble(self) -> bool:
        return self.status in TROUBLE

    @property
    def duration(self) -> str:
        if self.seconds is None:
            return ""
        minutes, seconds = divmod(round(self.seconds), 60)
        return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"

    @property
    def counts(self) -> str:
        return ", ".join(f"{n} {OUTCOMES.get(k, k)}" for k, n in self.items.items() if n)

    @property
    def result(self) -> str:
        """What the run did, or why it did not; a run that found nothing to do says so."""
        return self.counts or self.reason or ("Ingen oppgaver å gjøre" if self.status == "succeeded" else "")


def _row(run: Run) -> RunRow:
    summary = run.summary or {}
    seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.output_dir else None
    return RunRow(run.id, run.robot, run.status, oslo(run.started_at), seconds, dict(summary.get("items", {})),
                  summary.get("started_by", ""), summary.get("reason", ""),
                  str(Path(run.output_dir) / "log.html") if run.output_dir else "", tuple(summary.get("notes", ())),
                  run.worker or "")


def runs(engine: Engine, *, robot: str | None = None, since: datetime | None = None,
         until: datetime | None = None, limit: int = 200) -> list[RunRow]:
    """The runs, newest first; a run whose owner died is marked lost before it is shown."""
    mark_lost(engine)
    query = select(Run).order_by(Run.started_at.desc()).limit(limit)
    if robot:
        query = query.where(Run.robot == robot)
    if since:
        query = query.where(Run.started_at >= since)
    if until:
        query = query.where(Run.started_at < until)
    with Session(engine) as s:
        return [_row(run) for run in s.scalars(query)]


@dataclass(frozen=True)
class RunDetail:
    """What a run did, in Norwegian, for staff who need not read Robot Framework's log."""

    row: RunRow
    finished: datetime | None
    worker: str
    tasks: list[dict[str, Any]]  # {"task", "status", "seconds"}
    items: list[dict[str, Any]]  # {"key", "outcome", "reason", "task", "at"}, in the order they were settled


TASK_STATUS = {"PASS": "Fullført", "FAIL": "Feilet", "SKIP": "Hoppet over", "NOT RUN": "Ikke kjørt"}


def run_detail(engine: Engine, run_id: str) -> RunDetail | None:
    """The run and what its ``items.jsonl`` says: each task's result and each item's outcome."""
    found = run(engine, run_id)
    if found is None:
        return None
    tasks, items = [], []
    events = Path(found.output_dir) / "items.jsonl" if found.output_dir else None
    if events is not None and events.is_file():
        for line in events.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:  # the line the run is writing now
                continue
            if record.get("kind") == "task":
                tasks.append({"task": record["task"], "status": TASK_STATUS.get(record["status"], record["status"]),
                              "seconds": record.get("elapsed_s")})
            elif record.get("kind") == "item":
                items.append({"key": record["key"], "outcome": OUTCOMES.get(record["outcome"], record["outcome"]),
                              "reason": record.get("reason", ""), "task": record.get("task", ""),
                              "at": datetime.fromisoformat(record["at"])})
    return RunDetail(_row(found), oslo(found.finished_at), found.worker or "", tasks, items)


def run(engine: Engine, run_id: str) -> Run | None:
    with Session(engine) as s:
        return s.get(Run, run_id)


@dataclass(frozen=True)
class Today:
    runs: list[RunRow]
    done: dict[str, int]      # process → items finished (cases created) today
    manual: dict[str, int]    # process → items handed over today
    failed_items: int
    failed_runs: int
    waiting_manual: int       # all items waiting for archive staff, whenever handed over


def today(engine: Engine, day: date) -> Today:
    """Today's figures, each item once: cases made (an item's first success) and items handed over
    (its first hand-over: one sent back and handed over again is not counted twice), from the gevinst
    log, whatever happened to the items since (resolved, sent back)."""
    start, end = day_bounds(day)
    todays = runs(engine, since=start, until=end, limit=500)
    figures = summarize(engine, Period(day.isoformat(), day, day + timedelta(days=1)))
    with Session(engine) as s:
        waiting = s.scalar(select(func.count()).select_from(WorkItem).where(WorkItem.state == State.MANUAL)) or 0
        failed = s.scalar(select(func.count()).select_from(WorkItem).where(
            WorkItem.state == State.FAILED, WorkItem.updated_at >= start, WorkItem.updated_at < end)) or 0
    return Today(todays, {f.process: f.items_done for f in figures if f.items_done},
                 {f.process: f.handed_over for f in figures if f.handed_over}, failed,
                 sum(r.trouble for r in todays), waiting)


def item_links(settings: Settings, item: WorkItem) -> list[tuple[str, str]]:
    """Where archive staff find what an item is about: the case made, the referral in the school
    system; for an item taken in from a folder its file, the invoice's PDF and the reason file."""
    links = []
    if case := (item.result or {}).get("case_number"):
        links.append((f"Sak {case}", f"{settings.archive.base_url}/sok?q={quote(str(case))}"))
    if item.process == "ppt_referrals":
        links.append((f"Henvisning {item.key}", f"{settings.schooladmin.base_url}/henvisninger/{quote(item.key)}"))
    if source := (item.payload or {}).get("source"):
        links.append((f"Fil {source['file']}", f"/manuell/{item.id}/fil"))
        if item.process == "invoices":
            links.append(("Fakturaen som PDF", f"/manuell/{item.id}/pdf"))
        if item.state == State.MANUAL:
            links.append(("Årsaken (rejected/)", f"/manuell/{item.id}/arsak"))
    return links


def item_file(item: WorkItem) -> Path | None:
    """The file an item was taken in from, where it is now (inbox, processed/ or rejected/)."""
    source = (item.payload or {}).get("source")
    return Folder(Path(source["folder"])).find(source["file"], source["sha256"]) if source else None


@dataclass(frozen=True)
class Headline:
    process: str
    tertial_items: int
    tertial_hours: float
    year_items: int
    year_hours: float


def gevinst(settings: Settings, engine: Engine, day: date, period: Period,
            robot: str | None = None) -> tuple[dict[str, Any], Report]:
    """Hours saved per robot this tertial and this year, and the manager report of ``period``."""
    tertial = parse_period(f"{day:%Y}-T{(day.month - 1) // 4 + 1}")
    year = parse_period(f"{day:%Y}")
    this_tertial = {line.process: line for line in summarize(engine, tertial)}
    lines = [Headline(line.process, getattr(this_tertial.get(line.process), "items_done", 0),
                      getattr(this_tertial.get(line.process), "hours_saved", 0.0), line.items_done, line.hours_saved)
             for line in summarize(engine, year)]
    headline = {"tertial": tertial.label, "year": year.label, "lines": lines,
                "tertial_hours": sum(h.tertial_hours for h in lines), "year_hours": sum(h.year_hours for h in lines)}
    return headline, build_report(engine, settings.gevinst, plan_of(settings), period, robot, today=day,
                                  titles=settings.robot_titles())


def plan_status(report: Report, day: date) -> str | None:
    """«På plan» or «Bak plan» for the report's period so far, with the numbers behind it (the plan
    pro rata by days elapsed); ``None`` without a plan or before the period begins."""
    total, period = report.views[0].total, report.period
    elapsed = (min(max(day + timedelta(days=1), period.start), period.end) - period.start).days
    if not total.planned_hours or elapsed <= 0:
        return None
    expected = total.planned_hours * elapsed / (period.end - period.start).days
    verdict = "På plan" if total.hours >= expected else "Bak plan"
    return (f"{verdict}: {fmt_number(total.hours, 1)} timer frigjort, {fmt_number(expected, 1)} timer planlagt så "
            f"langt i perioden ({fmt_number(total.planned_hours, 1)} for hele perioden).")


# the settings page in Norwegian: each section and the keys staff ask about (the key itself, as written in
# config/local.toml, stays beside it)
SECTIONS = {"home": "Prosjektmappe", "logs_dir": "Mappe for kjøringenes logger", "dry_run": "Tørrkjøring",
            "database": "Database", "archive": "Arkivsystemet", "schooladmin": "Skoleadministrativt system",
            "browser": "Nettleser (Chromium)", "simulators": "Simulatorer", "identity": "Fødselsnummer",
            "ppt": "PPT-henvisninger", "invoices": "Inngående fakturaer", "workitems": "Oppgavekø",
            "gevinst": "Gevinstrealisering", "scheduler": "Tidsplaner", "web": "Kontrollrommet",
            "runner": "Kjøring av roboter", "robots": "Roboter", "logging": "Logging", "alerts": "Varsler på e-post"}
KEYS = {"url": "Adresse", "backend": "Tilkobling (api eller ui)", "base_url": "Adresse", "username": "Brukernavn",
        "password": "Passord", "api_key": "API-nøkkel", "timeout_seconds": "Tidsavbrudd (sekunder)",
        "retries": "Nye forsøk ved feil", "retry_backoff_seconds": "Ventetid før nytt forsøk (sekunder)",
        "max_sessions": "Samtidige kjøringer mot systemet", "headless": "Uten vindu",
        "screenshots_on_failure": "Skjermbilde ved feil", "trace_on_failure": "Sporingsfil ved feil",
        "folder": "Mappe", "lease_minutes": "Reservasjon av en oppgave (minutter)",
        "max_attempts": "Forsøk før en oppgave feiler", "backoff_seconds": "Ventetid mellom forsøk (sekunder)",
        "retention_days": "Personopplysninger slettes etter (dager)", "encryption_key": "Krypteringsnøkkel",
        "closed_days": "Stengte dager hvert år", "closed_dates": "Stengte datoer",
        "misfire_grace_minutes": "Ta igjen kjøringer inntil (minutter)",
        "max_run_minutes": "Lengste kjøretid (minutter)",
        "sync_seconds": "Leser endrede tidsplaner hvert (sekunder)", "host": "Adresse å lytte på", "port": "Port",
        "session_minutes": "Innlogging varer (minutter)", "https_only": "Bare HTTPS",
        "mode": "Kjøres lokalt eller på arbeidere", "heartbeat_seconds": "Livstegn hvert (sekunder)",
        "stalled_seconds": "Arbeider regnes som død etter (sekunder)", "level": "Loggnivå",
        "smtp_host": "SMTP-server", "smtp_password": "SMTP-passord", "sender": "Avsender",
        "group_minutes": "Samme varsel høyst én gang per (minutter)",
        "stale_days": "Varsle uten vellykket kjøring (dager)",
        "manual_queue_max": "Varsle over antall til manuell behandling"}
