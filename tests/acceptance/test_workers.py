"""Runs on a pool of workers (runner.mode = "workers"): three ``saksrobot worker`` processes, each with
a name and a folder of its own, on a PostgreSQL database of the test's own. With small robots that
only wait, the dispatch: scheduled, Kjør nå and ``run --queue`` runs land on workers, one run per
robot at a time and at most ``archive.max_sessions`` runs on the archive under a burst of requests,
a worker killed mid-run (SIGKILL of its process group) loses its run to another. With the invoice
robot against the simulators: a worker killed mid-item loses nothing and files nothing twice, and
one robot's backlog is split between three runs on three workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from test_fault_suite import World

from postgres import new_postgres_database
from saksrobot.database import make_engine
from saksrobot.runner.model import Run, RunStatus
from saksrobot.scheduler.service import SchedulerService
from saksrobot.scheduler.spec import ScheduleSpec
from saksrobot.settings import load_settings
from saksrobot.web import create_app
from saksrobot.web.users import Role, UserStore
from saksrobot.workers.queue import RobotQueued, defer_run

SAKSROBOT = [sys.executable, "-m", "saksrobot.cli"]
ROBOT = """*** Tasks ***
Wait A Moment
    Sleep    {seconds}s
"""


class Pool:
    """Three workers (w1, w2, w3; two runs at a time each) on one database, each in its own folder."""

    def __init__(self, folder: Path, database: str, env: dict[str, str] | None = None) -> None:
        """With ``env``, the project's robots under that environment; else small robots that wait."""
        self.env = {**(env or os.environ), "SAKSROBOT_DATABASE__URL": database,
                    "SAKSROBOT_RUNNER__MODE": "workers", "SAKSROBOT_RUNNER__HEARTBEAT_SECONDS": "0.5",
                    "SAKSROBOT_RUNNER__STALLED_SECONDS": "3", "SAKSROBOT_RUNNER__SLOT_WAIT_SECONDS": "0.2",
                    "SAKSROBOT_ARCHIVE__MAX_SESSIONS": "2"}
        home = {}
        if env is None:
            (folder / "robots").mkdir(parents=True)
            for name, seconds in (("quick_a", 1), ("quick_b", 1), ("quick_c", 1), ("slow", 6)):
                (folder / "robots" / f"{name}.robot").write_text(ROBOT.format(seconds=seconds), encoding="utf-8")
            self.env |= {"SAKSROBOT_HOME": str(folder), "SAKSROBOT_LOGS_DIR": str(folder / "logs")}  # shared
            home = {"home": folder, "logs_dir": folder / "logs"}
        self.settings = load_settings(database={"url": database}, archive={"max_sessions": 2}, **home,
                                      runner={"mode": "workers", "heartbeat_seconds": 0.5, "stalled_seconds": 3})
        self.engine = make_engine(database)
        self.workers: dict[str, subprocess.Popen] = {}
        self.killed: set[str] = set()
        for name in ("w1", "w2", "w3"):
            work = folder / name
            work.mkdir(parents=True)
            self.workers[name] = subprocess.Popen(
                [*SAKSROBOT, "worker", "--name", name, "--concurrency", "2"], env=self.env, cwd=work,
                stdout=(work / "worker.log").open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_for(lambda: self.scalar("SELECT count(*) FROM workers WHERE stopped_at IS NULL") == 3,
                      "three workers registered")

    def kill_worker_of(self, run: Run) -> None:
        """SIGKILL of the worker that runs ``run`` and everything in its process group."""
        os.killpg(self.workers[run.worker].pid, signal.SIGKILL)
        self.killed.add(run.worker)
        self.workers[run.worker].wait()

    def scalar(self, sql: str) -> object:
        with self.engine.connect() as connection:
            return connection.scalar(text(sql))

    def wait_for(self, condition, what: str, seconds: float = 180) -> None:  # noqa: ANN001
        deadline = time.monotonic() + seconds
        while not condition():
            for name, process in self.workers.items():
                assert process.poll() is None or name in self.killed, f"worker {name} exited: {process.returncode}"
            assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
            time.sleep(0.2)

    def queue_empty(self) -> bool:
        return self.scalar("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')") == 0

    def runs(self) -> list[Run]:
        with Session(self.engine) as s:
            found = list(s.scalars(select(Run).order_by(Run.started_at)))
            s.expunge_all()
        return found

    def stop(self) -> None:
        for process in self.workers.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.workers.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.engine.dispose()


def control_room(pool: Pool) -> TestClient:
    """The control room of the pool's database, logged in as an operator."""
    UserStore(pool.engine).add("kari", "kari-passord-123", Role.OPERATOR)
    client = TestClient(create_app(pool.settings, pool.engine, SchedulerService(pool.settings, pool.engine)))
    token = client.get("/logg-inn").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/logg-inn", data={"username": "kari", "password": "kari-passord-123", "csrf_token": token,
                                   "neste": "/"})
    return client


