"""The archive's business rules, shared by the JSON API and the web UI.

Parameters arrive in the shape of the SIF contract (the API validated them against it; the UI builds
them the same way). Every write validates first and reports *all* problems at once, as (field,
Norwegian message) pairs; nothing is written when there is one. Messages never contain a
fødselsnummer. Coded values (case type, status, category, access code, ...) are accepted as Public
360 accepts them: the code, its description, or ``recno:<n>``; the code is stored.
"""

from __future__ import annotations

import base64
import binascii
import threading
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, func, or_, select
from sqlalchemy.orm import Session

from saksrobot.domain.identity import is_valid_fnr, is_valid_orgnr
from saksrobot.privacy import mask
from saksrobot.simulators.archive import db

_numbers = threading.Lock()  # one transaction at a time allocates numbers, until it ends
Problems = list[tuple[str, str]]


class Refused(Exception):
    """The archive refuses the request: a business error with one or more (field, message)."""

    def __init__(self, problems: Problems, code: str = "validation") -> None:
        self.problems = [(f, mask(m)) for f, m in problems]
        self.code = code
        super().__init__("; ".join(m for _, m in self.problems))


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _pattern(value: str) -> str:
    """A Title filter: ``%`` wildcards as given, else a contains-search."""
    return value if "%" in value else f"%{value}%"


