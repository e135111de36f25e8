"""Runs are owned by a live process: a run whose runner died is marked lost (with the time it was last
seen) by whoever looks next, its robot ended, its lock and work items given back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from saksrobot.cli import app
from saksrobot.database import make_engine
from saksrobot.pids import process_alive
from saksrobot.runner import NotRunning, Run, RunStatus, lock, mark_lost, request_stop
from saksrobot.runner.lock import RobotLock
from saksrobot.runner.owners import HOST, STALE
from saksrobot.workitems import State, WorkItemStore, utcnow

ROBOTS = __import__("pathlib").Path(__file__).parent / "robots"




def running_run(engine, run_id: str, *, host: str = HOST, pid: int | None = None, seen_ago: timedelta = timedelta(0),
                started_ago: timedelta = timedelta(minutes=10)) -> None:
    now = utcnow()
    with Session(engine) as s:
        s.add(Run(id=run_id, robot="invoices", status=RunStatus.RUNNING, started_at=now - started_ago,
                  heartbeat_at=now - seen_ago, host=host, pid=pid, output_dir="/tmp/x", summary={"started_by": "ola"}))
        s.commit()


def status_of(engine, run_id: str) -> Run:
    with Session(engine) as s:
        return s.get(Run, run_id)


def test_a_run_whose_runner_died_on_this_machine_is_lost_at_once_with_its_lock_and_items_given_back(engine, dead_pid):
    running_run(engine, "dead", pid=dead_pid, seen_ago=timedelta(seconds=20))
    lock.acquire(engine, "invoices", "dead", timedelta(hours=1))
    store = WorkItemStore(engine)
    store.add("invoices", "INV-1")
    store.add("invoices", "INV-2")
    taken = store.reserve("invoices", run_id="dead")
    assert mark_lost(engine) == ["dead"]
    run = status_of(engine, "dead")
    assert run.status == "lost" and run.finished_at == run.heartbeat_at
    assert run.summary["reason"].startswith("Prosessen som styrte kjøringen stoppet uventet; sist sett ")
    assert run.summary["started_by"] == "ola" and run.summary["last_seen"]
    with Session(engine) as s:
        assert s.scalars(select(RobotLock)).all() == []
    assert store.get(taken.id).state == State.PENDING
    assert mark_lost(engine) == []  # once


def test_a_live_runner_keeps_its_run_however_old_its_heartbeat(engine):
    running_run(engine, "live", pid=os.getpid(), started_ago=timedelta(0), seen_ago=timedelta(hours=3))
    assert mark_lost(engine) == [] and status_of(engine, "live").status == "running"


def test_a_pid_taken_by_a_later_process_is_not_the_owner(engine):
    """After a reboot the number may belong to another process, started after the run."""
    running_run(engine, "rebooted", pid=os.getpid(), started_ago=timedelta(days=400))
    assert not process_alive(os.getpid(), utcnow() - timedelta(days=400))
    assert mark_lost(engine) == ["rebooted"]


def test_a_run_of_another_machine_is_lost_when_its_heartbeat_stopped(engine):
    running_run(engine, "quiet", host="worker-2", pid=1, seen_ago=STALE + timedelta(seconds=1))
    running_run(engine, "beating", host="worker-3", pid=1, seen_ago=timedelta(seconds=10))
    assert mark_lost(engine) == ["quiet"]
    assert status_of(engine, "beating").status == "running"


def test_killing_the_runner_and_its_robot_leaves_a_lost_run_that_every_view_shows(tmp_path):
    """``saksrobot run`` and its robot both killed (kill -9): ``saksrobot runs list`` shows the run lost."""
    url = f"sqlite:///{tmp_path / 'saksrobot.db'}"
    env = {**os.environ, "SAKSROBOT_DATABASE__URL": url, "SAKSROBOT_LOGS_DIR": str(tmp_path / "logs")}
    runner = subprocess.Popen([sys.executable, "-m", "saksrobot.cli", "run", str(ROBOTS / "waiting.robot")],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in runner.stdout:  # the runner echoes the robot's console
            if "robot-started" in line:
                break
        engine = make_engine(url)
        with Session(engine) as s:
            run = s.scalars(select(Run)).one()
        assert run.status == "running" and run.host == HOST and run.pid == runner.pid and run.robot_pid
        robot_pid = run.robot_pid
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait()
        assert process_alive(robot_pid)  # the robot is in its own session: it outlives its runner ...
        listed = CliRunner().invoke(app, ["runs", "list"], env={"SAKSROBOT_DATABASE__URL": url, "COLUMNS": "250"})
        assert listed.exit_code == 0, listed.output
        assert "Mistet" in listed.output and "sist sett" in listed.output
        assert not process_alive(robot_pid)  # ... until the run is marked lost
        assert status_of(engine, run.id).status == "lost"
        with Session(engine) as s:
            assert s.scalars(select(RobotLock)).all() == []
    finally:
        runner.kill()
        runner.wait()


def test_a_stop_asks_every_running_run_of_the_robot_and_only_once(engine):
    running_run(engine, "main", host="another-machine")
    running_run(engine, "helper", host="a-third-machine")  # a consumer run of the same robot ([robots] parallel)
    assert request_stop(engine, "main", "kari").stop_requested_by == "kari"
    assert status_of(engine, "helper").stop_requested_by == "kari"
    with pytest.raises(NotRunning, match="kari har alt bedt om"):
        request_stop(engine, "helper", "ola")
    with pytest.raises(NotRunning, match="går ikke"):
        request_stop(engine, "no-such-run", "ola")
