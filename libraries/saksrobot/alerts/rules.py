"""The alert rules: each a function over saksrobot's database that returns what staff should be
told (:class:`Finding`), in Norwegian, masked, with a link into the control room. Events (a run that
failed, a worker that died) are found in the window the service gives; conditions (a robot that has
not succeeded for days, a long manual queue) are found whenever they hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from saksrobot.alerts.model import AlertSent
from saksrobot.privacy import mask
from saksrobot.runner.model import Run, RunStatus
from saksrobot.scheduler.model import Schedule
from saksrobot.settings import Settings
from saksrobot.web.pages import RUN_STATUS, oslo
from saksrobot.workitems import State, WorkItem

FAILED = (RunStatus.FAILED, RunStatus.TIMED_OUT)


@dataclass(frozen=True)
class Finding:
    """One thing to tell: the rule, what it is about (its grouping key: a robot, a worker, a day),
    the subject line and text of its mail, and a link. An event has an id, handled once."""

    rule: str
    subject: str
    robot: str | None  # the robot it concerns (subscriptions may be per robot); None: none
    headline: str
    text: str
    link: str
    event: str | None = None


@dataclass(frozen=True)
class Window:
    """What a rule looks at: events after ``since`` up to ``now`` (naive UTC, as stored)."""

    settings: Settings
    engine: Engine
    now: datetime
    since: datetime

    def link(self, path: str) -> str:
        return f"{self.settings.alerts.base_url}{path}"

    def sent(self, rule: str, subject: str) -> bool:
        """Whether a mail of ``rule`` about ``subject`` has gone (a once-only finding is not made again)."""
        with Session(self.engine) as s:
            return s.get(AlertSent, (rule, subject)) is not None


def when(moment: datetime) -> str:
    """A stored (naive UTC) time as staff read it: ``30.11.2026 kl. 07:00`` Oslo time."""
    return f"{oslo(moment):%d.%m.%Y kl. %H:%M}"


def _runs(window: Window, statuses: tuple[RunStatus, ...]) -> list[Run]:
    query = (select(Run).where(Run.status.in_(statuses), Run.finished_at > window.since,
                               Run.finished_at <= window.now).order_by(Run.finished_at))
    with Session(window.engine) as s:
        return list(s.scalars(query))


def _failed_tasks(run: Run) -> str:
    tasks = [name for name, status in (run.summary or {}).get("tasks", {}).items() if status == "FAIL"]
    return f" Oppgaver som feilet: {', '.join(tasks)}." if tasks else ""


def run_failed(window: Window) -> list[Finding]:
    """Runs that ended failed or timed out in the window."""
    found = []
    for run in _runs(window, FAILED):
        title = window.settings.robot_title(run.robot)
        reason = (run.summary or {}).get("reason")
        text = (f"Kjøringen av «{title}» som startet {when(run.started_at)}, endte {when(run.finished_at)} med "
                f"status «{RUN_STATUS.get(run.status, run.status)}».{_failed_tasks(run)}"
                + (f" Årsak: {reason}" if reason else ""))
        found.append(Finding("run_failed", run.robot, run.robot, f"Kjøring feilet: {title}", mask(text),
                             window.link(f"/kjoringer/{run.id}"), event=f"run:{run.id}"))
    return found


def run_missed(window: Window) -> list[Finding]:
    """Scheduled runs that did not start (the service was down past the grace period), recorded in the window."""
    found = []
    for run in _runs(window, (RunStatus.MISSED,)):
        title = window.settings.robot_title(run.robot)
        reason = (run.summary or {}).get("reason") or f"Kjøringen {when(run.started_at)} ble ikke startet"
        found.append(Finding("run_missed", run.robot, run.robot, f"Kjøring ikke startet: {title}",
                             mask(f"«{title}»: {reason}."), window.link(f"/kjoringer/{run.id}"),
                             event=f"run:{run.id}"))
    return found


def robot_stale(window: Window) -> list[Finding]:
    """Robots with an enabled schedule and no succeeded run for ``alerts.stale_days`` (counted from the
    schedule's last change when the robot never succeeded since)."""
    days = window.settings.alerts.stale_days
    with Session(window.engine) as s:
        scheduled = dict(s.execute(select(Schedule.robot, func.min(Schedule.updated_at))
                                   .where(Schedule.enabled.is_(True)).group_by(Schedule.robot)).all())
        succeeded = dict(s.execute(select(Run.robot, func.max(Run.finished_at))
                                   .where(Run.status == RunStatus.SUCCEEDED).group_by(Run.robot)).all())
    found = []
    for robot, scheduled_at in sorted(scheduled.items()):
        last = succeeded.get(robot)
        if max(last or scheduled_at, scheduled_at) > window.now - timedelta(days=days):
            continue
        title = window.settings.robot_title(robot)
        since = (f"siden {when(last)}" if last else f"siden tidsplanen ble satt opp eller endret {when(scheduled_at)}")
        found.append(Finding("robot_stale", robot, robot, f"Ingen vellykket kjøring på {days:g} dager: {title}",
                             f"«{title}» har en aktiv tidsplan, men ingen vellykket kjøring {since}.",
                             window.link(f"/kjoringer?robot={quote(robot)}")))
    return found


def manual_queue(window: Window) -> list[Finding]:
    """Robots (processes) with more than ``alerts.manual_queue_max`` items waiting for manual handling,
    or the oldest waiting longer than ``alerts.manual_age_days``."""
    settings = window.settings.alerts
    oldest_allowed = window.now - timedelta(days=settings.manual_age_days)
    with Session(window.engine) as s:
        queues = s.execute(select(WorkItem.process, func.count(), func.min(WorkItem.updated_at))
                           .where(WorkItem.state == State.MANUAL).group_by(WorkItem.process)
                           .order_by(WorkItem.process)).all()
    found = []
    for process, count, oldest in queues:
        if count <= settings.manual_queue_max and oldest > oldest_allowed:
            continue
        title = window.settings.robot_title(process)
        text = (f"{count} oppgaver fra «{title}» venter på manuell behandling; den eldste siden {when(oldest)} "
                f"(varsles over {settings.manual_queue_max} oppgaver eller eldre enn "
                f"{settings.manual_age_days:g} dager).")
        found.append(Finding("manual_queue", process, process, f"Oppgaver venter på manuell behandling: {title}",
                             text, window.link(f"/manuell?prosess={quote(process)}")))
    return found


def worker_died(window: Window) -> list[Finding]:
    """Workers (``runner.mode = "workers"``) that fell silent in the window: no heartbeat for
    ``runner.stalled_seconds`` and no clean stop."""
    if window.settings.runner.mode != "workers":
        return []
    from saksrobot.workers.model import WorkerRow

    stalled = timedelta(seconds=window.settings.runner.stalled_seconds)
    query = (select(WorkerRow).where(WorkerRow.stopped_at.is_(None), WorkerRow.heartbeat_at > window.since - stalled,
                                     WorkerRow.heartbeat_at <= window.now - stalled).order_by(WorkerRow.name))
    with Session(window.engine) as s:
        dead = list(s.scalars(query))
    return [Finding("worker_died", worker.name, None, f"Arbeider stoppet uventet: {worker.name}",
                    f"Arbeideren «{worker.name}» på {worker.host} har ikke gitt livstegn siden "
                    f"{when(worker.heartbeat_at)}. Kjøringene den hadde, gis til en annen arbeider.",
                    window.link("/arbeidere"), event=f"worker:{worker.name}@{worker.heartbeat_at.isoformat()}")
            for worker in dead]
