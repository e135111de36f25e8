"""One run of a robot at a time, across processes and machines: a row per running robot in
``robot_locks``. A lock left by a process that died (on this machine) or that outlived its time
limit is taken over."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import DateTime, String, delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from saksrobot.database import Base
from saksrobot.errors import ApplicationError
from saksrobot.workitems.store import pid_alive, utcnow

HOST = socket.gethostname()


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


def _stale(lock: RobotLock) -> bool:
    return lock.expires_at < utcnow() or (lock.host == HOST and not pid_alive(lock.pid))


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


def release(engine: Engine, robot: str, run_id: str) -> None:
    with Session(engine) as s:
        s.execute(delete(RobotLock).where(RobotLock.robot == robot, RobotLock.run_id == run_id))
        s.commit()


def running(engine: Engine) -> dict[str, str]:
    """Robots running now (robot → run id), stale locks left out."""
    with Session(engine) as s:
        return {lock.robot: lock.run_id for lock in s.query(RobotLock) if not _stale(lock)}
