"""One run of a robot at a time: the ``robot_locks`` row, and when a left-over lock is taken over."""

import os
import threading
import warnings
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from saksrobot.runner import RobotBusy, lock
from saksrobot.runner.lock import HOST, RobotLock
from saksrobot.workitems.store import utcnow

HOLD = timedelta(minutes=5)




def put(engine, **values) -> None:
    """A lock row as another process left it."""
    row = {"robot": "invoices", "run_id": "other", "host": HOST, "pid": 1, "expires_at": utcnow() + HOLD, **values}
    with Session(engine) as s:
        s.add(RobotLock(**row))
        s.commit()


def test_a_second_acquire_is_busy(engine):
    lock.acquire(engine, "invoices", "run-1", HOLD)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and quietly: no SQLAlchemy warning on every busy robot
        with pytest.raises(RobotBusy, match="invoices kjører allerede") as caught:
            lock.acquire(engine, "invoices", "run-2", HOLD)
    assert caught.value.code == "robot_busy"
    assert lock.running(engine) == {"invoices": "run-1"}


def test_release_then_acquire(engine):
    lock.acquire(engine, "invoices", "run-1", HOLD)
    lock.release(engine, "invoices", "run-1")
    assert lock.running(engine) == {}
    lock.acquire(engine, "invoices", "run-2", HOLD)
    assert lock.running(engine) == {"invoices": "run-2"}


def test_release_only_releases_ones_own_run(engine):
    lock.acquire(engine, "invoices", "run-1", HOLD)
    lock.release(engine, "invoices", "run-2")
    assert lock.running(engine) == {"invoices": "run-1"}


def test_robots_lock_separately(engine):
    lock.acquire(engine, "invoices", "run-1", HOLD)
    lock.acquire(engine, "school_cases", "run-2", HOLD)
    assert lock.running(engine) == {"invoices": "run-1", "school_cases": "run-2"}


def test_the_lock_of_a_dead_process_on_this_host_is_taken_over(engine, dead_pid):
    put(engine, pid=dead_pid)
    assert lock.running(engine) == {}  # stale: left out
    lock.acquire(engine, "invoices", "run-1", HOLD)
    assert lock.running(engine) == {"invoices": "run-1"}
    with Session(engine) as s:
        row = s.get(RobotLock, "invoices")
        assert (row.run_id, row.host) == ("run-1", HOST)


def test_the_lock_of_a_live_process_on_this_host_holds(engine):
    put(engine, pid=1)  # init: alive
    with pytest.raises(RobotBusy):
        lock.acquire(engine, "invoices", "run-1", HOLD)
    assert lock.running(engine) == {"invoices": "other"}


def test_a_lock_on_another_host_is_not_judged_by_its_pid(engine, dead_pid):
    put(engine, host=f"{HOST}-other", pid=dead_pid)
    with pytest.raises(RobotBusy):
        lock.acquire(engine, "invoices", "run-1", HOLD)
    assert lock.running(engine) == {"invoices": "other"}


def test_an_expired_lock_is_taken_over(engine):
    put(engine, host=f"{HOST}-other", expires_at=utcnow() - timedelta(seconds=1))
    assert lock.running(engine) == {}
    lock.acquire(engine, "invoices", "run-1", HOLD)
    assert lock.running(engine) == {"invoices": "run-1"}


def test_the_lock_expires_after_its_hold(engine):
    lock.acquire(engine, "invoices", "run-1", timedelta(minutes=3))
    with Session(engine) as s:
        expires = s.get(RobotLock, "invoices").expires_at
    assert timedelta(minutes=2, seconds=55) < expires - utcnow() <= timedelta(minutes=3)


def test_running_lists_held_locks_only(engine, dead_pid):
    lock.acquire(engine, "invoices", "run-1", HOLD)
    put(engine, robot="school_cases", pid=dead_pid)
    put(engine, robot="archive_cases", host="elsewhere", expires_at=utcnow() - timedelta(minutes=1))
    put(engine, robot="ppt_referrals", host="elsewhere", run_id="remote")
    assert lock.running(engine) == {"invoices": "run-1", "ppt_referrals": "remote"}


def test_racing_acquires_let_one_run(engine):
    outcomes: list[str] = []
    gate = threading.Barrier(6)

    def take(n: int) -> None:
        gate.wait()
        try:
            lock.acquire(engine, "invoices", f"run-{n}", HOLD)
            outcomes.append(f"run-{n}")
        except RobotBusy:
            outcomes.append("busy")
    threads = [threading.Thread(target=take, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    winners = [o for o in outcomes if o != "busy"]
    assert len(outcomes) == 6 and len(winners) == 1
    assert lock.running(engine) == {"invoices": winners[0]}


def test_a_live_holder_on_this_machine_keeps_its_lock_past_the_expiry(engine):
    """A long run started without a time limit (saksrobot run) is not joined by a second one."""
    put(engine, pid=os.getpid(), expires_at=utcnow() - timedelta(hours=1))
    with pytest.raises(RobotBusy):
        lock.acquire(engine, "invoices", "run-1", HOLD)


def test_renew_pushes_the_expiry_of_the_holder_only(engine):
    put(engine, host="elsewhere", expires_at=utcnow() + timedelta(seconds=5))
    lock.renew(engine, "invoices", "not-the-holder", timedelta(hours=1))
    with Session(engine) as s:
        assert s.get(RobotLock, "invoices").expires_at < utcnow() + timedelta(seconds=6)
    lock.renew(engine, "invoices", "other", timedelta(hours=1))
    with Session(engine) as s:
        assert s.get(RobotLock, "invoices").expires_at > utcnow() + timedelta(minutes=59)
