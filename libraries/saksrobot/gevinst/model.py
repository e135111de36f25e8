"""The gevinst log: one append-only row per item attempt (never personal data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from saksrobot.database import Base


class GevinstRow(Base):
    """What one attempt at one item saved. Money and årsverk are computed at report time."""

    __tablename__ = "gevinst_log"
    __table_args__ = (Index("ix_gevinst_process_finished", "process", "finished_at"),
                      Index("ix_gevinst_process_key", "process", "business_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    process: Mapped[str] = mapped_column(String(100))
    robot_version: Mapped[str] = mapped_column(String(50))
    run_id: Mapped[str | None] = mapped_column(String(50))
    business_key: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(20))  # done | duplicate | manual | failed | retry
    reason_code: Mapped[str | None] = mapped_column(String(100))
    target_refs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    baseline_version: Mapped[str | None] = mapped_column(String(50))
    manual_minutes: Mapped[float] = mapped_column(default=0)
    saving_share: Mapped[float] = mapped_column(default=0)
    followup_minutes: Mapped[float] = mapped_column(default=0)
    saved_minutes: Mapped[float] = mapped_column(default=0)
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime())
    finished_at: Mapped[datetime] = mapped_column(DateTime())  # naive UTC
