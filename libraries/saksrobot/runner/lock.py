"""One run of a robot at a time, across processes and machines: a row per running robot in
``robot_locks``. A lock is taken over when its process died (a lock of this machine) or, for a
lock of another machine, when it was not renewed before it expired."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import DateTime, String, delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from saksrobot.database import Base
from saksrobot.errors import ApplicationError
from saksrobot.pids import process_alive
from saksrobot.workitems.store import utcnow

HOST = socket.gethostname()
SCHEDULER = "saksrobot-scheduler"  # the row of the one active scheduler service, not a robot


class RobotBusy(ApplicationError):
    """The robot is running already; a second run would compete for the same items."""

    code = "robot_busy"


class RobotLock(Base):
    __tablename__ = "robot_locks"

    robot: Mapped[str] = mapped_column(String(100), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(50))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(DateTime())  # naive UTC


def lock_name(robot: str, part: int = 0) -> str:
    """The lock of a robot's run, or of its extra consumer ``part`` (``[robots.<name>] parallel``)."""
    return f"{robot}#{part}" if part else robot


def _stale(lock: RobotLock) -> bool:
    if lock.host == HOST:  # here we can ask: a live holder keeps its lock, however long it runs
        return not process_alive(lock.pid)
    return lock.expires_at < utcnow()


def acquire(engine: Engine, robot: str, run_id: str, hold: timedelta) -> None:
    """Take the robot's lock for ``run_id`` or raise :class:`RobotBusy`."""
    busy = f"{robot} kjører allerede; en ny kjøring startes ikke samtidig"
    with Session(engine) as s:
        held = s.get(RobotLock, robot)
        if held is not None:
            if not _stale(held):  # (adding a second row for the robot to this session would only warn, then fail)
                raise RobotBusy(busy)
            s.execute(delete(RobotLock).where(RobotLock.robot == robot, RobotLock.run_id == held.run_id))
            s.commit()
        s.add(RobotLock(robot=robot, run_id=run_id, host=HOST, pid=os.getpid(), expires_at=utcnow() + hold))
        try:
            s.commit()
        except IntegrityError:  # another process took it in between
            raise RobotBusy(busy) from None


def renew(engine: Engine, robot: str, run_id: str, hold: timedelta) -> None:
    """Push the expiry of a lock still held by ``run_id`` (seen by other machines) ``hold`` ahead."""
    with Session(engine) as s:
        s.execute(update(RobotLock).where(RobotLock.robot == robot, RobotLock.run_id == run_id)
                  .values(expires_at=utcnow() + hold))
        s.commit()


def release(engine: Engine, robot: str, run_id: str) -> None:
    with Session(engine) as s:
        s.execute(delete(RobotLock).where(RobotLock.robot == robot, RobotLock.run_id == run_id))
        s.commit()


def running(engine: Engine) -> dict[str, str]:
    """Robots running now (robot → run id), stale locks and the extra consumers (``robot#k``) left out."""
    with Session(engine) as s:
        return {lock.robot: lock.run_id for lock in s.query(RobotLock)
                if lock.robot != SCHEDULER and "#" not in lock.robot and not _stale(lock)}
