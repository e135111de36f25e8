"""What robots send to and read from the archive, independent of the back-end (api or ui)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from saksrobot.errors import BusinessError

TITLE = 254  # characters in a title (tittel, offentlig tittel) in the archive
NAME = 200  # characters in a name of a contact


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
    """A case party or a journal post's sender/recipient, by fnr, orgnr or ``recno:<n>``.
    ``unofficial`` is ``None`` when read back: the archive does not answer it."""

    reference: str
    role: str = "Sakspart"
    unofficial: bool | None = True

    def __repr__(self) -> str:
        return f"Party({self.role}, {'***' if len(self.reference) == 11 else self.reference})"


class UnregisteredParty(_Model):
    """A party without fødselsnummer or orgnr in the contact register (a member of the public
    who wrote by e-mail): recorded by name and e-mail address."""

    name: str = Field(min_length=1)
    email: str | None = None
    role: str = "Sakspart"
    unofficial: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return within(value, "Navnet", NAME)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return within(value, "E-postadressen", 254)

    def __repr__(self) -> str:  # a name is personal data
        return f"UnregisteredParty({self.role}, ***)"

    __str__ = __repr__


PREFIX = "saksrobot:"  # an external id's type: saksrobot:<process>
LEGACY_TYPE = "saksrobot"  # the type before 0.2, with the process in the id
LEGACY_PROCESSES = frozenset({"school_cases", "ppt_referrals", "invoices"})  # the robots that wrote it


class ExternalId(_Model):
    """The business key that made a case or a journal post; robots look it up before creating.
    ``type`` names the robot (``saksrobot:<process>``, ADR 0002), so two robots' keys never meet."""

    id: str
    type: str

    @classmethod
    def of(cls, process: str, key: str) -> ExternalId:
        return cls(id=key, type=f"{PREFIX}{process}")

    @property
    def legacy(self) -> ExternalId | None:
        """The form releases before 0.2 wrote (Type ``saksrobot``, Id ``<process>:<key>``; only the
        robots that did, so others look up once), read so that their cases are still found."""
        process = self.type.removeprefix(PREFIX)
        if not self.type.startswith(PREFIX) or process not in LEGACY_PROCESSES:
            return None
        return ExternalId(id=f"{process}:{self.id}", type=LEGACY_TYPE)

    @property
    def value(self) -> str:
        """One string for a journal post's key field (documents have no external id of their own)."""
        return f"{self.type}/{self.id}"



def within(value: str | None, label: str, limit: int) -> str | None:
    """``value`` when it fits the archive's field, else the business error archive staff get."""
    if value is not None and len(value) > limit:
        raise BusinessError(f"{label} er for lang: {len(value)} tegn (høyst {limit})", code="too_long")
    return value


def _public(title: str) -> str:
    """A public title (offentlig tittel) must not hold a fødselsnummer: it is bad data, for archive staff."""
    from saksrobot.domain.identity import contains_fnr  # (domain builds on these models)

    if contains_fnr(title):
        raise BusinessError("Tittelen inneholder et fødselsnummer; bruk skjermet tittel (intern tittel)",
                            code="fnr_in_title")
    return within(title, "Tittelen", TITLE)


class _Titled(_Model):
    """A public title without fødselsnumre and titles that fit the archive (as business errors)."""

    @field_validator("title", check_fields=False)
    @classmethod
    def _public_title(cls, value: str) -> str:
        return _public(value)

    @field_validator("unofficial_title", check_fields=False)
    @classmethod
    def _unofficial_title(cls, value: str | None) -> str | None:
        return within(value, "Den interne tittelen", TITLE)


class NewCase(_Titled):
    """A case (saksmappe) to create. ``repr`` shows no title (free text may hold anything)."""

    title: str = Field(min_length=1, repr=False)
    case_type: str
    responsible_unit: str  # unit name, as archive staff know it
    unofficial_title: str | None = Field(None, repr=False)
    sub_archive: str | None = None
    archive_codes: tuple[ArchiveCode, ...] = ()
    access_code: str = "U"
    paragraph: str | None = None
    access_group: str | None = None
    parties: tuple[Party, ...] = ()
    unregistered_parties: tuple[UnregisteredParty, ...] = ()
    external_id: ExternalId | None = None
    status: str = "B"  # Noark 5 saksstatus: B under behandling


