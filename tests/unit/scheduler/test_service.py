"""The scheduler service with a real BackgroundScheduler, its job store in a SQLite file and a fake
runner that takes the real robot lock as ``run_robot`` does. Downtime is simulated by moving a
job's stored next run time back, stopping the service and starting a new one on the same database."""

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from saksrobot.audit import AuditLog
from saksrobot.database import make_engine
from saksrobot.errors import ConfigurationError
from saksrobot.runner import RobotBusy, Run, RunStatus, lock
from saksrobot.scheduler import SchedulerService, ScheduleSpec, ScheduleStore
from saksrobot.settings import load_settings

OSLO = ZoneInfo("Europe/Oslo")


class FakeRunner:
    """Stands in for ``run_robot``: takes the robot's lock (or raises RobotBusy), notes the run, and
    blocks while ``hold`` is clear."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.calls: list[dict] = []  # every call, also those that found the robot busy
        self.runs: list[dict] = []   # the runs that got the lock
        self.started = threading.Event()
        self.hold = threading.Event()
        self.hold.set()
        self._guard = threading.Lock()

    def __call__(self, settings, robot, *, env, timeout, started_by):
        call = {"robot": robot, "env": env, "timeout": timeout, "started_by": started_by}
        with self._guard:
            self.calls.append(call)
        run_id = uuid.uuid4().hex[:8]
        lock.acquire(self.engine, robot, run_id, timedelta(seconds=timeout))
        try:
            with self._guard:
                self.runs.append(call)
            self.started.set()
            assert self.hold.wait(10), "the test never let the run finish"
        finally:
            lock.release(self.engine, robot, run_id)


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


def settle() -> None:
    """Give the scheduler's threads time to do what they (wrongly) might."""
    time.sleep(0.3)


def runs(engine, status: RunStatus | None = None) -> list[Run]:
    with Session(engine) as s:
        query = select(Run).order_by(Run.started_at)
        return list(s.scalars(query if status is None else query.where(Run.status == status)))


def scheduled_for(run: Run) -> datetime:
    return datetime.fromisoformat(run.summary["scheduled_for"])


def away_from_a_minute_mark() -> None:
    """Tests with '* * * * *' must not see a minute begin while they run."""
    if datetime.now().second >= 57:
        time.sleep(60.2 - datetime.now().second - datetime.now().microsecond / 1e6)


@pytest.fixture
def engine(tmp_path):
    return make_engine(f"sqlite:///{tmp_path / 'saksrobot.db'}")


@pytest.fixture
def settings(tmp_path):
    return load_settings(logs_dir=tmp_path / "logs", database={"url": f"sqlite:///{tmp_path / 'saksrobot.db'}"},
                         scheduler={"sync_seconds": 3600, "max_run_minutes": 7})


@pytest.fixture
def store(engine):
    return ScheduleStore(engine)


@pytest.fixture
def runner(engine):
    fake = FakeRunner(engine)
    yield fake
    fake.hold.set()


@pytest.fixture
def service(settings, engine, runner):
    """``service()`` starts a service on the database; the last one is stopped after the test."""
    started: list[SchedulerService] = []

    def start() -> SchedulerService:
        svc = SchedulerService(settings, engine, runner=runner, env={"SAKSROBOT_X": "1"})
        svc.start()
        started.append(svc)
        return svc
    yield start
    runner.hold.set()
    for svc in started:
        if svc.scheduler.running:
            svc.shutdown()


def downtime(svc: SchedulerService, schedule_id: int, next_run_time: datetime) -> None:
    """The service stops, its job due at ``next_run_time``."""
    svc.scheduler.pause()
    svc.scheduler.modify_job(f"schedule-{schedule_id}", next_run_time=next_run_time)
    svc.shutdown()


def fire_now(svc: SchedulerService, schedule_id: int) -> None:
    svc.scheduler.modify_job(f"schedule-{schedule_id}", next_run_time=datetime.now(UTC))


def far_time() -> str:
    """A time of day 11–12 hours away: a daily schedule at it does not fire during a test."""
    return f"{datetime.now(OSLO) + timedelta(hours=12):%H}:00"


def daily(robot: str, at: str, **fields) -> ScheduleSpec:
    return ScheduleSpec(robot=robot, days="alle", times=at, follow_calendar=False, **fields)


# --- run now ------------------------------------------------------------------------------------

def test_run_now_calls_the_runner_with_the_user(service, runner):
    svc = service()
    svc.run_now("invoices", by="kari")
    wait_for(lambda: len(runner.calls) == 1)
    call = runner.calls[0]
    assert call["robot"] == "invoices" and "kari" in call["started_by"]
    assert call["timeout"] == 7 * 60 and call["env"] == {"SAKSROBOT_X": "1"}


