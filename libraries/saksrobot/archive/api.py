"""The ``api`` back-end: the archive's SIF JSON API over HTTP (Public 360), using only the real
contract (:mod:`saksrobot.archive.sif`): every request is built from its models, every answer read
through them."""

from __future__ import annotations

import base64
import logging
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from saksrobot.archive import sif
from saksrobot.archive.client import Archive
from saksrobot.archive.models import (
    ArchiveCode,
    Case,
    CaseChanges,
    CaseQuery,
    CaseResult,
    Enterprise,
    ExternalId,
    NewCase,
    NewJournalPost,
    Party,
    PrivatePerson,
    UnregisteredParty,
    category_code,
)
from saksrobot.archive.sif import _base as parts
from saksrobot.archive.sif import cases, contacts, documents, support
from saksrobot.errors import ApplicationError, BusinessError, ConfigurationError
from saksrobot.settings import Settings

log = logging.getLogger(__name__)
RPC_PATH = "/Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC"
DOCUMENT_CATEGORIES = "code table: Document category"
CASE_TYPES, SUB_ARCHIVES, ACCESS_CODES = "code table: Case type", "Noark Subarchive", "code table: Access code"
R = TypeVar("R", bound=sif.Response)
_METHOD_OF = {arguments: (service, method, answer) for (service, method), (arguments, answer) in sif.METHODS.items()}