@pytest.fixture
def pool(tmp_path) -> Iterator[Pool]:
    with new_postgres_database() as url:
        pool = Pool(tmp_path, url)
        try:
            yield pool
        finally:
            pool.stop()


def test_a_burst_of_run_requests_keeps_one_run_per_robot_and_the_archive_cap(pool):
    requested, refused = [], []
    for n in range(20):
        robot = ("quick_a", "quick_b", "quick_c")[n % 3]
        try:
            requested.append((robot, defer_run(pool.settings, robot, "test (kjør nå)", 60)))
        except RobotQueued:
            refused.append(robot)
    # a robot waits in the queue once: the first request of each is queued; the others are told so,
    # unless a worker took the robot's job meanwhile (then one more is queued behind the running one)
    assert {robot for robot, _ in requested} == {"quick_a", "quick_b", "quick_c"}
    assert len(requested) + len(refused) == 20 and refused
    pool.wait_for(pool.queue_empty, "every queued run taken and finished")
    runs = [r for r in pool.runs() if r.status != RunStatus.SKIPPED]
    assert len(runs) == len(requested)
    assert all(r.status == RunStatus.SUCCEEDED and r.worker in pool.workers for r in runs), \
        [(r.robot, r.status, r.worker) for r in runs]
    spans = [(r.started_at, r.finished_at, r.robot) for r in runs]
    for start, end, robot in spans:  # never two runs of one robot, never more than 2 on the archive
        beside = [other for s, e, other in spans if s < end and start < e]
        assert beside.count(robot) == 1, f"{robot} ran twice at once"
        at_start = [other for s, e, other in spans if s <= start < e]
        assert len(at_start) <= 2, f"{len(at_start)} runs on the archive at once (max_sessions = 2)"
    assert all((Path(r.output_dir) / "log.html").is_file() for r in runs)  # in the shared folder