def test_run_now_of_an_unknown_robot(service, runner):
    with pytest.raises(ValueError, match="Ukjent robot: payroll"):
        service().run_now("payroll", by="kari")
    settle()
    assert runner.calls == []


def test_run_now_while_the_robot_runs_is_busy(service, runner, engine):
    runner.hold.clear()
    svc = service()
    svc.run_now("invoices", by="kari")
    assert runner.started.wait(5)
    with pytest.raises(RobotBusy):
        svc.run_now("invoices", by="ola")
    svc.run_now("school_cases", by="ola")  # another robot is not held up
    wait_for(lambda: len(runner.runs) == 2)
    runner.hold.set()
    wait_for(lambda: lock.running(engine) == {})
    assert [c["robot"] for c in runner.calls] == ["invoices", "school_cases"]
    svc.run_now("invoices", by="ola")  # free again
    wait_for(lambda: len(runner.runs) == 3)


# --- scheduled runs -----------------------------------------------------------------------------

def test_a_schedule_runs_the_robot(service, store, runner, engine):
    schedule = store.create(daily("school_cases", far_time(), max_run_minutes=3), by="kari")
    svc = service()
    assert svc.next_run(schedule.id) > datetime.now(UTC) + timedelta(hours=10)
    fire_now(svc, schedule.id)
    wait_for(lambda: len(runner.calls) == 1)
    call = runner.calls[0]
    assert (call["robot"], call["timeout"], call["started_by"]) == ("school_cases", 180, f"tidsplan #{schedule.id}")
    assert call["env"] == {"SAKSROBOT_X": "1"}
    wait_for(lambda: svc.next_run(schedule.id) > datetime.now(UTC) + timedelta(hours=10))  # the next day
    [started] = AuditLog(engine).find()  # the audit trail names the scheduler as who started it
    assert (started.actor, started.action, started.object_id, started.after) == (
        "tidsplan", "run_start", "school_cases", f'{{"tidsplan": {schedule.id}}}')


def test_a_run_missed_within_the_grace_period_runs_once(service, store, runner, engine):
    schedule = store.create(daily("archive_cases", far_time(), misfire_grace_minutes=60), by="kari")
    downtime(service(), schedule.id, datetime.now(UTC) - timedelta(minutes=10))
    svc = service()
    wait_for(lambda: len(runner.calls) == 1)
    settle()
    assert [c["started_by"] for c in runner.calls] == [f"tidsplan #{schedule.id}"]
    assert runs(engine, RunStatus.MISSED) == []
    wait_for(lambda: svc.next_run(schedule.id) > datetime.now(UTC) + timedelta(hours=10))


def test_a_run_missed_beyond_the_grace_period_is_recorded_missed(service, store, runner, engine):
    missed = (datetime.now(OSLO) - timedelta(minutes=10)).replace(second=0, microsecond=0)
    schedule = store.create(daily("archive_cases", f"{missed:%H:%M}", misfire_grace_minutes=1), by="kari")
    first = service()
    assert first.next_run(schedule.id) == missed + timedelta(days=1)
    downtime(first, schedule.id, missed)
    svc = service()
    wait_for(lambda: runs(engine, RunStatus.MISSED) != [])
    settle()
    assert runner.calls == []
    [run] = runs(engine)
    assert (run.robot, run.status, run.summary["started_by"]) == ("archive_cases", "missed", f"tidsplan #{schedule.id}")
    assert scheduled_for(run) == missed
    assert "ble ikke startet" in run.summary["reason"]
    assert svc.next_run(schedule.id) == missed + timedelta(days=1)


def test_several_missed_runs_run_at_most_once(service, store, runner, engine):
    away_from_a_minute_mark()
    schedule = store.create(ScheduleSpec(robot="invoices", cron="* * * * *", follow_calendar=False,
                                         misfire_grace_minutes=1), by="kari")
    first = service()
    next_run = first.next_run(schedule.id)
    downtime(first, schedule.id, next_run - timedelta(minutes=5))
    service()
    wait_for(lambda: len(runner.calls) == 1)
    settle()
    assert [c["started_by"] for c in runner.calls] == [f"tidsplan #{schedule.id}"]
    missed = runs(engine, RunStatus.MISSED)
    # next_run - 5 … next_run - 1 min fell due; the last (less than a minute ago) ran, the others are missed
    assert sorted(scheduled_for(r) for r in missed) == [next_run - timedelta(minutes=m) for m in (5, 4, 3, 2)]
    assert {r.summary["started_by"] for r in missed} == {f"tidsplan #{schedule.id}"}
    assert len(runs(engine)) == 4  # the fake runner records no run of its own


