"""The alert tables: who gets which alert (``alert_subscriptions``), what was mailed when (``alert_sent``,
for grouping) and how far the checks have read (``alert_watermarks``). Times are naive UTC."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saksrobot.database import Base


class AlertSubscription(Base):
    """Whether a role gets a rule's alerts: for every robot (``robot`` empty) or, as an exception, for one."""

    __tablename__ = "alert_subscriptions"
    __table_args__ = (UniqueConstraint("rule", "robot", "role", name="uq_alert_subscriptions_rule_robot_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    robot: Mapped[str] = mapped_column(String(100), default="")  # "": every robot
    role: Mapped[str] = mapped_column(String(20))
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime())


class AlertSent(Base):
    """The last mail of a rule about one subject (a robot, a worker, a day), and the findings held back
    since (grouping: at most one mail per rule and subject per period)."""

    __tablename__ = "alert_sent"

    rule: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime())
    held: Mapped[int] = mapped_column(default=0)  # findings not mailed since (told in the next mail)


class AlertWatermark(Base):
    """How far a pass has read events (runs that failed, workers that died): the time of the last pass
    and the events of the day before it already handled, so a restart neither re-sends nor loses one."""

    __tablename__ = "alert_watermarks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime())
    seen: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)  # the last delivery problem, masked (None: none)
