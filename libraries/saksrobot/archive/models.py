"""What robots send to and read from the archive, independent of the back-end (api or ui)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ArchiveCode(_Model):
    """One classification (ordningsverdi) of a case, e.g. FNR or FAGKLASSE PRINSIPP B31."""

    archive_type: str
    code: str
    sort: int = 1
    is_manual_text: bool = False

    def __repr__(self) -> str:  # an FNR class holds a fødselsnummer
        code = "***" if self.archive_type == "FNR" else self.code
        return f"ArchiveCode({self.archive_type}={code})"


class Party(_Model):
    """A case party or a journal post's sender/recipient, by fnr, orgnr or ``recno:<n>``."""

    reference: str
    role: str = "Sakspart"
    unofficial: bool = True

    def __repr__(self) -> str:
        return f"Party({self.role}, {'***' if len(self.reference) == 11 else self.reference})"


class ExternalId(_Model):
    """The business key of the request that made a case; robots look it up before creating."""

    id: str
    type: str = "saksrobot"


class NewCase(_Model):
    """A case (saksmappe) to create."""

    title: str = Field(min_length=1)
    case_type: str
    responsible_unit: str  # unit name, as archive staff know it
    unofficial_title: str | None = None
    sub_archive: str | None = None
    archive_codes: tuple[ArchiveCode, ...] = ()
    access_code: str = "U"
    paragraph: str | None = None
    access_group: str | None = None
    parties: tuple[Party, ...] = ()
    external_id: ExternalId | None = None
    status: str = "B"


class Case(_Model):
    """A case as read back from the archive."""

    case_number: str
    recno: int
    title: str
    case_type: str
    status: str
    unofficial_title: str | None = None
    sub_archive: str | None = None
    access_code: str | None = None
    paragraph: str | None = None
    access_group: str | None = None
    responsible_unit: str | None = None
    external_id: str | None = None
    archive_codes: tuple[ArchiveCode, ...] = ()
    parties: tuple[Party, ...] = ()
    created: str | None = None


class CaseResult(_Model):
    """The outcome of :meth:`Archive.create_case`: the case, and whether it was made now."""

    case_number: str
    recno: int
    created: bool


class Category(StrEnum):
    INCOMING = "Dokument inn"
    OUTGOING = "Dokument ut"
    NOTE = "Internt notat"


class FileAttachment(_Model):
    title: str
    format: str  # file extension, e.g. "pdf", "xml"
    data: bytes

    def __repr__(self) -> str:
        return f"FileAttachment({self.title}.{self.format}, {len(self.data)} bytes)"


class NewJournalPost(_Model):
    """A journal post (journalpost) to file in an existing case."""

    case_number: str
    title: str = Field(min_length=1)
    category: Category = Category.INCOMING
    unofficial_title: str | None = None
    document_date: date | None = None
    access_code: str = "U"
    paragraph: str | None = None
    access_group: str | None = None
    archive: str | None = None
    contacts: tuple[Party, ...] = ()
    files: tuple[FileAttachment, ...] = ()
    external_id: ExternalId | None = None
    responsible_unit: str | None = None  # the unit that handles it (e.g. where an invoice is routed)
    responsible_person: str | None = None  # e-mail of the saksbehandler / attestant
    linked_documents: tuple[str, ...] = ()  # document numbers this post relates to (a credit note's invoice)


class JournalPostResult(_Model):
    """The outcome of :meth:`Archive.create_journal_post`: the document number, and whether it was made now."""

    document_number: str
    created: bool


class Enterprise(_Model):
    """An enterprise (a supplier, a partner) in the archive's contact register, keyed by orgnr."""

    enterprise_number: str
    name: str


class PrivatePerson(_Model):
    """A private person in the archive's contact register, keyed by fødselsnummer."""

    personal_id_number: str
    first_name: str
    last_name: str
    address: str | None = None

    def __repr__(self) -> str:  # names and numbers are personal data
        return "PrivatePerson(***)"

    __str__ = __repr__


class CaseQuery(_Model):
    """Search filters; unset fields do not filter. ``title`` takes ``%`` wildcards."""

    case_number: str | None = None
    external_id: str | None = None
    contact_reference: str | None = None
    archive_code: str | None = None
    title: str | None = None
    case_type: str | None = None
    max_results: int = 50


class CaseChanges(_Model):
    """Fields to change on an existing case; unset fields stay as they are."""

    status: str | None = None
    title: str | None = None
    unofficial_title: str | None = None
    access_group: str | None = None
