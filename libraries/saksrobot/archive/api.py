"""The ``api`` back-end: the archive's SIF JSON API over HTTP (Public 360 style)."""

from __future__ import annotations

import base64
import logging
from typing import Any

import httpx

from saksrobot.archive.client import Archive
from saksrobot.archive.models import (
    ArchiveCode,
    Case,
    CaseChanges,
    CaseQuery,
    CaseResult,
    Enterprise,
    NewCase,
    NewJournalPost,
    Party,
    PrivatePerson,
)
from saksrobot.errors import ApplicationError, BusinessError, ConfigurationError
from saksrobot.settings import Settings

log = logging.getLogger(__name__)
RPC_PATH = "/Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC"


class SifClient:
    """One method: ``call(service, method, parameter)``, with errors mapped to saksrobot's types."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        key = settings.archive.api_key
        if key is None:
            raise ConfigurationError("archive.api_key is not set (SAKSROBOT_ARCHIVE__API_KEY)")
        self._http = httpx.Client(
            base_url=settings.archive.base_url + RPC_PATH,
            headers={"Authorization": f"authkey {key.get_secret_value()}"},
            timeout=settings.archive.timeout_seconds,
            transport=transport,
        )

    def call(self, service: str, method: str, parameter: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._http.post(f"/{service}/{method}", json={"parameter": parameter})
        except httpx.TransportError as exc:
            raise ApplicationError(f"Arkivet svarer ikke ({type(exc).__name__})", code="unreachable") from None
        if response.status_code == 401:
            raise ConfigurationError("The archive refused archive.api_key (HTTP 401)", code="unauthorized")
        if response.status_code >= 500:
            raise ApplicationError(f"Arkivet svarte med feil (HTTP {response.status_code})", code="server_error")
        if response.status_code != 200:
            raise ApplicationError(f"Uventet svar fra arkivet på {service}/{method} "
                                   f"(HTTP {response.status_code})", code="unexpected_response")
        body = response.json()
        if not body.get("Successful", False):
            raise BusinessError(body.get("ErrorMessage") or "Arkivet avviste forespørselen",
                                code=body.get("ErrorDetails") or "archive_refused")
        return body

    def close(self) -> None:
        self._http.close()


def case_from_sif(data: dict[str, Any]) -> Case:
    """Translate a SIF case object into :class:`Case`."""
    external = data.get("ExternalId")
    unit = data.get("ResponsibleEnterprise") or {}
    return Case(
        case_number=data["CaseNumber"], recno=data["Recno"], title=data.get("Title") or "",
        case_type=data.get("CaseTypeCode") or "", status=data.get("Status") or "",
        unofficial_title=data.get("UnofficialTitle"), sub_archive=data.get("SubArchive"),
        access_code=data.get("AccessCodeCode"), paragraph=data.get("Paragraph"),
        access_group=data.get("AccessGroup"), responsible_unit=unit.get("Name"),
        external_id=external.get("Id") if isinstance(external, dict) else external,
        archive_codes=tuple(ArchiveCode(archive_type=c["ArchiveType"], code=c["ArchiveCode"], sort=c.get("Sort", 1))
                            for c in data.get("ArchiveCodes") or ()),  # IsManualText is a creation hint
        parties=tuple(Party(reference=c["ReferenceNumber"], role=c.get("Role", "Sakspart"),
                            unofficial=c.get("IsUnofficial", False)) for c in data.get("Contacts") or ()),
        created=data.get("CreatedDate"),
    )


def _contacts(parties: tuple[Party, ...]) -> list[dict[str, Any]]:
    return [{"Role": p.role, "ReferenceNumber": p.reference, "IsUnofficial": p.unofficial} for p in parties]


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


class ApiArchive(Archive):
    """The archive through its JSON API. Cheap to open; one HTTP connection pool."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(settings)
        self._sif = SifClient(settings, transport)
        self._units: dict[str, int] = {}

    def _unit_recno(self, name: str) -> int:
        if name not in self._units:
            found = self._sif.call("ContactService", "GetEnterprises", {"Name": name, "IsInternal": True})
            matches = [e for e in found.get("Enterprises", []) if e["Name"].casefold() == name.casefold()]
            if not matches:
                raise BusinessError(f"Ukjent enhet «{name}»", code="unknown_unit")
            self._units[name] = matches[0]["Recno"]
        return self._units[name]

    def _find_cases(self, query: CaseQuery) -> list[Case]:
        body = self._sif.call("CaseService", "GetCases", _drop_none({
            "CaseNumber": query.case_number, "ExternalId": query.external_id,
            "ContactReferenceNumber": query.contact_reference, "ArchiveCode": query.archive_code,
            "Title": query.title, "CaseType": query.case_type, "MaxReturnedCases": query.max_results,
        }))
        return [case_from_sif(c) for c in body.get("Cases", [])]

    def _create_case(self, case: NewCase) -> CaseResult:
        body = self._sif.call("CaseService", "CreateCase", _drop_none({
            "Title": case.title, "UnofficialTitle": case.unofficial_title, "CaseType": case.case_type,
            "Status": case.status, "SubArchive": case.sub_archive,
            "ArchiveCodes": [{"ArchiveType": c.archive_type, "ArchiveCode": c.code, "Sort": c.sort,
                              "IsManualText": c.is_manual_text} for c in case.archive_codes],
            "AccessCode": case.access_code, "Paragraph": case.paragraph, "AccessGroup": case.access_group,
            "ResponsibleEnterpriseRecno": self._unit_recno(case.responsible_unit),
            "ExternalId": case.external_id and {"Id": case.external_id.id, "Type": case.external_id.type},
            "Contacts": _contacts(case.parties),
        }))
        log.info("Created case %s", body["CaseNumber"])
        return CaseResult(case_number=body["CaseNumber"], recno=body["Recno"], created=True)

    def _create_journal_post(self, post: NewJournalPost) -> str:
        body = self._sif.call("DocumentService", "CreateDocument", _drop_none({
            "CaseNumber": post.case_number, "Title": post.title, "UnofficialTitle": post.unofficial_title,
            "Category": post.category.value, "Status": "J",
            "DocumentDate": post.document_date and post.document_date.isoformat(),
            "AccessCode": post.access_code, "Paragraph": post.paragraph, "AccessGroup": post.access_group,
            "Archive": post.archive, "Contacts": _contacts(post.contacts),
            "ExternalId": post.external_id and {"Id": post.external_id.id, "Type": post.external_id.type},
            "ResponsibleEnterpriseRecno": post.responsible_unit and self._unit_recno(post.responsible_unit),
            "ResponsiblePersonEmail": post.responsible_person, "LinkedDocuments": list(post.linked_documents),
            "Files": [{"Title": f.title, "Format": f.format, "Status": "F", "VersionFormat": "A",
                       "Base64Data": base64.b64encode(f.data).decode()} for f in post.files],
        }))
        log.info("Created journal post %s", body["DocumentNumber"])
        return body["DocumentNumber"]

    def _find_journal_post(self, external_id: str, case_number: str | None) -> str | None:
        body = self._sif.call("DocumentService", "GetDocuments", _drop_none({"CaseNumber": case_number,
                                                                             "ExternalId": external_id}))
        found = [d["DocumentNumber"] for d in body.get("Documents", [])
                 if (d.get("ExternalId") or {}).get("Id") == external_id]
        return found[0] if found else None

    def _synchronize_person(self, person: PrivatePerson) -> None:
        self._sif.call("ContactService", "SynchronizePrivatePerson", _drop_none({
            "FirstName": person.first_name, "LastName": person.last_name,
            "PersonalIdNumber": person.personal_id_number,
            "PrivateAddress": person.address and {"StreetAddress": person.address}}))

    def _synchronize_enterprise(self, enterprise: Enterprise) -> None:
        self._sif.call("ContactService", "SynchronizeEnterprise", {
            "Name": enterprise.name, "EnterpriseNumber": enterprise.enterprise_number})

    def update_case(self, case_number: str, changes: CaseChanges) -> None:
        """Change fields of an existing case (e.g. ``status="AS"`` to close it). API only."""
        self._retry(self._sif.call, "CaseService", "UpdateCase", _drop_none({
            "CaseNumber": case_number, "Status": changes.status, "Title": changes.title,
            "UnofficialTitle": changes.unofficial_title, "AccessGroup": changes.access_group,
        }))

    def close(self) -> None:
        self._sif.close()
