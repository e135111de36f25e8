"""Runs are owned by a live process. The runner that starts a run (``saksrobot run``, the scheduler
service) records its host and process id and beats a heartbeat while the robot works; whoever looks
at the runs next (the runner, the scheduler, the control room, ``saksrobot runs list``) marks a run
whose owner died (``kill -9``, a reboot) as ``lost`` with the time it was last seen, ends its robot
if it is still there, and gives back its lock and its work items."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from saksrobot.errors import BusinessError
from saksrobot.pids import process_alive
from saksrobot.runner import lock
from saksrobot.runner.lock import RobotLock
from saksrobot.runner.model import Run, RunStatus
from saksrobot.runner.processes import end_process_tree
from saksrobot.workitems import State, WorkItem, utcnow

log = logging.getLogger(__name__)
HOST = socket.gethostname()
HEARTBEAT = timedelta(seconds=30)
STOP_POLL = timedelta(seconds=2)  # how often a runner looks whether someone asked to stop its run
STALE = 4 * HEARTBEAT  # a run of another machine not seen for this long has lost its owner


def owner_alive(run: Run) -> bool:
    """On this machine we can ask the process; of another machine we know its last heartbeat."""
    if run.host == HOST:
        return process_alive(run.pid, run.started_at)
    return (run.heartbeat_at or run.started_at) > utcnow() - STALE


def mark_lost(engine: Engine, dead_workers: frozenset[str] = frozenset()) -> list[str]:
    """Mark the runs whose owner died as lost (also every run of ``dead_workers``: workers whose
    heartbeat stopped, seen by another worker); return their ids."""
    with Session(engine) as s:
        running = s.scalars(select(Run).where(Run.status == RunStatus.RUNNING)).all()
        s.expunge_all()
    lost = [run for run in running if run.worker in dead_workers or not owner_alive(run)]
    marked = []
    for run in lost:
        seen = run.heartbeat_at or run.started_at
        with Session(engine) as s:
            owner = f"Arbeideren {run.worker}" if run.worker else "Prosessen som styrte kjøringen"
            summary = {**(run.summary or {}), "status": RunStatus.LOST.value, "last_seen": seen.isoformat() + "Z",
                       "reason": f"{owner} stoppet uventet; sist sett {_oslo(seen)}"}
            if not s.execute(update(Run).where(Run.id == run.id, Run.status == RunStatus.RUNNING).values(
                    status=RunStatus.LOST, finished_at=seen, summary=summary)).rowcount:
                continue  # another looker marked it first
            if run.host == HOST and process_alive(run.robot_pid, run.started_at):
                end_process_tree(run.robot_pid)  # its robot, left alone: nothing of the run goes on
            s.execute(delete(RobotLock).where(RobotLock.run_id == run.id))  # also the lock of a part (robot#k)
            freed = s.execute(update(WorkItem).where(WorkItem.run_id == run.id, WorkItem.state == State.IN_PROGRESS)
                              .values(state=State.PENDING, lease_owner=None, lease_expires=None,
                                      not_before=utcnow(), updated_at=utcnow())).rowcount
            s.commit()
        log.warning("Run %s of %s lost its owner (last seen %s): marked lost, %d work item(s) given back",
                    run.id, run.robot, seen, freed)
        marked.append(run.id)
    return marked


def _oslo(moment: datetime) -> str:
    from saksrobot.scheduler.triggers import TZ

    return f"{moment.replace(tzinfo=UTC).astimezone(TZ):%d.%m.%Y %H:%M:%S}"


class NotRunning(BusinessError):
    code = "not_running"


def request_stop(engine: Engine, run_id: str, by: str) -> Run:
    """Ask a run to stop: its runner ends the robot within ``STOP_POLL`` and records the run as
    stopped by ``by``, on whatever machine it runs; so are the extra consumer runs of the same robot
    (``[robots.<name>] parallel``). :class:`NotRunning` if it is not running, or asked to stop already."""
    with Session(engine, expire_on_commit=False) as s:
        run = s.get(Run, run_id)
        if run is None or run.status != RunStatus.RUNNING:
            raise NotRunning("Kjøringen går ikke (lenger)")
        if run.stop_requested_by:
            raise NotRunning(f"{run.stop_requested_by} har alt bedt om å stoppe kjøringen")
        s.execute(update(Run).where(Run.robot == run.robot, Run.status == RunStatus.RUNNING,
                                    Run.stop_requested_by.is_(None))
                  .values(stop_requested_by=by[:100], stop_requested_at=utcnow()))
        s.commit()
        s.refresh(run)
        return run


class Heartbeat:
    """While the robot works: the run's heartbeat, its lock renewed for other machines, and a look
    every ``STOP_POLL`` whether someone asked to stop it (then ``on_stop(who)`` is called once)."""

    def __init__(self, engine: Engine, run_id: str, robot: str,
                 on_stop: Callable[[str], None] | None = None) -> None:
        self._engine, self._run_id, self._robot, self._on_stop = engine, run_id, robot, on_stop
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{run_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        last_beat = utcnow()
        while not self._stop.wait(STOP_POLL.total_seconds()):
            try:
                if self._on_stop is not None and (by := self._stop_requested()):
                    self._on_stop(by)
                    self._on_stop = None
                if utcnow() - last_beat >= HEARTBEAT:
                    with Session(self._engine) as s:
                        s.execute(update(Run).where(Run.id == self._run_id).values(heartbeat_at=utcnow()))
                        s.commit()
                    lock.renew(self._engine, self._robot, self._run_id, STALE)
                    last_beat = utcnow()
            except Exception:  # noqa: BLE001 - a database hiccup: the next beat tries again
                log.warning("Heartbeat of run %s not recorded; trying again", self._run_id, exc_info=True)

    def _stop_requested(self) -> str | None:
        with Session(self._engine) as s:
            return s.scalar(select(Run.stop_requested_by).where(Run.id == self._run_id))
