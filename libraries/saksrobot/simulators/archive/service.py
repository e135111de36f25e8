"""The archive's business rules, shared by the JSON API and the web UI.

Every write validates first and reports *all* problems at once, as (field, Norwegian message)
pairs; nothing is written when there is one. Messages never contain a fødselsnummer.
"""

from __future__ import annotations

import base64
import binascii
import threading
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from saksrobot.domain.identity import is_valid_fnr, is_valid_orgnr
from saksrobot.privacy import mask
from saksrobot.simulators.archive import db

_numbers = threading.Lock()  # one writer allocates numbers at a time


class Refused(Exception):
    """The archive refuses the request: a business error with one or more (field, message)."""

    def __init__(self, problems: list[tuple[str, str]], code: str = "validation") -> None:
        self.problems = [(f, mask(m)) for f, m in problems]
        self.code = code
        super().__init__("; ".join(m for _, m in self.problems))


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _external_id(value: Any) -> tuple[str | None, str | None]:
    """``ExternalId`` as ``{Id, Type}`` or a bare string: (id, type)."""
    if isinstance(value, dict):
        return _text(value.get("Id")), _text(value.get("Type"))
    return _text(value), None


class ArchiveService:
    """Cases, journal posts and contacts on one database session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    # -- reference data ------------------------------------------------------------------------
    def codes(self, table: str) -> list[db.Code]:
        return list(self.s.scalars(select(db.Code).where(db.Code.table == table).order_by(db.Code.code)))

    def _is_code(self, table: str, code: str) -> bool:
        return self.s.get(db.Code, (table, code)) is not None

    def units(self) -> list[db.Enterprise]:
        return list(self.s.scalars(select(db.Enterprise).where(db.Enterprise.is_internal).order_by(db.Enterprise.name)))

    def _contact_known(self, reference: str) -> bool:
        if reference.startswith("recno:") and reference[6:].isdigit():
            recno = int(reference[6:])
            return self.s.get(db.Person, recno) is not None or self.s.get(db.Enterprise, recno) is not None
        if len(reference) == 11:
            return self.s.scalar(select(db.Person).where(db.Person.personal_id_number == reference)) is not None
        return self.s.scalar(select(db.Enterprise).where(db.Enterprise.enterprise_number == reference)) is not None

    # -- validation ----------------------------------------------------------------------------
    def _check_access(self, p: dict[str, Any], problems: list[tuple[str, str]]) -> None:
        access = _text(p.get("AccessCode")) or "U"
        if not self._is_code("Tilgangskode", access):
            problems.append(("AccessCode", f"Ukjent tilgangskode «{access}»"))
        elif access != "U" and not _text(p.get("Paragraph")):
            problems.append(("Paragraph", f"Hjemmel må fylles ut når tilgangskoden er «{access}»"))
        group = _text(p.get("AccessGroup"))
        if group and not self._is_code("Tilgangsgruppe", group):
            problems.append(("AccessGroup", f"Ukjent tilgangsgruppe «{group}»"))

    def _check_contacts(self, contacts: list[dict[str, Any]], problems: list[tuple[str, str]]) -> None:
        for contact in contacts:
            reference = _text(contact.get("ReferenceNumber")) or ""
            if len(reference) == 11 and not is_valid_fnr(reference):
                problems.append(("Contacts", "Ugyldig fødselsnummer for kontakt"))
            elif len(reference) == 9 and reference.isdigit() and not is_valid_orgnr(reference):
                problems.append(("Contacts", f"Ugyldig organisasjonsnummer {reference}"))
            elif not self._contact_known(reference):
                problems.append(("Contacts", f"Fant ingen kontakt med referansenummer {reference or '(tomt)'}"))

    def _check_case(self, p: dict[str, Any]) -> None:
        problems: list[tuple[str, str]] = []
        if not _text(p.get("Title")):
            problems.append(("Title", "Offentlig tittel må fylles ut"))
        case_type = _text(p.get("CaseType"))
        if not case_type:
            problems.append(("CaseType", "Sakstype må fylles ut"))
        elif not self._is_code("Sakstype", case_type):
            problems.append(("CaseType", f"Ukjent sakstype «{case_type}»"))
        sub_archive = _text(p.get("SubArchive"))
        if sub_archive and not self._is_code("Arkivdel", sub_archive):
            problems.append(("SubArchive", f"Ukjent arkivdel «{sub_archive}»"))
        status = _text(p.get("Status")) or "B"
        if not self._is_code("Saksstatus", status):
            problems.append(("Status", f"Ukjent saksstatus «{status}»"))
        self._check_access(p, problems)
        unit = p.get("ResponsibleEnterpriseRecno")
        if unit in (None, ""):
            problems.append(("ResponsibleEnterpriseRecno", "Ansvarlig enhet må fylles ut"))
        else:
            found = self.s.get(db.Enterprise, int(unit)) if str(unit).isdigit() else None
            if found is None or not found.is_internal:
                problems.append(("ResponsibleEnterpriseRecno", f"Ukjent ansvarlig enhet (recno {unit})"))
        for code in p.get("ArchiveCodes") or []:
            kind, value = _text(code.get("ArchiveType")) or "", _text(code.get("ArchiveCode")) or ""
            if not self._is_code("Ordningsprinsipp", kind):
                problems.append(("ArchiveCodes", f"Ukjent ordningsprinsipp «{kind}»"))
            elif not value:
                problems.append(("ArchiveCodes", f"Ordningsverdi mangler for {kind}"))
            elif kind == "FNR" and not is_valid_fnr(value):
                problems.append(("ArchiveCodes", "Ugyldig fødselsnummer som ordningsverdi"))
            elif kind == "ORGNR" and not is_valid_orgnr(value):
                problems.append(("ArchiveCodes", "Ugyldig organisasjonsnummer som ordningsverdi"))
        self._check_contacts(p.get("Contacts") or [], problems)
        if problems:
            raise Refused(problems)

    # -- cases ---------------------------------------------------------------------------------
    def _next(self, kind: str, key: str) -> int:
        row = self.s.get(db.Sequence, (kind, key))
        if row is None:
            row = db.Sequence(kind=kind, key=key, last=0)
            self.s.add(row)
        row.last += 1
        self.s.flush()
        return row.last

    def create_case(self, p: dict[str, Any], now: datetime) -> db.Case:
        self._check_case(p)
        external_id, external_type = _external_id(p.get("ExternalId"))
        with _numbers:
            year = f"{now:%y}"
            case = db.Case(
                case_number=f"{year}/{self._next('case', year):05d}", title=_text(p["Title"]),
                unofficial_title=_text(p.get("UnofficialTitle")), case_type=_text(p["CaseType"]),
                status=_text(p.get("Status")) or "B", sub_archive=_text(p.get("SubArchive")),
                access_code=_text(p.get("AccessCode")) or "U", paragraph=_text(p.get("Paragraph")),
                access_group=_text(p.get("AccessGroup")),
                responsible_enterprise_recno=int(p["ResponsibleEnterpriseRecno"]),
                responsible_person_recno=p.get("ResponsiblePersonRecno"), external_id=external_id,
                external_id_type=external_type, created=now,
                archive_codes=[db.CaseArchiveCode(archive_type=_text(c["ArchiveType"]), code=_text(c["ArchiveCode"]),
                                                  sort=int(c.get("Sort") or i),
                                                  is_manual_text=bool(c.get("IsManualText")))
                               for i, c in enumerate(p.get("ArchiveCodes") or [], start=1)],
                contacts=[db.CaseContact(role=_text(c.get("Role")) or "Sakspart",
                                         reference_number=_text(c["ReferenceNumber"]),
                                         is_unofficial=bool(c.get("IsUnofficial")))
                          for c in p.get("Contacts") or []],
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
        merged = {"Title": case.title, "CaseType": case.case_type, "Status": case.status,
                  "AccessCode": case.access_code, "Paragraph": case.paragraph,
                  "ResponsibleEnterpriseRecno": case.responsible_enterprise_recno} | p
        self._check_case({k: v for k, v in merged.items() if k not in ("ArchiveCodes", "Contacts")})
        for key, attribute in (("Title", "title"), ("UnofficialTitle", "unofficial_title"), ("Status", "status"),
                               ("SubArchive", "sub_archive"), ("AccessCode", "access_code"),
                               ("Paragraph", "paragraph"), ("AccessGroup", "access_group"),
                               ("ResponsibleEnterpriseRecno", "responsible_enterprise_recno")):
            if key in p:
                setattr(case, attribute, p[key])
        return case

    def find_cases(self, p: dict[str, Any]) -> tuple[list[db.Case], int]:
        query = select(db.Case)
        if recno := p.get("Recno"):
            query = query.where(db.Case.recno == int(recno))
        if number := _text(p.get("CaseNumber")):
            query = query.where(db.Case.case_number == number)
        if external_id := _external_id(p.get("ExternalId"))[0]:
            query = query.where(db.Case.external_id == external_id)
        if reference := _text(p.get("ContactReferenceNumber")):
            query = query.where(db.Case.contacts.any(db.CaseContact.reference_number == reference))
        if code := _text(p.get("ArchiveCode")):
            query = query.where(db.Case.archive_codes.any(db.CaseArchiveCode.code == code))
        if title := _text(p.get("Title")):
            pattern = title if "%" in title else f"%{title}%"
            query = query.where(or_(db.Case.title.ilike(pattern), db.Case.unofficial_title.ilike(pattern)))
        if case_type := _text(p.get("CaseType")):
            query = query.where(db.Case.case_type == case_type)
        total = self.s.scalar(select(func.count()).select_from(query.subquery())) or 0
        size = max(1, min(int(p.get("MaxReturnedCases") or 20), 1000))
        page = max(0, int(p.get("Page") or 0))
        cases = self.s.scalars(query.order_by(db.Case.recno.desc()).offset(page * size).limit(size))
        return list(cases), total

    # -- journal posts -------------------------------------------------------------------------
    def create_document(self, p: dict[str, Any], now: datetime) -> db.Document:
        problems: list[tuple[str, str]] = []
        case = self.case_by_number(_text(p.get("CaseNumber")))
        if case is None:
            problems.append(("CaseNumber", f"Fant ikke sak «{p.get('CaseNumber') or ''}»"))
        if not _text(p.get("Title")):
            problems.append(("Title", "Offentlig tittel må fylles ut"))
        category = _text(p.get("Category")) or "Dokument inn"
        if not self._is_code("Dokumentkategori", category):
            problems.append(("Category", f"Ukjent dokumentkategori «{category}»"))
        self._check_access(p, problems)
        self._check_contacts(p.get("Contacts") or [], problems)
        files = []
        for f in p.get("Files") or []:
            try:
                files.append(db.File(title=_text(f.get("Title")) or "Dokument", format=_text(f.get("Format")) or "pdf",
                                     status=_text(f.get("Status")) or "F",
                                     version_format=_text(f.get("VersionFormat")) or "A",
                                     data=base64.b64decode(f.get("Base64Data") or "", validate=True)))
            except binascii.Error:
                problems.append(("Files", f"Filen «{f.get('Title')}» er ikke gyldig base64"))
        unit = p.get("ResponsibleEnterpriseRecno")
        if unit not in (None, ""):
            found = self.s.get(db.Enterprise, int(unit)) if str(unit).isdigit() else None
            if found is None or not found.is_internal:
                problems.append(("ResponsibleEnterpriseRecno", f"Ukjent ansvarlig enhet (recno {unit})"))
        linked = [str(n).strip() for n in p.get("LinkedDocuments") or [] if str(n).strip()]
        for number in linked:
            if self.s.scalar(select(db.Document).where(db.Document.document_number == number)) is None:
                problems.append(("LinkedDocuments", f"Fant ikke journalpost «{number}» å knytte til"))
        document_date = _text(p.get("DocumentDate"))
        try:
            parsed_date = date.fromisoformat(document_date[:10]) if document_date else now.date()
        except ValueError:
            problems.append(("DocumentDate", "Dokumentdato må være en dato (ÅÅÅÅ-MM-DD)"))
        if problems:
            raise Refused(problems)
        with _numbers:
            number = f"{case.case_number}-{self._next('document', case.case_number)}"
            document = db.Document(
                case_recno=case.recno, document_number=number, title=_text(p["Title"]),
                unofficial_title=_text(p.get("UnofficialTitle")), category=category,
                status=_text(p.get("Status")) or "J", document_date=parsed_date,
                access_code=_text(p.get("AccessCode")) or "U", paragraph=_text(p.get("Paragraph")),
                access_group=_text(p.get("AccessGroup")), archive=_text(p.get("Archive")), created=now,
                external_id=_external_id(p.get("ExternalId"))[0],
                responsible_enterprise_recno=int(unit) if unit not in (None, "") else None,
                responsible_person=_text(p.get("ResponsiblePersonEmail")), linked_documents=linked,
                contacts=[db.DocumentContact(role=_text(c.get("Role")) or "Avsender",
                                             reference_number=_text(c["ReferenceNumber"]),
                                             is_unofficial=bool(c.get("IsUnofficial")))
                          for c in p.get("Contacts") or []],
                files=files,
            )
            self.s.add(document)
            self.s.flush()
        return document

    def find_documents(self, p: dict[str, Any]) -> list[db.Document]:
        query = select(db.Document)
        if number := _text(p.get("CaseNumber")):
            query = query.where(db.Document.case_recno == select(db.Case.recno).where(
                db.Case.case_number == number).scalar_subquery())
        if number := _text(p.get("DocumentNumber")):
            query = query.where(db.Document.document_number == number)
        if recno := p.get("Recno"):
            query = query.where(db.Document.recno == int(recno))
        if external_id := _external_id(p.get("ExternalId"))[0]:
            query = query.where(db.Document.external_id == external_id)
        return list(self.s.scalars(query.order_by(db.Document.recno)))

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
        address = p.get("PrivateAddress")
        person.address = _text(address.get("StreetAddress") if isinstance(address, dict) else address) or person.address
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
            enterprise = db.Enterprise(name=name, enterprise_number=number)
            self.s.add(enterprise)
        enterprise.name = name or enterprise.name
        self.s.flush()
        return enterprise

    def find_enterprises(self, p: dict[str, Any]) -> list[db.Enterprise]:
        query = select(db.Enterprise)
        if number := _text(p.get("EnterpriseNumber")):
            query = query.where(db.Enterprise.enterprise_number == number)
        if name := _text(p.get("Name")):
            query = query.where(db.Enterprise.name.ilike(name))
        if recno := p.get("Recno"):
            query = query.where(db.Enterprise.recno == int(recno))
        if p.get("IsInternal") is not None:
            query = query.where(db.Enterprise.is_internal == bool(p["IsInternal"]))
        return list(self.s.scalars(query.order_by(db.Enterprise.recno)))