def test_a_schedule_firing_while_the_robot_runs_is_skipped(service, store, runner, engine):
    schedule = store.create(daily("invoices", far_time()), by="kari")
    runner.hold.clear()
    svc = service()
    svc.run_now("invoices", by="kari")
    assert runner.started.wait(5)
    fire_now(svc, schedule.id)
    wait_for(lambda: runs(engine, RunStatus.SKIPPED) != [])
    settle()
    assert len(runner.runs) == 1 and "kari" in runner.runs[0]["started_by"]
    [skipped] = runs(engine)
    assert (skipped.robot, skipped.summary["started_by"]) == ("invoices", f"tidsplan #{schedule.id}")
    assert "pågikk fortsatt" in skipped.summary["reason"]
    runner.hold.set()


def test_a_schedule_firing_again_while_its_run_goes_on_is_skipped(service, store, runner, engine):
    schedule = store.create(daily("invoices", far_time()), by="kari")
    runner.hold.clear()
    svc = service()
    fire_now(svc, schedule.id)
    assert runner.started.wait(5)
    again = datetime.now(UTC)
    fire_now(svc, schedule.id)  # APScheduler does not start a second instance of the job
    wait_for(lambda: runs(engine, RunStatus.SKIPPED) != [])
    settle()
    assert [c["started_by"] for c in runner.calls] == [f"tidsplan #{schedule.id}"]
    [skipped] = runs(engine)
    assert (skipped.robot, skipped.summary["started_by"]) == ("invoices", f"tidsplan #{schedule.id}")
    assert abs(scheduled_for(skipped) - again) < timedelta(seconds=1)
    runner.hold.set()


def test_a_disabled_schedule_does_not_run_when_fired(service, store, runner):
    schedule = store.create(daily("invoices", far_time()), by="kari")
    svc = service()
    fire_now(svc, schedule.id)
    wait_for(lambda: len(runner.calls) == 1)
    store.set_enabled(schedule.id, False, by="kari")  # not synced yet: the job still fires, and looks
    fire_now(svc, schedule.id)
    wait_for(lambda: svc.next_run(schedule.id) > datetime.now(UTC) + timedelta(hours=10))  # it fired
    settle()
    assert len(runner.calls) == 1


# --- schedules -> jobs --------------------------------------------------------------------------

def test_pause_and_resume(service, store, runner):
    schedule = store.create(daily("invoices", far_time()), by="kari")
    svc = service()
    assert svc.next_run(schedule.id) is not None
    store.set_enabled(schedule.id, False, by="kari")
    svc.sync()
    assert svc.next_run(schedule.id) is None
    assert svc.scheduler.get_job(f"schedule-{schedule.id}") is not None  # paused, not removed
    store.set_enabled(schedule.id, True, by="kari")
    svc.sync()
    assert svc.next_run(schedule.id) > datetime.now(UTC) + timedelta(hours=10)


def test_a_schedule_created_paused_has_no_next_run(service, store):
    schedule = store.create(daily("invoices", far_time(), enabled=False), by="kari")
    svc = service()
    assert svc.scheduler.get_job(f"schedule-{schedule.id}") is not None and svc.next_run(schedule.id) is None


def test_new_schedules_are_picked_up_by_sync(service, store):
    svc = service()
    schedule = store.create(daily("invoices", far_time()), by="kari")
    assert svc.next_run(schedule.id) is None
    svc.sync()
    assert svc.next_run(schedule.id) is not None


def test_an_edited_schedule_gets_a_new_job(service, store):
    schedule = store.create(ScheduleSpec(robot="invoices", days="alle", times="07:00"), by="kari")
    svc = service()
    before = svc.next_run(schedule.id).astimezone(OSLO)
    assert (before.hour, before.minute) == (7, 0)
    store.update(schedule.id, ScheduleSpec(robot="invoices", days="alle", times="13:30"), by="kari")
    svc.sync()
    after = svc.next_run(schedule.id).astimezone(OSLO)
    assert (after.hour, after.minute) == (13, 30)
    assert "v2" in svc.scheduler.get_job(f"schedule-{schedule.id}").name


def test_an_unchanged_schedule_keeps_its_next_run_across_a_restart(service, store):
    kept = store.create(daily("invoices", far_time()), by="kari")
    edited = store.create(daily("school_cases", far_time()), by="kari")
    first = service()
    moved = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3, minutes=7)  # no fire time of the trigger
    first.scheduler.pause()
    first.scheduler.modify_job(f"schedule-{edited.id}", next_run_time=moved)
    downtime(first, kept.id, moved)
    store.update(edited.id, daily("school_cases", "06:15"), by="kari")  # while the service is down
    svc = service()
    assert svc.next_run(kept.id) == moved
    recomputed = svc.next_run(edited.id).astimezone(OSLO)
    assert (recomputed.hour, recomputed.minute) == (6, 15) and recomputed < moved


