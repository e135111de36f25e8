"""The work-item table and its states. Times are naive UTC (the same on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String, Text, UniqueConstraint, desc
from sqlalchemy.orm import Mapped, mapped_column

from saksrobot.database import Base


class State(StrEnum):
    PENDING = "pending"          # waiting (possibly until ``not_before``)
    IN_PROGRESS = "in_progress"  # reserved by a consumer until ``lease_expires``
    DONE = "done"                # finished; ``result`` holds target references (case number ...)
    MANUAL = "manual"            # handed to archive staff with a reason
    FAILED = "failed"            # application errors on every attempt
    RESOLVED = "resolved"        # a manual item that archive staff handled by hand


STATE_NAMES = {State.PENDING: "venter", State.IN_PROGRESS: "pågår", State.DONE: "ferdig",  # for archive staff
               State.MANUAL: "til manuell behandling", State.FAILED: "feilet", State.RESOLVED: "behandlet manuelt"}


class WorkItem(Base):
    """One unit of work of one process, unique by its business key."""

    __tablename__ = "work_items"
    __table_args__ = (
        UniqueConstraint("process", "key", name="uq_work_items_process_key"),
        Index("ix_work_items_free", "process", "state", desc("priority"), "id"),  # the order of reserve
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), default=State.PENDING)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # ids and file references, no personal data
    personal: Mapped[str | None] = mapped_column(Text)  # the personal fields, sealed (workitems.sealed)
    files: Mapped[list[str]] = mapped_column(JSON, default=list)
    priority: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(DateTime())
    attempts: Mapped[int] = mapped_column(default=0)  # counted towards the retry limit; requeue starts it again
    reservations: Mapped[int] = mapped_column(default=0, server_default="0")  # never reset: 1 = first attempt
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires: Mapped[datetime | None] = mapped_column(DateTime())
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason_code: Mapped[str | None] = mapped_column(String(100))
    reason_text: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime())
    updated_at: Mapped[datetime] = mapped_column(DateTime())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolution_note: Mapped[str | None] = mapped_column(Text)  # what staff wrote when handling it (beside the reason)

    def __repr__(self) -> str:  # payloads may hold personal data: never in a repr
        return f"WorkItem({self.id}, {self.process}/{self.key}, {self.state})"


class ContentClaim(Base):
    """The first item of a process that carried some content (a fingerprint of a referral, the
    hash of an invoice file): a later item with the same content is a duplicate of that one."""

    __tablename__ = "work_item_content"

    process: Mapped[str] = mapped_column(String(100), primary_key=True)
    content_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(DateTime())