def test_scheduled_run_now_and_cli_runs_land_on_workers(pool):
    service = SchedulerService(pool.settings, pool.engine)  # the control room's scheduler, in worker mode
    schedule = service.store.create(ScheduleSpec(robot="quick_b"), by="kari")
    service.run_schedule(schedule.id)  # what APScheduler calls when the schedule fires
    service.run_now("quick_c", "kari")  # Kjør nå
    result = subprocess.run([*SAKSROBOT, "run", "quick_a", "--queue"], env=pool.env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0 and "lagt i kø" in result.stdout, result.stdout + result.stderr
    pool.wait_for(lambda: len(pool.runs()) == 3 and pool.queue_empty(), "the three runs done")
    started = {r.robot: (r.status, r.summary["started_by"], r.worker in pool.workers) for r in pool.runs()}
    assert started == {"quick_b": (RunStatus.SUCCEEDED, f"tidsplan #{schedule.id}", True),
                       "quick_c": (RunStatus.SUCCEEDED, "kari (kjør nå)", True),
                       "quick_a": (RunStatus.SUCCEEDED, "kommandolinje (kø)", True)}
    listed = subprocess.run([*SAKSROBOT, "workers", "list"], env=pool.env | {"COLUMNS": "200"},
                            capture_output=True, text=True, timeout=120, check=True).stdout
    assert all(name in listed for name in ("w1", "w2", "w3")) and "kjører" in listed


def test_a_killed_worker_loses_its_run_to_another_worker(pool):
    defer_run(pool.settings, "slow", "test (kjør nå)", 120)
    pool.wait_for(lambda: any(r.status == RunStatus.RUNNING and r.robot_pid for r in pool.runs()), "the run started")
    (first,) = pool.runs()
    victim = first.worker
    pool.kill_worker_of(first)
    pool.wait_for(lambda: not psutil.pid_exists(first.robot_pid) or
                  psutil.Process(first.robot_pid).status() == psutil.STATUS_ZOMBIE, "its robot gone with it", 30)
    pool.wait_for(lambda: any(r.status == RunStatus.SUCCEEDED for r in pool.runs()), "the run done elsewhere")
    lost, again = pool.runs()
    assert lost.id == first.id and lost.status == RunStatus.LOST and victim in lost.summary["reason"]
    assert again.status == RunStatus.SUCCEEDED and again.worker != victim
    # the dead worker's job was queued again (one job, done), not copied
    assert pool.scalar("SELECT string_agg(status::text, ',') FROM procrastinate_jobs") == "succeeded"
    # the control room: the dead worker shown as dead, the run's files (from the shared folder) served
    room = control_room(pool)
    workers = room.get("/arbeidere").text
    assert f'<tr data-worker="{victim}">' in workers and "død" in workers.split(f'data-worker="{victim}"')[1]
    runs = room.get("/kjoringer").text
    assert f"på {again.worker}" in runs and f"Arbeideren {victim} stoppet uventet" in runs
    log_html = room.get(f"/kjoringer/{again.id}/log.html")
    assert log_html.status_code == 200 and "Wait A Moment" in log_html.text


def test_a_worker_killed_mid_item_loses_nothing_and_files_nothing_twice(tmp_path):
    """The invoice robot on the workers against the simulators (slowed down), killed mid-item: the
    run is lost on that worker and done on another; every invoice filed once, in its supplier's case
    for the year made once (the fault suite's checks)."""
    with new_postgres_database() as database:
        world = World(tmp_path, database)
        for round_ in (1, 2):
            world.deliver("invoices", round_)
        world.sims.faults(latency_ms=150)
        pool = Pool(tmp_path / "pool", database, env=world.env)
        try:
            defer_run(pool.settings, "invoices", "test (kjør nå)", 240)

            def mid_item() -> bool:
                done = pool.scalar("SELECT count(*) FROM work_items WHERE state = 'done'")
                return bool(done) and pool.scalar("SELECT count(*) FROM work_items WHERE state = 'in_progress'") == 1

            pool.wait_for(mid_item, "an invoice filed and the next one in progress")
            (first,) = pool.runs()
            pool.kill_worker_of(first)
            pool.wait_for(lambda: any(r.status == RunStatus.SUCCEEDED for r in pool.runs()), "the run done elsewhere")
            lost, again = pool.runs()
            assert (lost.status, again.status) == (RunStatus.LOST, RunStatus.SUCCEEDED)
            assert again.worker not in (None, first.worker)
            world.sims.faults()
            world.check("invoices")  # nothing lost, nothing twice, one gevinst row per filed invoice
            assert world.settled["invoices"]["done"] == 12
        finally:
            pool.stop()
            world.sims.kill()


def test_one_robot_runs_on_three_workers_at_once_for_a_backlog(tmp_path):
    """``[robots.invoices] parallel = 3``: the run asks for two extra consumers once its producer has
    taken the invoices in; the items are split between the three runs by their leases, each filed once."""
    with new_postgres_database() as database:
        world = World(tmp_path, database)
        for round_ in (1, 2, 3, 4):
            world.deliver("invoices", round_)
        world.sims.faults(latency_ms=150)
        pool = Pool(tmp_path / "pool", database, env=world.env | {"SAKSROBOT_ROBOTS__INVOICES__PARALLEL": "3",
                                                                   "SAKSROBOT_ARCHIVE__MAX_SESSIONS": "3"})
        try:
            defer_run(pool.settings, "invoices", "test (kjør nå)", 240)
            pool.wait_for(lambda: len(pool.runs()) == 3 and pool.queue_empty(), "the run and its two helpers done")
            runs = pool.runs()
            assert [r.status for r in runs] == [RunStatus.SUCCEEDED] * 3
            helper = f"invoices, kjøring {runs[0].id}"
            assert [r.summary["started_by"] for r in runs] == ["test (kjør nå)", helper, helper]
            with pool.engine.connect() as connection:
                by_run = dict(connection.execute(text(
                    "SELECT run_id, count(*) FROM work_items WHERE state = 'done' GROUP BY run_id")).all())
            assert sum(by_run.values()) == 24 and len(by_run) >= 2, by_run  # split between the runs
            world.sims.faults()
            world.check("invoices")
        finally:
            pool.stop()
            world.sims.kill()


def test_a_dead_workers_job_gives_way_to_the_run_already_queued_for_its_robot(pool):
    """The robot was queued again while its run went on (allowed: one waits, one runs); its worker
    dies: the dead worker's job is ended (queueing it again would make two waiting), the queued run
    takes the robot on another worker."""
    defer_run(pool.settings, "slow", "test (kjør nå)", 120)
    pool.wait_for(lambda: any(r.status == RunStatus.RUNNING and r.robot_pid for r in pool.runs()), "the run started")
    defer_run(pool.settings, "slow", "tidsplan #1", 120)  # waits behind the running one
    (first,) = pool.runs()
    pool.kill_worker_of(first)
    pool.wait_for(lambda: any(r.status == RunStatus.SUCCEEDED for r in pool.runs()), "the queued run done elsewhere")
    assert pool.scalar("SELECT string_agg(status::text, ',' ORDER BY id) FROM procrastinate_jobs") == "failed,succeeded"
    lost, again = pool.runs()
    assert lost.status == RunStatus.LOST and (again.worker, again.summary["started_by"]) != (first.worker, "")
    assert again.summary["started_by"] == "tidsplan #1"