@pytest.mark.parametrize(("late", "grace", "runs_once"), [(2, 30, True), (5, 1, False)])
def test_a_run_due_when_its_schedule_was_edited_during_downtime(service, store, engine, runner, late, grace,
                                                                 runs_once):
    schedule = store.create(daily("invoices", far_time()), by="kari")
    due = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=late)
    downtime(service(), schedule.id, due)
    store.update(schedule.id, daily("invoices", far_time(), misfire_grace_minutes=grace), by="kari")
    svc = service()
    if runs_once:  # within the grace period: once now, then on the new schedule
        wait_for(lambda: len(runner.calls) == 1)
        settle()
        assert [c["started_by"] for c in runner.calls] == [f"tidsplan #{schedule.id}"]
        assert runs(engine, RunStatus.MISSED) == []
    else:
        settle()
        assert runner.calls == []
        [missed] = runs(engine, RunStatus.MISSED)
        assert scheduled_for(missed) == due
        assert "lenger enn 1 min" in missed.summary["reason"]
    assert svc.next_run(schedule.id) > datetime.now(UTC)


def test_a_calendar_change_recomputes_the_jobs(service, store, settings, engine, runner):
    schedule = store.create(ScheduleSpec(robot="invoices", days="alle", times="07:00"), by="kari")
    first = service()
    moved = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3, minutes=7)
    downtime(first, schedule.id, moved)
    closed = load_settings(**{**settings.model_dump(include={"logs_dir", "database"}),
                              "scheduler": {"sync_seconds": 3600, "closed_dates": ["2099-01-01"]}})
    svc = SchedulerService(closed, engine, runner=runner)
    svc.start()
    try:
        assert svc.next_run(schedule.id) != moved
        assert svc.next_run(schedule.id).astimezone(OSLO).hour == 7
    finally:
        svc.shutdown()


def test_a_deleted_schedule_loses_its_job(service, store):
    kept = store.create(daily("invoices", far_time()), by="kari")
    gone = store.create(daily("school_cases", far_time()), by="kari")
    svc = service()
    store.delete(gone.id)
    svc.sync()
    assert svc.scheduler.get_job(f"schedule-{gone.id}") is None and svc.next_run(gone.id) is None
    assert svc.next_run(kept.id) is not None
    assert {job.id for job in svc.scheduler.get_jobs(jobstore="default")} == {f"schedule-{kept.id}"}


def test_jobs_are_stored_in_the_database(service, store, engine):
    schedule = store.create(daily("invoices", far_time()), by="kari")
    first = service()
    next_run = first.next_run(schedule.id)
    first.shutdown()
    with engine.connect() as connection:
        stored = connection.exec_driver_sql("select id, next_run_time from apscheduler_jobs").all()
    assert stored == [(f"schedule-{schedule.id}", next_run.timestamp())]
    assert service().next_run(schedule.id) == next_run


def test_one_service_per_process(service, settings, engine, runner):
    service()
    with pytest.raises(RuntimeError, match="One scheduler service per process"):
        SchedulerService(settings, engine, runner=runner).start()


def test_one_active_scheduler_per_database(settings, engine, runner):
    """A scheduler on another machine holds the database: a second one refuses to start."""
    with Session(engine) as s:
        s.add(lock.RobotLock(robot=lock.SCHEDULER, run_id="other", host="another-machine", pid=1,
                             expires_at=datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=5)))
        s.commit()
    with pytest.raises(ConfigurationError, match="annen saksrobot-planlegger"):
        SchedulerService(settings, engine, runner=runner).start()


def test_the_scheduler_lock_is_released_at_shutdown(service, engine):
    svc = service()
    with Session(engine) as s:
        assert s.get(lock.RobotLock, lock.SCHEDULER) is not None
    svc.shutdown()
    with Session(engine) as s:
        assert s.get(lock.RobotLock, lock.SCHEDULER) is None


def test_a_run_that_cannot_start_is_shown_among_the_runs(settings, engine):
    def broken(settings, robot, **_):
        raise OSError("No space left on device: /logs/invoices")

    svc = SchedulerService(settings, engine, runner=broken)
    svc.start()
    try:
        svc.run_now("invoices", by="kari")
        wait_for(lambda: runs(engine, RunStatus.FAILED) != [])
    finally:
        svc.shutdown()
    [failed] = runs(engine, RunStatus.FAILED)
    assert failed.summary["reason"] == "Kjøringen kunne ikke startes: No space left on device: /logs/invoices"
    assert failed.summary["started_by"] == "kari (kjør nå)"
