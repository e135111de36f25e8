"""The simulator's database: SQLAlchemy 2 models and the engine/session factory."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from saksrobot import database
from saksrobot.simulators.tables import fresh_tables


class Base(DeclarativeBase):
    pass


INTERNAL_UNIT = "recno:1"  # the contact category of the municipality's own units, as in Public 360
# Code tables, named as Public 360 names them (SupportService/GetCodeTableRows), with Noark 5 codes
CASE_TYPE = "code table: Case type"
CASE_STATUS = "code table: Case status"
JOURNAL_STATUS = "code table: Journal status"
DOCUMENT_CATEGORY = "code table: Document category"
ACCESS_CODE = "code table: Access code"
SUB_ARCHIVE = "Noark Subarchive"
CLASSIFICATION = "Noark Classification type"
ACCESS_GROUP = "Tilgangsgruppe"  # AccessGroupService in Public 360; not a code table there


class Enterprise(Base):
    """An enterprise: an internal unit of the municipality (category ``recno:1``) or an external
    organisation."""

    __tablename__ = "enterprises"
    recno: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    enterprise_number: Mapped[str | None] = mapped_column(String(9), index=True)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)

    @property
    def is_internal(self) -> bool:
        return INTERNAL_UNIT in (self.categories or [])


class Person(Base):
    __tablename__ = "persons"
    recno: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    personal_id_number: Mapped[str] = mapped_column(String(11), unique=True)
    address: Mapped[str | None] = mapped_column(String(200))


class User(Base):
    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(50), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))


class Code(Base):
    """A row of a code table, named as Public 360 names them ("code table: Case status", ...)."""

    __tablename__ = "codes"
    table: Mapped[str] = mapped_column(String(50), primary_key=True)
    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    description: Mapped[str] = mapped_column(String(200))
    recno: Mapped[int] = mapped_column(unique=True)
    is_expired: Mapped[bool] = mapped_column(default=False)


class CustomField(Base):
    """A field a site added to its documents (read and written as ``AdditionalFields``, answered as
    ``CustomFields``); others are refused."""

    __tablename__ = "custom_fields"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))


class Sequence(Base):
    """The last number used per (kind, key): case numbers per year, document numbers per case."""

    __tablename__ = "sequences"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Case(Base):
    __tablename__ = "cases"
    recno: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(500), index=True)
    unofficial_title: Mapped[str | None] = mapped_column(String(500))
    case_type: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(5))
    sub_archive: Mapped[str | None] = mapped_column(String(50))
    access_code: Mapped[str] = mapped_column(String(5))
    paragraph: Mapped[str | None] = mapped_column(String(200))
    access_group: Mapped[str | None] = mapped_column(String(100))
    responsible_enterprise_recno: Mapped[int | None] = mapped_column(ForeignKey("enterprises.recno"))
    responsible_person_recno: Mapped[int | None]
    external_id: Mapped[str | None] = mapped_column(String(200), index=True)
    external_id_type: Mapped[str | None] = mapped_column(String(100))
    created: Mapped[datetime]
    responsible: Mapped[Enterprise | None] = relationship()
    archive_codes: Mapped[list[CaseArchiveCode]] = relationship(order_by="CaseArchiveCode.sort",
                                                                cascade="all, delete-orphan")
    contacts: Mapped[list[CaseContact]] = relationship(cascade="all, delete-orphan")
    documents: Mapped[list[Document]] = relationship(order_by="Document.recno", cascade="all, delete-orphan",
                                                     back_populates="case")


class CaseArchiveCode(Base):
    __tablename__ = "case_archive_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_recno: Mapped[int] = mapped_column(ForeignKey("cases.recno"), index=True)
    archive_type: Mapped[str] = mapped_column(String(50))
    code: Mapped[str] = mapped_column(String(100), index=True)
    sort: Mapped[int] = mapped_column(default=1)
    is_manual_text: Mapped[bool] = mapped_column(default=False)


class CaseContact(Base):
    """A party: a contact of the register (``reference_number``), or an unregistered one (a name
    and an e-mail address, no number)."""

    __tablename__ = "case_contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_recno: Mapped[int] = mapped_column(ForeignKey("cases.recno"), index=True)
    role: Mapped[str] = mapped_column(String(50))
    reference_number: Mapped[str | None] = mapped_column(String(30), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    is_unofficial: Mapped[bool] = mapped_column(default=False)


class Document(Base):
    """A journal post (journalpost)."""

    __tablename__ = "documents"
    recno: Mapped[int] = mapped_column(primary_key=True)
    case_recno: Mapped[int] = mapped_column(ForeignKey("cases.recno"), index=True)
    document_number: Mapped[str] = mapped_column(String(25), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    unofficial_title: Mapped[str | None] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(5))
    document_date: Mapped[date | None]
    access_code: Mapped[str] = mapped_column(String(5))
    paragraph: Mapped[str | None] = mapped_column(String(200))
    access_group: Mapped[str | None] = mapped_column(String(100))
    archive: Mapped[str | None] = mapped_column(String(100))
    custom_fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # the site's additional fields
    responsible_enterprise_recno: Mapped[int | None] = mapped_column(ForeignKey("enterprises.recno"))
    responsible_person: Mapped[str | None] = mapped_column(String(200))  # e-mail of the saksbehandler/attestant
    referring_documents: Mapped[list[str]] = mapped_column(JSON, default=list)  # document numbers
    created: Mapped[datetime]
    case: Mapped[Case] = relationship(back_populates="documents")
    responsible: Mapped[Enterprise | None] = relationship()
    contacts: Mapped[list[DocumentContact]] = relationship(cascade="all, delete-orphan")
    files: Mapped[list[File]] = relationship(cascade="all, delete-orphan")


class DocumentContact(Base):
    """A sender or recipient: registered (``reference_number``) or unregistered (name, e-mail)."""

    __tablename__ = "document_contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_recno: Mapped[int] = mapped_column(ForeignKey("documents.recno"), index=True)
    role: Mapped[str] = mapped_column(String(50))
    reference_number: Mapped[str | None] = mapped_column(String(30))
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    is_unofficial: Mapped[bool] = mapped_column(default=False)


class File(Base):
    __tablename__ = "files"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_recno: Mapped[int] = mapped_column(ForeignKey("documents.recno"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(5), default="F")
    version_format: Mapped[str] = mapped_column(String(5), default="A")
    data: Mapped[bytes] = mapped_column(LargeBinary)


def make_engine(url: str) -> Engine:
    """An engine for the simulator's own tables (same SQLite set-up as saksrobot's database), created
    when missing: a simulator's database is seed data, remade at will, so it has no migrations."""
    return fresh_tables(database.engine_for(url), Base)

