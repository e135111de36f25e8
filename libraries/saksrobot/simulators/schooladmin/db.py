"""The school-admin simulator's database: SQLAlchemy 2 models and the engine/session factory."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from saksrobot import database
from saksrobot.simulators.tables import fresh_tables


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """A school or a kindergarten."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    orgnr: Mapped[str] = mapped_column(String(9))
    kind: Mapped[str] = mapped_column(String(20))  # skole | barnehage
    access_group: Mapped[str] = mapped_column(String(100))


class Child(Base):
    """A pupil (elev, ``E-1001``) or a kindergarten child (barn, ``B-2001``) in the register."""

    __tablename__ = "children"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # elev | barn
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    fnr: Mapped[str] = mapped_column(String(11), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    grade: Mapped[str] = mapped_column(String(100))  # "3. trinn" or the kindergarten department
    enrolled: Mapped[date]
    folder_case_number: Mapped[str | None] = mapped_column(String(20))
    unit: Mapped[Unit] = relationship(lazy="joined")


class User(Base):
    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(50), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))


class Referral(Base):
    """A referral (henvisning) to PPT, as received: the child's data is a copy, not a link."""

    __tablename__ = "referrals"
    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    received: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="ny")  # ny | behandlet
    case_number: Mapped[str | None] = mapped_column(String(20))
    processed_at: Mapped[datetime | None]
    processed_by: Mapped[str | None] = mapped_column(String(50))
    referral_type: Mapped[str] = mapped_column(String(20))  # individsak | systemsak | re-henvisning
    child_first_name: Mapped[str] = mapped_column(String(100))
    child_last_name: Mapped[str] = mapped_column(String(100))
    child_fnr: Mapped[str] = mapped_column(String(11))
    child_address: Mapped[str | None] = mapped_column(String(200))
    child_unit_name: Mapped[str | None] = mapped_column(String(200))
    child_unit_orgnr: Mapped[str | None] = mapped_column(String(9))
    child_grade: Mapped[str | None] = mapped_column(String(100))
    mother_tongue: Mapped[str | None] = mapped_column(String(50))
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    referrer_kind: Mapped[str] = mapped_column(String(30))
    referrer_name: Mapped[str] = mapped_column(String(200))
    referrer_orgnr: Mapped[str | None] = mapped_column(String(9))
    referrer_contact_person: Mapped[str | None] = mapped_column(String(200))
    referrer_phone: Mapped[str | None] = mapped_column(String(30))
    reason_category: Mapped[str] = mapped_column(String(200))
    reason_text: Mapped[str] = mapped_column(String(2000))
    to_assess: Mapped[str | None] = mapped_column(String(2000))
    measures_tried: Mapped[str | None] = mapped_column(String(2000))
    guardians: Mapped[list[Guardian]] = relationship(order_by="Guardian.position", cascade="all, delete-orphan",
                                                     lazy="selectin")
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.n", cascade="all, delete-orphan",
                                                         lazy="selectin")

    @property
    def child_name(self) -> str:
        return f"{self.child_first_name} {self.child_last_name}"


class Guardian(Base):
    __tablename__ = "guardians"
    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(200))
    fnr: Mapped[str] = mapped_column(String(11))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    parental_responsibility: Mapped[bool] = mapped_column(default=True)
    lives_with_child: Mapped[bool] = mapped_column(default=True)
    consent: Mapped[bool] = mapped_column(default=False)


class Attachment(Base):
    """A file of a referral, numbered 1, 2, ... within the referral."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    n: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(100), default="application/pdf")
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(default=0)


def make_engine(url: str) -> Engine:
    """An engine for the simulator's own tables (same SQLite set-up as saksrobot's database), created
    when missing: a simulator's database is seed data, remade at will, so it has no migrations."""
    return fresh_tables(database.engine_for(url), Base)

