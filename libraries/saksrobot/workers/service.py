"""``saksrobot worker``: take robot runs from procrastinate's queues and run them here.

Beside procrastinate's own worker loop, a watch beats this worker's row in ``workers`` and looks for
workers that stopped beating (killed, their machine gone): their runs are marked lost (their lock
and work items given back), and their jobs are put back in the queue for a live worker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from saksrobot.errors import ConfigurationError
from saksrobot.runner import mark_lost, run_recorded
from saksrobot.runner.owners import HOST
from saksrobot.settings import Settings
from saksrobot.workers.model import WorkerRow, worker_state
from saksrobot.workers.queue import conninfo, ensure_schema, make_app
from saksrobot.workers.slots import system_sessions
from saksrobot.workitems import utcnow

log = logging.getLogger(__name__)


def register(engine: Engine, name: str, queues: list[str], concurrency: int, stalled: timedelta) -> None:
    """This worker's row, new or taken over from a stopped or dead worker of the same name."""
    now = utcnow()
    with Session(engine) as s:
        row = s.get(WorkerRow, name)
        if row is not None and worker_state(row, stalled) == "kjører" and (row.host, row.pid) != (HOST, os.getpid()):
            raise ConfigurationError(f"A worker named {name!r} runs already (on {row.host}, pid {row.pid}); "
                                     "give this one another --name")
        row = row or WorkerRow(name=name)
        row.host, row.pid, row.queues, row.concurrency = HOST, os.getpid(), queues, concurrency
        row.started_at, row.heartbeat_at, row.stopped_at = now, now, None
        s.add(row)
        s.commit()


def dead_workers(engine: Engine, stalled: timedelta) -> frozenset[str]:
    with Session(engine) as s:
        return frozenset(w.name for w in s.scalars(select(WorkerRow)) if worker_state(w, stalled) == "død")


def serve_worker(settings: Settings, engine: Engine, *, queues: list[str] | None = None, concurrency: int = 1,
                 name: str | None = None, env: dict[str, str] | None = None) -> None:
    """Run jobs of ``queues`` (all queues: None), ``concurrency`` at a time, until stopped (SIGINT or
    SIGTERM: the running robots are let finish)."""
    conninfo(settings)  # PostgreSQL, or a clear error
    ensure_schema(engine)
    name = name or f"{HOST}-{os.getpid()}"
    stalled = timedelta(seconds=settings.runner.stalled_seconds)
    register(engine, name, sorted(queues or []), concurrency, stalled)

    def run(context: Any, robot: str, started_by: str, timeout: float | None, part: int = 0,
            variables: dict[str, str] | None = None) -> None:
        log.info("Job %s: %s%s (%s) on %s", context.job.id, robot, f" part {part}" if part else "", started_by, name)
        with system_sessions(settings, engine, robot):
            run_recorded(settings, engine, robot, started_by, timeout, worker=name, env=env, part=part,
                         variables=variables or None)

    try:
        asyncio.run(_serve(make_app(settings, run), settings, engine, name, queues, concurrency))
    finally:
        with Session(engine) as s:
            s.execute(update(WorkerRow).where(WorkerRow.name == name, WorkerRow.pid == os.getpid())
                      .values(stopped_at=utcnow()))
            s.commit()


async def _serve(app: Any, settings: Settings, engine: Engine, name: str, queues: list[str] | None,
                 concurrency: int) -> None:
    async with app.open_async():
        worker = asyncio.create_task(app.run_worker_async(
            queues=queues, concurrency=concurrency, name=name,
            update_heartbeat_interval=settings.runner.heartbeat_seconds,
            stalled_worker_timeout=settings.runner.stalled_seconds))
        watch = asyncio.create_task(_watch(app, settings, engine, name))
        try:
            await worker
        finally:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch


async def _watch(app: Any, settings: Settings, engine: Engine, name: str) -> None:
    stalled = timedelta(seconds=settings.runner.stalled_seconds)
    # a thread of its own: the loop's default pool runs the robots, and the heartbeat must not wait for them
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="saksrobot-watch") as own:
        loop = asyncio.get_running_loop()
        while True:
            try:
                await loop.run_in_executor(own, _beat, engine, name)
                await _recover(app, engine, stalled, lambda work, *args: loop.run_in_executor(own, work, *args))
            except Exception:  # noqa: BLE001 - the database away for a moment: the next round tries again
                log.warning("Worker %s: heartbeat or recovery failed; trying again", name, exc_info=True)
            await asyncio.sleep(settings.runner.heartbeat_seconds)


def _beat(engine: Engine, name: str) -> None:
    with Session(engine) as s:
        s.execute(update(WorkerRow).where(WorkerRow.name == name).values(heartbeat_at=utcnow()))
        s.commit()


async def _recover(app: Any, engine: Engine, stalled: timedelta, run: Any) -> None:
    """Runs of dead workers marked lost (lock and items given back), then their jobs queued again;
    a job whose robot waits in the queue again already is ended instead (that job runs the robot)."""
    from procrastinate.exceptions import ConnectorException, UniqueViolation
    from procrastinate.jobs import Status

    jobs = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled.total_seconds())
    dead = await run(dead_workers, engine, stalled)
    lost = await run(mark_lost, engine, dead)
    for job in jobs:
        robot = job.task_kwargs.get("robot")
        try:
            await app.job_manager.retry_job(job)
            log.warning("Job %s (%s) of a dead worker queued again", job.id, robot)
        except UniqueViolation:
            await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
            log.warning("Job %s (%s) of a dead worker ended: the robot waits in the queue already", job.id, robot)
        except ConnectorException:  # another worker recovered it first
            log.info("Job %s (%s) was recovered by another worker", job.id, robot)
    if lost:
        log.warning("Runs of dead workers marked lost: %s", ", ".join(lost))
