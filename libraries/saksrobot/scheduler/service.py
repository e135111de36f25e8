"""The scheduler of ``saksrobot serve``: APScheduler 3.11 with a persistent job store that mirrors
our ``schedules`` table, no overlapping runs of one robot, "run now", and a record of every run
that should have started and did not (missed during downtime, skipped while the robot ran).

APScheduler jobs only name a schedule (``run_scheduled(schedule_id)``); what to run and for how
long is read from our table when the job fires."""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from saksrobot.audit import SCHEDULER, Action, AuditLog
from saksrobot.errors import ConfigurationError
from saksrobot.runner import (
    RobotBusy,
    RunStatus,
    known_robots,
    lock,
    mark_lost,
    record_event,
    run_recorded,
    run_robot,
    stop_runs,
)
from saksrobot.scheduler.calendar import WorkCalendar
from saksrobot.scheduler.model import Schedule
from saksrobot.scheduler.spec import ScheduleSpec
from saksrobot.scheduler.store import NoSuchSchedule, ScheduleStore
from saksrobot.scheduler.triggers import TZ, trigger_for
from saksrobot.settings import Settings

log = logging.getLogger(__name__)
JOB_PREFIX = "schedule-"
SCHEDULER_HOLD = timedelta(minutes=5)  # renewed at every sync; another machine may take over after this
_active: SchedulerService | None = None  # the one running service; its jobs call back into it


def run_scheduled(schedule_id: int) -> None:
    """The APScheduler job of a schedule (a plain function: the job store keeps a reference to it)."""
    if _active is None:
        log.error("Schedule %s fired without a running scheduler service", schedule_id)
        return
    _active.run_schedule(schedule_id)


def _deferred(settings: Settings, robot: str, *, timeout: float | None, started_by: str, **_: Any) -> None:
    """A run put in the job queue for the workers (``runner.mode = "workers"``); their own settings
    and environment apply there."""
    from saksrobot.workers.queue import defer_run

    defer_run(settings, robot, started_by, timeout)


def _by(job_id: str) -> str:
    return f"tidsplan #{job_id.removeprefix(JOB_PREFIX)}"


def _fmt(moment: datetime) -> str:
    return f"{moment.astimezone(TZ):%d.%m.%Y kl. %H:%M}"


