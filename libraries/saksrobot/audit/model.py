"""The audit table. Rows are only ever inserted (the database refuses an update or a delete)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, DateTime, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from saksrobot.database import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"), Index("ix_audit_events_actor", "actor", "at"),
                      Index("ix_audit_events_object", "object_type", "object_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime())  # naive UTC, as every time saksrobot stores
    actor: Mapped[str] = mapped_column(String(100))  # a user name, "tidsplan", or "kommandolinje (<os user>)"
    action: Mapped[str] = mapped_column(String(40))  # an Action
    object_type: Mapped[str] = mapped_column(String(40))  # schedule, robot, run, item, user, alert, database
    object_id: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text())  # JSON, masked
    after: Mapped[str | None] = mapped_column(Text())  # JSON, masked


# The database refuses to change or delete a row, whoever asks. (Migration 0008 makes the same
# triggers in a database that is upgraded; these make them in one created at the newest revision.)
REFUSAL = "audit_events is append-only"
TRIGGERS = {"sqlite": ("audit_events_no_update", "audit_events_no_delete"), "postgresql": ("audit_events_append_only",)}
for _statement in (f"""CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                       BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$""",
                   "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"):
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
for _change in ("UPDATE", "DELETE"):
    event.listen(AuditEvent.__table__, "after_create", DDL(
        f"CREATE TRIGGER audit_events_no_{_change.lower()} BEFORE {_change} ON audit_events "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END").execute_if(dialect="sqlite"))
