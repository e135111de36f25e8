"""The SIF JSON API: ``POST /Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC/{Service}/{Method}``.

As strict as Public 360: every call needs ``Authorization: authkey KEY`` (or ``?authkey=KEY``) and
the ``clientid`` header; every ``parameter`` is validated against the contract
(:mod:`saksrobot.archive.sif`), so an unknown or misspelt argument, or a wrong shape, is refused
with the real envelope (HTTP 200, ``Successful: false``, ``ErrorMessage``, ``ErrorDetails``);
answers are built from the contract's models, with the real names and casing.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from saksrobot.archive import sif
from saksrobot.archive.sif import _base as parts
from saksrobot.archive.sif import cases, contacts, documents, support
from saksrobot.simulators.archive import db
from saksrobot.simulators.archive.service import ArchiveService, Refused
from saksrobot.simulators.common import authorized

PREFIX = "/Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC"


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _unit(enterprise: db.Enterprise | None) -> parts.EnterpriseRef | None:
    if enterprise is None:
        return None
    return parts.EnterpriseRef(Recno=enterprise.recno, Name=enterprise.name,
                               Referencenumber=enterprise.enterprise_number)


def sif_case(s: ArchiveService, case: db.Case) -> cases.Case:
    return cases.Case(
        Recno=case.recno, CaseNumber=case.case_number,
        ExternalId=parts.ReadExternalIdValue(Id=case.external_id, Type=case.external_id_type)
        if case.external_id else None,
        Title=case.title, UnofficialTitle=case.unofficial_title,
        Status=s.description(db.CASE_STATUS, case.status),
        CaseTypeCode=case.case_type, CaseTypeDescription=s.description(db.CASE_TYPE, case.case_type),
        SubArchive=s.description(db.SUB_ARCHIVE, case.sub_archive), SubArchiveCode=case.sub_archive,
        AccessCodeCode=case.access_code, AccessCodeDescription=s.description(db.ACCESS_CODE, case.access_code),
        Paragraph=case.paragraph, AccessGroup=case.access_group,
        ResponsibleEnterprise=_unit(case.responsible),
        ResponsibleEnterpriseName=case.responsible.name if case.responsible else None,
        ArchiveCodes=[parts.ReadArchiveCode(ArchiveType=c.archive_type, ArchiveCode=c.code, Sort=c.sort,
                                            IsManualText=c.is_manual_text) for c in case.archive_codes],
        Contacts=[cases.ReadCaseContact(Role=c.role, Referencenumber=c.reference_number,
                                        ContactName=c.name or s.contact_name(c.reference_number))
                  for c in case.contacts],
        CreatedDate=_when(case.created), Date=_when(case.created), URL=f"/saker/{case.recno}",
    )


def sif_document(s: ArchiveService, doc: db.Document, p: dict[str, Any]) -> documents.Document:
    category = s.code(db.DOCUMENT_CATEGORY, doc.category)
    return documents.Document(
        Recno=doc.recno, DocumentNumber=doc.document_number, CaseNumber=doc.case.case_number,
        CaseRecno=str(doc.case_recno), Title=doc.unofficial_title or doc.title, OfficialTitle=doc.title,
        Category=parts.Code(Recno=category.recno, Code=category.code, Description=category.description)
        if category else None,
        StatusCode=doc.status, StatusDescription=s.description(db.JOURNAL_STATUS, doc.status),
        DocumentDate=doc.document_date.isoformat() if doc.document_date else None,
        JournalDate=_when(doc.created), CreatedDate=_when(doc.created),
        AccessCodeCode=doc.access_code, AccessCodeDescription=s.description(db.ACCESS_CODE, doc.access_code),
        Paragraph=doc.paragraph, AccessGroup=doc.access_group,
        DocumentArchive=parts.Code(Code=doc.archive, Description=doc.archive) if doc.archive else None,
        ResponsibleEnterprise=_unit(doc.responsible),
        ResponsibleEnterpriseName=doc.responsible.name if doc.responsible else None,
        ResponsiblePerson=parts.PersonRef(Email=doc.responsible_person) if doc.responsible_person else None,
        Contacts=[documents.ReadDocumentContact(Role=c.role, ReferenceNumber=c.reference_number, Email=c.email,
                                                SearchName=c.name or s.contact_name(c.reference_number))
                  for c in doc.contacts],
        Files=[documents.ReadFile(Recno=f.id, Title=f.title, Format=f.format, StatusCode=f.status,
                                  VersionFormatCode=f.version_format,
                                  Base64Data=base64.b64encode(f.data).decode() if p.get("IncludeFileData") else None)
               for f in doc.files],
        ReferringDocuments=list(doc.referring_documents or []),
        CustomFields=[parts.ReadField(Name=k, Value=v) for k, v in (doc.custom_fields or {}).items()]
        if p.get("IncludeCustomFields") else None,
    )


def _pages(total: int, size: int) -> int:
    return (total + size - 1) // size


def _get_cases(s: ArchiveService, p: dict, now: datetime) -> BaseModel:
    found, total = s.find_cases(p)
    return cases.GetCasesResponse(Cases=[sif_case(s, c) for c in found], TotalCount=total,
                                  TotalPageCount=_pages(total, max(1, int(p.get("MaxReturnedCases") or 20))))


def _get_documents(s: ArchiveService, p: dict, now: datetime) -> BaseModel:
    found, total = s.find_documents(p)
    return documents.GetDocumentsResponse(
        Documents=[sif_document(s, d, p) for d in found], TotalCount=total,
        TotalPageCount=_pages(total, max(1, int(p.get("MaxReturnedDocuments") or 100))))


def _person(person: db.Person) -> contacts.PrivatePerson:
    return contacts.PrivatePerson(Recno=person.recno, FirstName=person.first_name, LastName=person.last_name,
                                  PersonalIdNumber=person.personal_id_number, Active=True,
                                  PrivateAddress=parts.ReadAddress(StreetAddress=person.address))


def _enterprise(e: db.Enterprise) -> contacts.Enterprise:
    return contacts.Enterprise(Recno=e.recno, Name=e.name, EnterpriseNumber=e.enterprise_number,
                               Categories=list(e.categories or []), Active=True)


def _code_table(s: ArchiveService, p: dict, now: datetime) -> BaseModel:
    rows = [r for r in s.codes(str(p.get("CodeTableName"))) if p.get("IncludeExpiredValues") or not r.is_expired]
    if not rows:
        raise Refused([("CodeTableName", f"Fant ikke kodetabellen «{p.get('CodeTableName')}»")], code="not_found")
    return support.GetCodeTableRowsResponse(CodeTableRows=[
        support.CodeTableRow(Recno=r.recno, Code=r.code, Description=r.description, IsExpired=r.is_expired)
        for r in rows])


HANDLERS: dict[tuple[str, str], Callable[[ArchiveService, dict, datetime], BaseModel]] = {
    ("CaseService", "CreateCase"): lambda s, p, now: (case := s.create_case(p, now)) and cases.CaseResponse(
        Recno=case.recno, CaseNumber=case.case_number),
    ("CaseService", "GetCases"): _get_cases,
    ("CaseService", "UpdateCase"): lambda s, p, now: (case := s.update_case(p)) and cases.CaseResponse(
        Recno=case.recno, CaseNumber=case.case_number),
    ("DocumentService", "CreateDocument"): lambda s, p, now: (doc := s.create_document(p, now)) and (
        documents.CreateDocumentResponse(Recno=doc.recno, DocumentNumber=doc.document_number)),
    ("DocumentService", "GetDocuments"): _get_documents,
    ("ContactService", "SynchronizePrivatePerson"): lambda s, p, now: parts.Recorded(
        Recno=s.synchronize_person(p).recno),
    ("ContactService", "GetPrivatePersons"): lambda s, p, now: contacts.GetPrivatePersonsResponse(
        PrivatePersons=[_person(x) for x in s.find_persons(p)]),
    ("ContactService", "SynchronizeEnterprise"): lambda s, p, now: parts.Recorded(
        Recno=s.synchronize_enterprise(p).recno),
    ("ContactService", "GetEnterprises"): lambda s, p, now: contacts.GetEnterprisesResponse(
        Enterprises=[_enterprise(x) for x in s.find_enterprises(p)]),
    ("SupportService", "GetCodeTableRows"): _code_table,
}
assert set(HANDLERS) == set(sif.METHODS), "every method of the contract, and only those"


def refusal(message: str, details: str) -> dict[str, Any]:
    return {"Successful": False, "ErrorMessage": message, "ErrorDetails": details}


def _invalid(method: str, error: ValidationError) -> dict[str, Any]:
    """Every argument the contract does not have, or has in another shape, named."""
    problems = [f"{'.'.join(map(str, e['loc']))}: " + ("unknown argument" if e["type"] == "extra_forbidden"
                                                      else e["msg"]) for e in error.errors()]
    return refusal(f"Invalid arguments to {method}: " + "; ".join(problems), "ArgumentException")


def _execute(sessions: Callable[[], Any], method: tuple[str, str], parameter: dict[str, Any],
             now: datetime) -> dict[str, Any]:
    try:
        arguments = sif.METHODS[method][0].model_validate(parameter)
    except ValidationError as error:
        return _invalid("/".join(method), error)
    p = arguments.model_dump(exclude_none=True)
    with sessions() as session:
        try:
            answer = HANDLERS[method](ArchiveService(session), p, now)
            session.commit()
        except Refused as refused:
            session.rollback()
            return refusal(str(refused), f"{refused.code}: " + ", ".join(sorted({f for f, _ in refused.problems})))
        body = answer.model_dump(mode="json")
    return {**body, "Successful": True, "ErrorMessage": None, "ErrorDetails": None}


def make_router(sessions: Callable[[], Any], api_key: str, client_id: str, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter()

    @router.post(PREFIX + "/{service}/{method}")
    async def call(service: str, method: str, request: Request) -> JSONResponse:
        given_client = request.headers.get("clientid", "")
        if not authorized(request, api_key) or not secrets.compare_digest(given_client.encode(), client_id.encode()):
            return JSONResponse(refusal("Ugyldig eller manglende authkey eller clientid", "Unauthorized"),
                                status_code=401)
        if (service, method) not in HANDLERS:
            raise HTTPException(404, f"Ukjent tjeneste {service}/{method}")
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse(refusal("Ugyldig JSON", "JsonException"))
        parameter = body.get("parameter") if isinstance(body, dict) else None
        if not isinstance(parameter, dict) or set(body) != {"parameter"}:
            return JSONResponse(refusal("Forespørselen må være {\"parameter\": {...}}", "ArgumentException"))
        return JSONResponse(await run_in_threadpool(_execute, sessions, (service, method), parameter, clock()))

    return router
