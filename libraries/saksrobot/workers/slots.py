"""How many runs use a system at once, on all workers: ``max_sessions`` of ``[archive]`` and
``[schooladmin]`` (e.g. 2 licensed robot users). A run holds one of the system's N PostgreSQL
advisory locks (key: the system, slot 0..N-1) on a connection of its own for as long as it runs;
a worker that dies closes its connection, and the slot is free at once."""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from saksrobot.settings import Settings

log = logging.getLogger(__name__)


def _key(system: str) -> int:
    """A stable 32-bit signed key of the system (advisory locks take two int4 keys)."""
    return zlib.crc32(f"saksrobot:{system}".encode()) - 2**31


def _take(connection: Connection, system: str, cap: int) -> bool:
    for slot in range(cap):
        if connection.scalar(text("SELECT pg_try_advisory_lock(:key, :slot)"), {"key": _key(system), "slot": slot}):
            return True
    return False


@contextmanager
def system_sessions(settings: Settings, engine: Engine, robot: str,
                    stop: threading.Event | None = None) -> Iterator[None]:
    """Wait for a free session of every capped system the robot uses (in a fixed order, so that two
    runs never wait for each other), hold them while the block runs."""
    caps = sorted((system, getattr(settings, system).max_sessions) for system in settings.robot(robot).systems
                  if getattr(settings, system).max_sessions)
    if not caps or engine.dialect.name != "postgresql":  # local runs: one machine, the robot lock suffices
        yield
        return
    waiting = stop or threading.Event()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        try:
            for system, cap in caps:
                logged = False
                while not _take(connection, system, cap):
                    if not logged:
                        log.info("%s waits for a free %s session (max_sessions = %d)", robot, system, cap)
                        logged = True
                    if waiting.wait(settings.runner.slot_wait_seconds):
                        raise InterruptedError(f"{robot}: stopped while waiting for a {system} session")
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock_all()"))