class SchedulerService:
    """Owns the APScheduler instance. ``runner`` is :func:`run_robot` (tests may pass another);
    ``env`` is given to every run (the demo and tests point robots at simulators with it)."""

    def __init__(self, settings: Settings, engine: Engine, *, env: Mapping[str, str] | None = None,
                 runner: Callable[..., Any] = run_robot) -> None:
        if settings.runner.mode == "workers" and runner is run_robot:
            runner = _deferred  # the workers run it
        self.settings, self.engine, self.env, self.runner = settings, engine, dict(env or {}), runner
        self._sync_lock = threading.Lock()
        self._lock_id = uuid.uuid4().hex[:8]
        # a thread per robot (a run holds its thread to the end), one for the sync and one spare
        workers = len(known_robots(settings)) + 2
        self.store = ScheduleStore(engine)
        self.calendar = WorkCalendar.of(settings)
        self._calendar_tag = hashlib.sha256(repr((self.calendar.closed_days, sorted(self.calendar.closed_dates)))
                                            .encode()).hexdigest()[:8]
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename="apscheduler_jobs"),
                       "local": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(workers)},
            job_defaults={"coalesce": True, "max_instances": 1}, timezone=TZ)
        self.scheduler.add_listener(self._not_started, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start: record the runs missed while the service was down, sync the schedules, then let
        APScheduler run (once) each schedule whose last missed run is within its grace period."""
        global _active
        if _active is not None and _active is not self:
            raise RuntimeError("One scheduler service per process")
        try:
            lock.acquire(self.engine, lock.SCHEDULER, self._lock_id, SCHEDULER_HOLD)
        except RobotBusy:
            raise ConfigurationError("En annen saksrobot-planlegger bruker allerede denne databasen "
                                     "(saksrobot serve kjører et annet sted)", code="scheduler_busy") from None
        _active = self
        self.scheduler.start(paused=True)
        self._record_downtime()
        self.sync()
        self.scheduler.add_job(self.sync, "interval", seconds=self.settings.scheduler.sync_seconds, id="sync",
                               jobstore="local", misfire_grace_time=None)
        from saksrobot.alerts import schedule_checks  # e-mail alerts (alerts.enabled), every alerts.check_seconds

        schedule_checks(self.scheduler, self.settings, self.engine)
        self.scheduler.resume()
        log.info("Scheduler started with %d schedule(s)", len(self.store.all()))

    def shutdown(self) -> None:
        """Stop scheduling; stop robots still running (their runs are recorded as killed)."""
        global _active
        # APScheduler 3.11 processes due jobs once more after shutdown (and loses them, its pool being
        # closed): take the persistent store away first, so a job falling due now waits for the next start
        self.scheduler.remove_jobstore("default", shutdown=False)  # (shutdown=True would dispose our engine)
        self.scheduler.shutdown(wait=False)
        if stopped := stop_runs():
            log.warning("Stopped %d robot run(s) still going at shutdown", stopped)
        lock.release(self.engine, lock.SCHEDULER, self._lock_id)
        _active = None

    # --- schedules -> APScheduler jobs --------------------------------------------------------

    def _job_name(self, schedule: Schedule) -> str:
        return f"{schedule.robot} #{schedule.id} v{schedule.version} {self._calendar_tag}"

    def sync(self) -> None:
        """Make APScheduler's jobs match the schedules table. A job whose schedule did not change is
        left alone, so its next run time (and a run missed while the service was down) is kept."""
        with self._sync_lock:  # the page and the periodic sync may call at once
            lock.renew(self.engine, lock.SCHEDULER, self._lock_id, SCHEDULER_HOLD)
            mark_lost(self.engine)  # runs whose runner died (on any machine) are not shown running
            self._sync()

    def _sync(self) -> None:
        jobs: dict[str, Job] = {job.id: job for job in self.scheduler.get_jobs(jobstore="default")}
        for schedule in self.store.all():
            job_id = f"{JOB_PREFIX}{schedule.id}"
            job = jobs.pop(job_id, None)
            if job is None or job.name != self._job_name(schedule):
                if job is not None and job.next_run_time is not None and job.next_run_time <= datetime.now(UTC):
                    self._due_before_change(schedule, job.next_run_time)
                grace = schedule.misfire_grace_minutes * 60 or 1
                self.scheduler.add_job(
                    run_scheduled, trigger=trigger_for(ScheduleSpec.of(schedule), self.calendar), args=[schedule.id],
                    id=job_id, name=self._job_name(schedule), misfire_grace_time=grace, replace_existing=True,
                    jobstore="default")
                job = self.scheduler.get_job(job_id, jobstore="default")
            if schedule.enabled and job.next_run_time is None:
                self.scheduler.resume_job(job_id, jobstore="default")
            elif not schedule.enabled and job.next_run_time is not None:
                self.scheduler.pause_job(job_id, jobstore="default")
        for job_id in jobs:
            self.scheduler.remove_job(job_id, jobstore="default")

    def _due_before_change(self, schedule: Schedule, due: datetime) -> None:
        """A run that fell due while the service was down, of a schedule changed meanwhile: run once
        now if within the grace period, else record it missed (the new job starts from now)."""
        if datetime.now(UTC) - due <= timedelta(minutes=schedule.misfire_grace_minutes):
            self.scheduler.add_job(run_scheduled, args=[schedule.id], jobstore="local", misfire_grace_time=None)
        else:
            record_event(self.engine, schedule.robot, RunStatus.MISSED,
                         f"Kjøringen {_fmt(due)} ble ikke startet: tjenesten var nede lenger enn "
                         f"{schedule.misfire_grace_minutes} min", _by(f"{JOB_PREFIX}{schedule.id}"), due)

    def next_run(self, schedule_id: int) -> datetime | None:
        job = self.scheduler.get_job(f"{JOB_PREFIX}{schedule_id}", jobstore="default")
        return job.next_run_time if job else None

    # --- runs ---------------------------------------------------------------------------------

    def run_schedule(self, schedule_id: int) -> None:
        schedule = self._schedule(f"{JOB_PREFIX}{schedule_id}")
        if schedule is None or not schedule.enabled:
            return
        if schedule.robot not in lock.running(self.engine):  # else recorded as skipped, not started
            AuditLog(self.engine).record_safely(SCHEDULER, Action.RUN_START, ("robot", schedule.robot),
                                                after={"tidsplan": schedule.id})
        self._execute(schedule.robot, f"tidsplan #{schedule.id}", schedule.max_run_minutes * 60)

    def run_now(self, robot: str, by: str) -> None:
        """Start a run of ``robot`` at once (in the background); :class:`RobotBusy` if it runs already."""
        if robot not in known_robots(self.settings):
            raise ValueError(f"Ukjent robot: {robot}")
        if robot in lock.running(self.engine):
            raise RobotBusy(f"{robot} kjører allerede")
        if self.runner is _deferred:  # at once, so that the user is told if it waits in the queue already
            _deferred(self.settings, robot, timeout=self.settings.scheduler.max_run_minutes * 60,
                      started_by=f"{by} (kjør nå)")
            return
        self.scheduler.add_job(self._execute, args=[robot, f"{by} (kjør nå)", self.settings.scheduler.max_run_minutes
                                                    * 60], id=f"now-{robot}-{uuid.uuid4().hex[:6]}", jobstore="local",
                               misfire_grace_time=None)  # waits for a free thread rather than being dropped

    def _execute(self, robot: str, started_by: str, timeout: float) -> None:
        run_recorded(self.settings, self.engine, robot, started_by, timeout, runner=self.runner, env=self.env)

    # --- runs that did not start --------------------------------------------------------------

    def _schedule(self, job_id: str) -> Schedule | None:
        """The schedule behind an APScheduler job (None for other jobs, or one deleted meanwhile)."""
        if not job_id.startswith(JOB_PREFIX):
            return None
        try:
            return self.store.get(int(job_id.removeprefix(JOB_PREFIX)))
        except NoSuchSchedule:
            return None

    def _not_started(self, event: JobEvent) -> None:
        if (schedule := self._schedule(event.job_id)) is None:
            return
        robot, grace = schedule.robot, schedule.misfire_grace_minutes
        # a missed run is a JobExecutionEvent (one time); a skipped one a JobSubmissionEvent (a list)
        when = event.scheduled_run_time if event.code == EVENT_JOB_MISSED else event.scheduled_run_times[-1]
        if event.code == EVENT_JOB_MISSED:
            reason = f"Kjøringen {_fmt(when)} ble ikke startet: tjenesten var nede lenger enn {grace} min"
            record_event(self.engine, robot, RunStatus.MISSED, reason, _by(event.job_id), when)
        else:
            reason = f"Kjøringen {_fmt(when)} ble ikke startet: forrige kjøring pågikk fortsatt"
            record_event(self.engine, robot, RunStatus.SKIPPED, reason, _by(event.job_id), when)

    def _record_downtime(self) -> None:
        """Runs missed while the service was down. APScheduler coalesces them: it runs (or reports
        missed) only the last; the earlier ones beyond the grace period are recorded here (those
        within it are covered by that one run)."""
        now = datetime.now(UTC)  # compared in UTC: one wall-clock time can be two instants in October
        for job in self.scheduler.get_jobs(jobstore="default"):
            if (schedule := self._schedule(job.id)) is None or job.next_run_time is None:
                continue
            missed: list[datetime] = []
            moment = job.next_run_time
            while moment is not None and moment <= now:
                missed.append(moment)
                moment = job.trigger.get_next_fire_time(moment, (moment + timedelta(seconds=1)).astimezone(TZ))
            grace = timedelta(minutes=schedule.misfire_grace_minutes)
            for when in (w for w in missed[:-1] if now - w > grace):
                record_event(self.engine, schedule.robot, RunStatus.MISSED,
                             f"Kjøringen {_fmt(when)} ble ikke startet: tjenesten var nede",
                             _by(job.id), when)
