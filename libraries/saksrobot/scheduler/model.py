"""Schedules: our own table is the source of truth; APScheduler's job store only mirrors it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from saksrobot.database import Base


class Schedule(Base):
    """When one robot runs. ``days``/``times`` is the form archive staff fill in; ``cron`` (five
    fields, for experts) replaces them when set. Times are Europe/Oslo wall-clock times."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    robot: Mapped[str] = mapped_column(String(100), index=True)
    days: Mapped[str] = mapped_column(String(40), default="mon,tue,wed,thu,fri")  # APScheduler day names
    times: Mapped[str] = mapped_column(String(200), default="07:00")  # HH:MM, comma separated
    cron: Mapped[str | None] = mapped_column(String(100))
    follow_calendar: Mapped[bool] = mapped_column(default=True)  # skip public holidays and closed days
    enabled: Mapped[bool] = mapped_column(default=True)
    misfire_grace_minutes: Mapped[int] = mapped_column(default=60)
    max_run_minutes: Mapped[int] = mapped_column(default=120)
    version: Mapped[int] = mapped_column(default=1)  # +1 on every change: the service re-syncs the job
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime())  # naive UTC
