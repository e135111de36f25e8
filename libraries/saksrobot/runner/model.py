"""Runs of robots, stored in saksrobot's database."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, String, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from saksrobot.database import Base


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    KILLED = "killed"
    TIMED_OUT = "timed_out"
    MISSED = "missed"    # a scheduled run that did not start (the service was down past the grace period)
    SKIPPED = "skipped"  # a scheduled run not started because the robot was running already
    LOST = "lost"        # its owner died (kill -9, a reboot): marked by whoever saw it first


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(50), primary_key=True)
    robot: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime())  # naive UTC
    finished_at: Mapped[datetime | None] = mapped_column(DateTime())
    return_code: Mapped[int | None]
    output_dir: Mapped[str] = mapped_column(String(500))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    host: Mapped[str | None] = mapped_column(String(255))  # the runner that owns the run (None: it never ran)
    pid: Mapped[int | None]
    robot_pid: Mapped[int | None]  # its robot process
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime())  # naive UTC: the runner last seen alive
    worker: Mapped[str | None] = mapped_column(String(100))  # the ``saksrobot worker`` it ran on (None: local)
    stop_requested_by: Mapped[str | None] = mapped_column(String(100))  # who asked to stop it (its runner obeys)
    stop_requested_at: Mapped[datetime | None] = mapped_column(DateTime())


def first_finished(engine: Engine, robot: str) -> datetime | None:
    """When the first run of ``robot`` recorded in this database ended (``None``: none has)."""
    with engine.connect() as connection:
        return connection.scalar(select(func.min(Run.finished_at)).where(Run.robot == robot))