class SifClient:
    """``call(arguments)``: the method whose arguments these are, its answer read through the
    contract, errors mapped to saksrobot's types."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        key = settings.archive.api_key
        if key is None:
            raise ConfigurationError("archive.api_key is not set (SAKSROBOT_ARCHIVE__API_KEY)")
        self._http = httpx.Client(
            base_url=settings.archive.base_url + RPC_PATH,
            headers={"Authorization": f"authkey {key.get_secret_value()}", "clientid": settings.archive.client_id},
            timeout=settings.archive.timeout_seconds,
            transport=transport,
        )

    def call(self, arguments: sif.Request) -> Any:
        service, method, answer = _METHOD_OF[type(arguments)]
        try:
            response = self._http.post(f"/{service}/{method}", json={"parameter": arguments.body()})
        except httpx.TransportError as exc:
            raise ApplicationError(f"Arkivet svarer ikke ({type(exc).__name__})", code="unreachable") from None
        if response.status_code == 401:
            raise ConfigurationError("The archive refused archive.api_key or archive.client_id (HTTP 401)",
                                     code="unauthorized")
        if response.status_code >= 500:
            raise ApplicationError(f"Arkivet svarte med feil (HTTP {response.status_code})", code="server_error")
        if response.status_code != 200:
            raise ApplicationError(f"Uventet svar fra arkivet på {service}/{method} "
                                   f"(HTTP {response.status_code})", code="unexpected_response")
        try:
            body = answer.model_validate(response.json())
        except (ValueError, ValidationError):
            raise ApplicationError(f"Arkivet svarte på {service}/{method} med noe som ikke er et SIF-svar",
                                   code="unexpected_response") from None
        if not body.Successful:  # SIF answers refusals with HTTP 200; ErrorDetails is a technical text
            raise BusinessError(body.ErrorMessage or "Arkivet avviste forespørselen", code="archive_refused")
        return body

    def close(self) -> None:
        self._http.close()


def case_from_sif(data: cases.Case) -> Case:
    """Translate a SIF case into :class:`Case` (its status is the archive's description of it)."""
    external = data.ExternalId
    contacts_ = data.Contacts or []
    return Case(
        case_number=data.CaseNumber or "", recno=data.Recno or 0, title=data.Title or "",
        case_type=data.CaseTypeCode or "", status=data.Status or "",
        unofficial_title=data.UnofficialTitle, sub_archive=data.SubArchiveCode,
        access_code=data.AccessCodeCode, paragraph=data.Paragraph, access_group=data.AccessGroup,
        responsible_unit=data.ResponsibleEnterpriseName or (data.ResponsibleEnterprise and
                                                            data.ResponsibleEnterprise.Name),
        external_id=ExternalId(id=external.Id, type=external.Type or "") if external and external.Id else None,
        archive_codes=tuple(ArchiveCode(archive_type=c.ArchiveType or "", code=c.ArchiveCode or "", sort=c.Sort or 1)
                            for c in data.ArchiveCodes or ()),  # IsManualText is a creation hint
        parties=tuple(Party(reference=c.Referencenumber, role=c.Role or "Sakspart", unofficial=None)
                      for c in contacts_ if c.Referencenumber),
        unregistered_parties=tuple(c.ContactName or "" for c in contacts_ if not c.Referencenumber),
        created=data.CreatedDate,
    )


def _unregistered(parties: tuple[UnregisteredParty, ...], model: type) -> list[Any]:
    return [model(Role=p.role, ContactName=p.name, Email=p.email, IsUnofficial=p.unofficial) for p in parties]


class ApiArchive(Archive):
    """The archive through its JSON API. Cheap to open; one HTTP connection pool."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(settings)
        self._sif = SifClient(settings, transport)
        self._settings = settings.archive
        self._units: dict[str, int] = {}
        self._code_tables: dict[str, list[tuple[str, str]]] = {}

    def _unit_recno(self, name: str) -> int:
        """An internal unit by name: an enterprise in the units' contact category."""
        if name not in self._units:
            found = self._sif.call(contacts.GetEnterprisesArgs(Name=name, Categories=[self._settings.unit_category]))
            matches = [e for e in found.Enterprises or [] if (e.Name or "").casefold() == name.casefold()]
            if not matches:
                raise BusinessError(f"Ukjent enhet «{name}»", code="unknown_unit")
            self._units[name] = matches[0].Recno
        return self._units[name]

    def _check(self) -> None:
        self._category("Dokument inn")  # the code table is needed anyway; a refused key is a 401

    def _codes(self, table: str) -> list[tuple[str, str]]:
        if table not in self._code_tables:
            rows = self._sif.call(support.GetCodeTableRowsArgs(CodeTableName=table)).CodeTableRows
            self._code_tables[table] = [(r.Code or "", r.Description or "") for r in rows or [] if not r.IsExpired]
        return self._code_tables[table]

    def _known(self, table: str, value: str | None) -> bool:
        return value is None or any(value.casefold() in (code.casefold(), text.casefold())
                                    for code, text in self._codes(table))

    def _contact_known(self, reference: str) -> bool:
        if reference.startswith("recno:"):
            return True
        if len(reference) == 11:
            return bool(self._sif.call(contacts.GetPrivatePersonsArgs(PersonalIdNumber=reference)).PrivatePersons)
        return bool(self._sif.call(contacts.GetEnterprisesArgs(EnterpriseNumber=reference)).Enterprises)

    def _case_problems(self, case: NewCase, registered: frozenset[str]) -> list[str]:
        problems = [f"Ukjent {label} «{value}»" for table, label, value in (
            (CASE_TYPES, "sakstype", case.case_type), (SUB_ARCHIVES, "arkivdel", case.sub_archive),
            (ACCESS_CODES, "tilgangskode", case.access_code)) if not self._known(table, value)]
        try:
            self._unit_recno(case.responsible_unit)
        except BusinessError as unknown:
            problems.append(unknown.message)
        problems += [f"Fant ingen kontakt med referansenummer {p.reference}" for p in case.parties
                     if p.reference not in registered and not self._contact_known(p.reference)]
        return problems

    def _category(self, value: str) -> str:
        """The archive's code for a document category (read once from its code table)."""
        categories = self._codes(DOCUMENT_CATEGORIES)
        code = category_code(value, categories)
        if code is None:
            known = ", ".join(description for _, description in categories)
            raise BusinessError(f"Ukjent dokumentkategori «{value}» (arkivet har: {known})", code="unknown_category")
        return code

    def _find_cases(self, query: CaseQuery) -> list[Case]:
        external = query.external_id
        body = self._sif.call(cases.GetCasesArgs(
            CaseNumber=query.case_number, ContactReferenceNumber=query.contact_reference,
            ExternalId=parts.ExternalIdValue(Id=external.id, Type=external.type) if external else None,
            ArchiveCode=query.archive_code, Title=query.title, CaseType=query.case_type,
            MaxReturnedCases=query.max_results))
        return [case_from_sif(c) for c in body.Cases or []]

    def _create_case(self, case: NewCase) -> CaseResult:
        external = case.external_id
        body = self._sif.call(cases.CreateCaseArgs(
            Title=case.title, UnofficialTitle=case.unofficial_title, CaseType=case.case_type,
            Status=case.status, SubArchive=case.sub_archive,
            ArchiveCodes=[parts.ArchiveCode(ArchiveType=c.archive_type, ArchiveCode=c.code, Sort=c.sort,
                                            IsManualText=c.is_manual_text) for c in case.archive_codes],
            AccessCode=case.access_code, Paragraph=case.paragraph, AccessGroup=case.access_group,
            ResponsibleEnterpriseRecno=self._unit_recno(case.responsible_unit),
            ExternalId=parts.ExternalIdValue(Id=external.id, Type=external.type) if external else None,
            Contacts=[cases.CaseContact(Role=p.role, ReferenceNumber=p.reference, IsUnofficial=p.unofficial)
                      for p in case.parties],
            UnregisteredContacts=_unregistered(case.unregistered_parties, cases.UnregisteredCaseContact) or None))
        log.info("Created case %s", body.CaseNumber)
        return CaseResult(case_number=body.CaseNumber, recno=body.Recno, created=True)

    def _create_journal_post(self, post: NewJournalPost) -> str:
        key = post.external_id
        body = self._sif.call(documents.CreateDocumentArgs(
            CaseNumber=post.case_number, Title=post.title, UnofficialTitle=post.unofficial_title,
            Category=self._category(post.category), Status="J",
            DocumentDate=post.document_date and post.document_date.isoformat(),
            AccessCode=post.access_code, Paragraph=post.paragraph, AccessGroup=post.access_group,
            Archive=post.archive,
            Contacts=[documents.DocumentContact(Role=p.role, ReferenceNumber=p.reference, IsUnofficial=p.unofficial)
                      for p in post.contacts],
            UnregisteredContacts=_unregistered(post.unregistered_contacts,
                                               documents.UnregisteredDocumentContact) or None,
            AdditionalFields=[parts.AdditionalField(Name=self._settings.document_key_field, Value=key.value)]
            if key else None,
            ResponsibleEnterpriseRecno=post.responsible_unit and self._unit_recno(post.responsible_unit),
            ResponsiblePersonEmail=post.responsible_person,
            ReferringDocuments=[documents.DocumentReference(DocumentNumber=n) for n in post.referring_documents]
            or None,
            Files=[documents.NewFile(Title=f.title, Format=f.format, Status="F", VersionFormat="A",
                                     Base64Data=base64.b64encode(f.data).decode()) for f in post.files]))
        log.info("Created journal post %s", body.DocumentNumber)
        return body.DocumentNumber

    def _find_journal_post(self, key: ExternalId, case_number: str) -> str | None:
        field = self._settings.document_key_field
        body = self._sif.call(documents.GetDocumentsArgs(
            CaseNumber=case_number, IncludeCustomFields=True,
            AdditionalFields=[parts.AdditionalField(Name=field, Value=key.value)]))
        # the filter is checked again here: a key is only trusted where it was read back
        found = [d.DocumentNumber for d in body.Documents or [] if d.CaseNumber == case_number and
                 any(f.Name == field and f.Value == key.value for f in d.CustomFields or [])]
        return found[0] if found else None

    def _synchronize_person(self, person: PrivatePerson) -> None:
        self._sif.call(contacts.SynchronizePrivatePersonArgs(
            FirstName=person.first_name, LastName=person.last_name, PersonalIdNumber=person.personal_id_number,
            PrivateAddress=parts.Address(StreetAddress=person.address) if person.address else None))

    def _synchronize_enterprise(self, enterprise: Enterprise) -> None:
        self._sif.call(contacts.SynchronizeEnterpriseArgs(Name=enterprise.name,
                                                          EnterpriseNumber=enterprise.enterprise_number))

    def update_case(self, case_number: str, changes: CaseChanges) -> None:
        """Change fields of an existing case (e.g. ``status="A"``, Noark 5 avsluttet). API only."""
        self._retry(self._sif.call, cases.UpdateCaseArgs(
            CaseNumber=case_number, Status=changes.status, Title=changes.title,
            UnofficialTitle=changes.unofficial_title, AccessGroup=changes.access_group))

    def close(self) -> None:
        self._sif.close()