class ArchiveService:
    """Cases, journal posts and contacts on one database session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    # -- reference data ------------------------------------------------------------------------
    def codes(self, table: str) -> list[db.Code]:
        return list(self.s.scalars(select(db.Code).where(db.Code.table == table).order_by(db.Code.recno)))

    def code(self, table: str, value: Any) -> db.Code | None:
        """The row of ``table`` that ``value`` names: its code, its description (any letter case)
        or ``recno:<n>``."""
        wanted = _text(value)
        if wanted is None:
            return None
        if wanted.startswith("recno:") and wanted[6:].isdigit():
            return self.s.scalar(select(db.Code).where(db.Code.table == table, db.Code.recno == int(wanted[6:])))
        found = self.s.get(db.Code, (table, wanted))
        return found or self.s.scalar(select(db.Code).where(db.Code.table == table,
                                                            func.lower(db.Code.description) == wanted.lower()))

    def description(self, table: str, code: str | None) -> str | None:
        row = self.s.get(db.Code, (table, code)) if code else None
        return row.description if row else code

    def units(self) -> list[db.Enterprise]:
        return [e for e in self.s.scalars(select(db.Enterprise).order_by(db.Enterprise.name)) if e.is_internal]

    def custom_fields(self) -> list[db.CustomField]:
        return list(self.s.scalars(select(db.CustomField).order_by(db.CustomField.name)))

    def contact_name(self, reference: str | None) -> str | None:
        """The name the register has for an fnr, an orgnr or ``recno:<n>``."""
        contact = self._contact(reference or "")
        if isinstance(contact, db.Person):
            return f"{contact.first_name} {contact.last_name}"
        return contact.name if contact is not None else None

    def _contact(self, reference: str) -> db.Person | db.Enterprise | None:
        if reference.startswith("recno:") and reference[6:].isdigit():
            recno = int(reference[6:])
            return self.s.get(db.Person, recno) or self.s.get(db.Enterprise, recno)
        if len(reference) == 11:
            return self.s.scalar(select(db.Person).where(db.Person.personal_id_number == reference))
        return self.s.scalar(select(db.Enterprise).where(db.Enterprise.enterprise_number == reference))

    # -- validation ----------------------------------------------------------------------------
    def _coded(self, table: str, p: dict[str, Any], field: str, label: str, problems: Problems,
               default: str | None = None, required: bool = False) -> str | None:
        """The code ``p[field]`` names in ``table`` (or ``default``); a problem when it names none."""
        given = _text(p.get(field))
        if given is None:
            if required and default is None:
                problems.append((field, f"{label} må fylles ut"))
            return default
        row = self.code(table, given)
        if row is None or row.is_expired:
            problems.append((field, f"Ukjent {label.lower()} «{given}»"))
            return None
        return row.code

    def _check_access(self, p: dict[str, Any], problems: Problems) -> str | None:
        access = self._coded(db.ACCESS_CODE, p, "AccessCode", "Tilgangskode", problems, default="U")
        if access and access != "U" and not _text(p.get("Paragraph")):
            problems.append(("Paragraph", f"Hjemmel må fylles ut når tilgangskoden er «{access}»"))
        group = _text(p.get("AccessGroup"))
        if group and self.code(db.ACCESS_GROUP, group) is None:
            problems.append(("AccessGroup", f"Ukjent tilgangsgruppe «{group}»"))
        return access

    def _check_contacts(self, p: dict[str, Any], problems: Problems) -> None:
        for contact in p.get("Contacts") or []:
            reference = _text(contact.get("ReferenceNumber")) or ""
            if len(reference) == 11 and not is_valid_fnr(reference):
                problems.append(("Contacts", "Ugyldig fødselsnummer for kontakt"))
            elif len(reference) == 9 and reference.isdigit() and not is_valid_orgnr(reference):
                problems.append(("Contacts", f"Ugyldig organisasjonsnummer {reference}"))
            elif self._contact(reference) is None:
                problems.append(("Contacts", f"Fant ingen kontakt med referansenummer {reference or '(tomt)'}"))
        for contact in p.get("UnregisteredContacts") or []:
            if not _text(contact.get("ContactName")):
                problems.append(("UnregisteredContacts", "Navn må fylles ut for en uregistrert kontakt"))

    def _check_unit(self, p: dict[str, Any], problems: Problems, required: bool) -> int | None:
        unit = p.get("ResponsibleEnterpriseRecno")
        if unit in (None, ""):
            if required:
                problems.append(("ResponsibleEnterpriseRecno", "Ansvarlig enhet må fylles ut"))
            return None
        found = self.s.get(db.Enterprise, int(unit)) if str(unit).isdigit() else None
        if found is None or not found.is_internal:
            problems.append(("ResponsibleEnterpriseRecno", f"Ukjent ansvarlig enhet (recno {unit})"))
            return None
        return found.recno

    def _check_case(self, p: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        """The case's coded values as codes, or :class:`Refused` with every problem."""
        problems: Problems = []
        if not _text(p.get("Title")):
            problems.append(("Title", "Offentlig tittel må fylles ut"))
        checked = {
            "case_type": self._coded(db.CASE_TYPE, p, "CaseType", "Sakstype", problems, required=creating),
            "sub_archive": self._coded(db.SUB_ARCHIVE, p, "SubArchive", "Arkivdel", problems),
            "status": self._coded(db.CASE_STATUS, p, "Status", "Saksstatus", problems, default="B"),
            "access_code": self._check_access(p, problems),
            "unit": self._check_unit(p, problems, required=creating),
        }
        codes = []
        for i, code in enumerate(p.get("ArchiveCodes") or [], start=1):
            kind = self._coded(db.CLASSIFICATION, code, "ArchiveType", "Ordningsprinsipp", problems, required=True)
            value = _text(code.get("ArchiveCode"))
            if kind and not value:
                problems.append(("ArchiveCodes", f"Ordningsverdi mangler for {kind}"))
            elif kind == "FNR" and not is_valid_fnr(value):
                problems.append(("ArchiveCodes", "Ugyldig fødselsnummer som ordningsverdi"))
            elif kind == "ORGNR" and not is_valid_orgnr(value):
                problems.append(("ArchiveCodes", "Ugyldig organisasjonsnummer som ordningsverdi"))
            codes.append(db.CaseArchiveCode(archive_type=kind, code=value, sort=int(code.get("Sort") or i),
                                            is_manual_text=bool(code.get("IsManualText"))))
        self._check_contacts(p, problems)
        if problems:
            raise Refused([(f.replace("ArchiveType", "ArchiveCodes"), m) for f, m in problems])
        return checked | {"archive_codes": codes}

    # -- cases ---------------------------------------------------------------------------------
    def _next(self, kind: str, key: str) -> int:
        """The next number of the sequence. The transaction holds the allocation lock to its end, so
        that a request running beside it cannot read the same last number before this one commits."""
        if not self.s.info.get("allocating"):
            _numbers.acquire()
            self.s.info["allocating"] = True

            @event.listens_for(self.s, "after_transaction_end")
            def _release(session: Session, transaction: Any) -> None:
                if transaction.parent is None and session.info.pop("allocating", False):
                    _numbers.release()
        row = self.s.get(db.Sequence, (kind, key))
        if row is None:
            row = db.Sequence(kind=kind, key=key, last=0)
            self.s.add(row)
        row.last += 1
        self.s.flush()
        return row.last

    @staticmethod
    def _contacts(p: dict[str, Any], model: type, default_role: str) -> list[Any]:
        registered = [model(role=_text(c.get("Role")) or default_role, reference_number=_text(c["ReferenceNumber"]),
                            is_unofficial=bool(c.get("IsUnofficial"))) for c in p.get("Contacts") or []]
        return registered + [model(role=_text(c.get("Role")) or default_role, name=_text(c.get("ContactName")),
                                   email=_text(c.get("Email")), is_unofficial=bool(c.get("IsUnofficial")))
                             for c in p.get("UnregisteredContacts") or []]

    def create_case(self, p: dict[str, Any], now: datetime) -> db.Case:
        checked = self._check_case(p, creating=True)
        external = p.get("ExternalId") or {}
        year = f"{now:%y}"
        case = db.Case(
            case_number=f"{year}/{self._next('case', year):05d}", title=_text(p["Title"]),
            unofficial_title=_text(p.get("UnofficialTitle")), case_type=checked["case_type"],
            status=checked["status"], sub_archive=checked["sub_archive"], access_code=checked["access_code"],
            paragraph=_text(p.get("Paragraph")), access_group=_text(p.get("AccessGroup")),
            responsible_enterprise_recno=checked["unit"], responsible_person_recno=p.get("ResponsiblePersonRecno"),
            external_id=_text(external.get("Id")), external_id_type=_text(external.get("Type")), created=now,
            archive_codes=checked["archive_codes"], contacts=self._contacts(p, db.CaseContact, "Sakspart"),
        )
        self.s.add(case)
        self.s.flush()
        return case

    def case_by_number(self, case_number: str | None) -> db.Case | None:
        return self.s.scalar(select(db.Case).where(db.Case.case_number == case_number)) if case_number else None

    def update_case(self, p: dict[str, Any]) -> db.Case:
        case = self.case_by_number(_text(p.get("CaseNumber")))
        if case is None:
            raise Refused([("CaseNumber", f"Fant ikke sak «{p.get('CaseNumber')}»")], code="not_found")
        merged = {"Title": case.title, "Status": case.status, "AccessCode": case.access_code,
                  "Paragraph": case.paragraph} | p
        checked = self._check_case(merged, creating=False)
        for key, attribute, value in (
                ("Title", "title", _text(p.get("Title"))), ("UnofficialTitle", "unofficial_title",
                                                             _text(p.get("UnofficialTitle"))),
                ("Status", "status", checked["status"]), ("SubArchive", "sub_archive", checked["sub_archive"]),
                ("AccessCode", "access_code", checked["access_code"]), ("Paragraph", "paragraph", p.get("Paragraph")),
                ("AccessGroup", "access_group", p.get("AccessGroup")),
                ("ResponsibleEnterpriseRecno", "responsible_enterprise_recno", checked["unit"])):
            if key in p:
                setattr(case, attribute, value)
        return case

    def find_cases(self, p: dict[str, Any]) -> tuple[list[db.Case], int]:
        query = select(db.Case)
        if recno := p.get("Recno"):
            query = query.where(db.Case.recno == int(recno))
        if number := _text(p.get("CaseNumber")):
            query = query.where(db.Case.case_number == number)
        external = p.get("ExternalId") or {}
        if external_id := _text(external.get("Id")):
            query = query.where(db.Case.external_id == external_id)
        if external_type := _text(external.get("Type")):
            query = query.where(db.Case.external_id_type == external_type)
        if reference := _text(p.get("ContactReferenceNumber")):
            query = query.where(db.Case.contacts.any(db.CaseContact.reference_number == reference))
        if code := _text(p.get("ArchiveCode")):
            query = query.where(db.Case.archive_codes.any(db.CaseArchiveCode.code == code))
        if title := _text(p.get("Title")):
            query = query.where(or_(db.Case.title.ilike(_pattern(title)),
                                    db.Case.unofficial_title.ilike(_pattern(title))))
        if case_type := _text(p.get("CaseType")):
            row = self.code(db.CASE_TYPE, case_type)
            query = query.where(db.Case.case_type == (row.code if row else case_type))
        if sub_archive := _text(p.get("SubArchive")):
            row = self.code(db.SUB_ARCHIVE, sub_archive)
            query = query.where(db.Case.sub_archive == (row.code if row else sub_archive))
        total = self.s.scalar(select(func.count()).select_from(query.subquery())) or 0
        size = max(1, min(int(p.get("MaxReturnedCases") or 20), 1000))
        page = max(0, int(p.get("Page") or 0))
        cases = self.s.scalars(query.order_by(db.Case.recno.desc()).offset(page * size).limit(size))
        return list(cases), total

    # -- journal posts -------------------------------------------------------------------------
    def _files(self, p: dict[str, Any], problems: Problems) -> list[db.File]:
        files = []
        for f in p.get("Files") or []:
            try:
                files.append(db.File(title=_text(f.get("Title")) or "Dokument", format=_text(f.get("Format")) or "pdf",
                                     status=_text(f.get("Status")) or "F",
                                     version_format=_text(f.get("VersionFormat")) or "A",
                                     data=base64.b64decode(f.get("Base64Data") or "", validate=True)))
            except binascii.Error:
                problems.append(("Files", f"Filen «{f.get('Title')}» er ikke gyldig base64"))
        return files

    def _additional_fields(self, p: dict[str, Any], problems: Problems) -> dict[str, str]:
        known = {field.name for field in self.custom_fields()}
        values = {}
        for field in p.get("AdditionalFields") or []:
            name = _text(field.get("Name")) or ""
            if name not in known:
                problems.append(("AdditionalFields", f"Ukjent tilleggsfelt «{name}» for dokumenter"))
            else:
                values[name] = _text(field.get("Value")) or ""
        return values

    def create_document(self, p: dict[str, Any], now: datetime) -> db.Document:
        problems: Problems = []
        case = self.case_by_number(_text(p.get("CaseNumber")))
        if case is None:
            problems.append(("CaseNumber", f"Fant ikke sak «{p.get('CaseNumber') or ''}»"))
        if not _text(p.get("Title")):
            problems.append(("Title", "Offentlig tittel må fylles ut"))
        category = self._coded(db.DOCUMENT_CATEGORY, p, "Category", "Dokumentkategori", problems, required=True)
        status = self._coded(db.JOURNAL_STATUS, p, "Status", "Journalstatus", problems, default="J")
        access = self._check_access(p, problems)
        self._check_contacts(p, problems)
        files = self._files(p, problems)
        custom = self._additional_fields(p, problems)
        unit = self._check_unit(p, problems, required=False)
        referring = [_text(d.get("DocumentNumber")) or "" for d in p.get("ReferringDocuments") or []]
        for number in referring:
            if self.s.scalar(select(db.Document).where(db.Document.document_number == number)) is None:
                problems.append(("ReferringDocuments", f"Fant ikke journalpost «{number}» å knytte til"))
        document_date = _text(p.get("DocumentDate"))
        try:
            parsed_date = date.fromisoformat(document_date[:10]) if document_date else now.date()
        except ValueError:
            problems.append(("DocumentDate", "Dokumentdato må være en dato (ÅÅÅÅ-MM-DD)"))
        if problems:
            raise Refused(problems)
        number = f"{case.case_number}-{self._next('document', case.case_number)}"
        role = "Avsender" if category == "I" else "Mottaker"
        document = db.Document(
            case_recno=case.recno, document_number=number, title=_text(p["Title"]),
            unofficial_title=_text(p.get("UnofficialTitle")), category=category, status=status,
            document_date=parsed_date, access_code=access, paragraph=_text(p.get("Paragraph")),
            access_group=_text(p.get("AccessGroup")), archive=_text(p.get("Archive")), created=now,
            custom_fields=custom, responsible_enterprise_recno=unit,
            responsible_person=_text(p.get("ResponsiblePersonEmail")), referring_documents=referring,
            contacts=self._contacts(p, db.DocumentContact, role), files=files,
        )
        self.s.add(document)
        self.s.flush()
        return document

    def find_documents(self, p: dict[str, Any]) -> tuple[list[db.Document], int]:
        query = select(db.Document)
        if number := _text(p.get("CaseNumber")):
            query = query.where(db.Document.case_recno == select(db.Case.recno).where(
                db.Case.case_number == number).scalar_subquery())
        if number := _text(p.get("DocumentNumber")):
            query = query.where(db.Document.document_number == number)
        if recno := p.get("Recno"):
            query = query.where(db.Document.recno == int(recno))
        if title := _text(p.get("Title")):
            query = query.where(or_(db.Document.title.ilike(_pattern(title)),
                                    db.Document.unofficial_title.ilike(_pattern(title))))
        if reference := _text(p.get("ContactReferenceNumber")):
            query = query.where(db.Document.contacts.any(db.DocumentContact.reference_number == reference))
        documents = list(self.s.scalars(query.order_by(db.Document.recno)))
        for field in p.get("AdditionalFields") or []:  # (a JSON column: compared here, not in SQL)
            name, value = _text(field.get("Name")), _text(field.get("Value"))
            documents = [d for d in documents if (d.custom_fields or {}).get(name) == value]
        size = max(1, min(int(p.get("MaxReturnedDocuments") or 100), 1000))
        page = max(0, int(p.get("Page") or 0))
        return documents[page * size:(page + 1) * size], len(documents)

    # -- contacts ------------------------------------------------------------------------------
    def synchronize_person(self, p: dict[str, Any]) -> db.Person:
        fnr = _text(p.get("PersonalIdNumber")) or ""
        if not is_valid_fnr(fnr):
            raise Refused([("PersonalIdNumber", "Ugyldig fødselsnummer")])
        person = self.s.scalar(select(db.Person).where(db.Person.personal_id_number == fnr))
        if person is None:
            person = db.Person(personal_id_number=fnr, first_name="", last_name="")
            self.s.add(person)
        person.first_name = _text(p.get("FirstName")) or person.first_name
        person.last_name = _text(p.get("LastName")) or person.last_name
        person.address = _text((p.get("PrivateAddress") or {}).get("StreetAddress")) or person.address
        self.s.flush()
        return person

    def find_persons(self, p: dict[str, Any]) -> list[db.Person]:
        query = select(db.Person)
        if fnr := _text(p.get("PersonalIdNumber")):
            query = query.where(db.Person.personal_id_number == fnr)
        if recno := p.get("Recno"):
            query = query.where(db.Person.recno == int(recno))
        return list(self.s.scalars(query.order_by(db.Person.recno)))

    def synchronize_enterprise(self, p: dict[str, Any]) -> db.Enterprise:
        number, name = _text(p.get("EnterpriseNumber")) or "", _text(p.get("Name"))
        if not is_valid_orgnr(number):
            raise Refused([("EnterpriseNumber", f"Ugyldig organisasjonsnummer «{number}»")])
        enterprise = self.s.scalar(select(db.Enterprise).where(db.Enterprise.enterprise_number == number))
        if enterprise is None:
            if not name:
                raise Refused([("Name", "Navn må fylles ut for en ny virksomhet")])
            enterprise = db.Enterprise(name=name, enterprise_number=number, categories=list(p.get("Categories") or []))
            self.s.add(enterprise)
        enterprise.name = name or enterprise.name
        self.s.flush()
        return enterprise

    def find_enterprises(self, p: dict[str, Any]) -> list[db.Enterprise]:
        query = select(db.Enterprise)
        if number := _text(p.get("EnterpriseNumber")):
            query = query.where(db.Enterprise.enterprise_number == number)
        if name := _text(p.get("Name")):
            query = query.where(db.Enterprise.name.ilike(name))  # % wildcards as given
        if recno := p.get("Recno"):
            query = query.where(db.Enterprise.recno == int(recno))
        wanted = set(p.get("Categories") or [])
        return [e for e in self.s.scalars(query.order_by(db.Enterprise.recno)) if wanted <= set(e.categories or [])]