class Case(_Model):
    """A case as read back from the archive."""

    case_number: str
    recno: int
    title: str = Field(repr=False)
    case_type: str
    status: str
    unofficial_title: str | None = Field(None, repr=False)
    sub_archive: str | None = None
    access_code: str | None = None
    paragraph: str | None = None
    access_group: str | None = None
    responsible_unit: str | None = None
    external_id: ExternalId | None = None
    archive_codes: tuple[ArchiveCode, ...] = ()
    parties: tuple[Party, ...] = ()
    unregistered_parties: tuple[str, ...] = Field((), repr=False)  # names
    created: str | None = None


class CaseResult(_Model):
    """The outcome of :meth:`Archive.create_case`: the case, and whether it was made now."""

    case_number: str
    recno: int
    created: bool


class Category(StrEnum):
    """Document categories (Noark 5 journalposttype) as archive staff write them. A journal post
    takes these, the archive's own descriptions or its codes (see :func:`category_code`)."""

    INCOMING = "Dokument inn"
    OUTGOING = "Dokument ut"
    NOTE = "Internt notat"


# staff words -> Noark 5 journalposttype (I inngående, U utgående, N/X organinternt, S saksframlegg)
_NOARK_CATEGORY = {"dokument inn": "I", "inngående": "I", "inngående dokument": "I", "inn": "I",
                   "dokument ut": "U", "utgående": "U", "utgående dokument": "U", "ut": "U",
                   "notat": "N", "internt notat": "N", "internt notat med oppfølging": "N",
                   "internt notat uten oppfølging": "X", "saksframlegg": "S"}


def noark_category(value: str) -> str:
    """The Noark 5 code a staff word stands for ("Dokument inn" → I), else the value as given."""
    return _NOARK_CATEGORY.get(value.strip().casefold(), value)


def category_code(value: str, rows: list[tuple[str, str]]) -> str | None:
    """The archive's code for a category written as staff write it: ``rows`` are the archive's
    (code, description) pairs. A code or description matches as it is (any letter case); a staff
    word matches the Noark 5 code it stands for. ``None`` when nothing matches."""
    wanted = value.strip().casefold()
    for code, description in rows:
        if wanted in (code.casefold(), description.casefold()):
            return code
    noark = noark_category(value)
    return next((code for code, _ in rows if code == noark), None)


class FileAttachment(_Model):
    title: str
    format: str  # file extension, e.g. "pdf", "xml"
    data: bytes

    def __repr__(self) -> str:
        return f"FileAttachment(.{self.format}, {len(self.data)} bytes)"  # its title is free text

    __str__ = __repr__


class NewJournalPost(_Titled):
    """A journal post (journalpost) to file in an existing case. ``external_id`` is its key: the
    archive has no external id for documents, so it is kept in the additional field
    ``archive.document_key_field`` and looked up there before filing (ADR 0007)."""

    case_number: str
    title: str = Field(min_length=1, repr=False)
    category: str = Category.INCOMING  # a Category, the archive's description or its code
    unofficial_title: str | None = Field(None, repr=False)
    document_date: date | None = None
    access_code: str = "U"
    paragraph: str | None = None
    access_group: str | None = None
    archive: str | None = None
    contacts: tuple[Party, ...] = ()
    unregistered_contacts: tuple[UnregisteredParty, ...] = ()  # a sender/recipient without fnr or orgnr
    files: tuple[FileAttachment, ...] = ()
    external_id: ExternalId | None = None
    responsible_unit: str | None = None  # the unit that handles it (e.g. where an invoice is routed)
    responsible_person: str | None = None  # e-mail of the saksbehandler / attestant
    referring_documents: tuple[str, ...] = ()  # document numbers this post refers to (a credit note's invoice)


class JournalPostResult(_Model):
    """The outcome of :meth:`Archive.create_journal_post`: the document number, and whether it was made now."""

    document_number: str
    created: bool


class Enterprise(_Model):
    """An enterprise (a supplier, a partner) in the archive's contact register, keyed by orgnr."""

    enterprise_number: str
    name: str

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return within(value, "Navnet", NAME)


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
    external_id: ExternalId | None = None
    contact_reference: str | None = None
    archive_code: str | None = None
    title: str | None = Field(None, repr=False)
    case_type: str | None = None
    max_results: int = 50


class CaseChanges(_Model):
    """Fields to change on an existing case; unset fields stay as they are."""

    status: str | None = None
    title: str | None = Field(None, repr=False)
    unofficial_title: str | None = Field(None, repr=False)
    access_group: str | None = None
