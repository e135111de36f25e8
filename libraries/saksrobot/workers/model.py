"""The workers known to saksrobot: a row per ``saksrobot worker`` (by its name), beaten while it runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, DateTime, String, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from saksrobot.database import Base
from saksrobot.runner.model import Run, RunStatus
from saksrobot.workitems import utcnow


class WorkerRow(Base):
    __tablename__ = "workers"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    queues: Mapped[list[str]] = mapped_column(JSON, default=list)
    concurrency: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(DateTime())  # naive UTC
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime())  # naive UTC
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime())  # a clean stop; None: running or died


def worker_state(worker: WorkerRow, stalled_after: timedelta) -> str:
    """``kjører``, ``stoppet`` or ``død`` (no heartbeat for ``stalled_after``: its runs go elsewhere)."""
    if worker.stopped_at is not None:
        return "stoppet"
    return "død" if worker.heartbeat_at < utcnow() - stalled_after else "kjører"


def workers_with_runs(engine: Engine) -> list[tuple[WorkerRow, list[Run]]]:
    """Every worker, newest heartbeat first, with the runs running on it now."""
    with Session(engine) as s:
        workers = s.scalars(select(WorkerRow).order_by(WorkerRow.heartbeat_at.desc())).all()
        running = s.scalars(select(Run).where(Run.status == RunStatus.RUNNING, Run.worker.is_not(None))).all()
        s.expunge_all()
    return [(w, [r for r in running if r.worker == w.name]) for w in workers]
