"""The SIF-shaped JSON API: ``POST /Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC/{Service}/{Method}``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from saksrobot.simulators.archive import db
from saksrobot.simulators.archive.service import ArchiveService, Refused
from saksrobot.simulators.common import authorized

PREFIX = "/Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC"


def sif_case(case: db.Case, statuses: dict[str, str]) -> dict[str, Any]:
    return {
        "Recno": case.recno, "CaseNumber": case.case_number,
        "ExternalId": {"Id": case.external_id, "Type": case.external_id_type} if case.external_id else None,
        "Title": case.title, "UnofficialTitle": case.unofficial_title,
        "Status": statuses.get(case.status, case.status), "StatusCode": case.status,
        "CaseTypeCode": case.case_type, "SubArchive": case.sub_archive,
        "AccessCodeCode": case.access_code, "Paragraph": case.paragraph, "AccessGroup": case.access_group,
        "ResponsibleEnterprise": {"Recno": case.responsible.recno, "Name": case.responsible.name}
        if case.responsible else None,
        "ArchiveCodes": [{"ArchiveType": c.archive_type, "ArchiveCode": c.code, "Sort": c.sort,
                          "IsManualText": c.is_manual_text} for c in case.archive_codes],
        "Contacts": [{"Role": c.role, "ReferenceNumber": c.reference_number, "IsUnofficial": c.is_unofficial}
                     for c in case.contacts],
        "CreatedDate": case.created.isoformat(timespec="seconds"),
    }


def sif_document(doc: db.Document) -> dict[str, Any]:
    return {
        "Recno": doc.recno, "DocumentNumber": doc.document_number, "Title": doc.title,
        "UnofficialTitle": doc.unofficial_title, "Category": doc.category, "Status": doc.status,
        "DocumentDate": doc.document_date.isoformat() if doc.document_date else None,
        "AccessCode": doc.access_code, "Paragraph": doc.paragraph, "AccessGroup": doc.access_group,
        "Archive": doc.archive, "ExternalId": {"Id": doc.external_id} if doc.external_id else None,
        "ResponsibleEnterprise": {"Recno": doc.responsible.recno, "Name": doc.responsible.name}
        if doc.responsible else None,
        "ResponsiblePersonEmail": doc.responsible_person, "LinkedDocuments": list(doc.linked_documents or []),
        "Contacts": [{"Role": c.role, "ReferenceNumber": c.reference_number, "IsUnofficial": c.is_unofficial}
                     for c in doc.contacts],
        "Files": [{"Title": f.title, "Format": f.format, "Status": f.status, "VersionFormat": f.version_format,
                   "Size": len(f.data)} for f in doc.files],
    }


def _create_case(s: ArchiveService, p: dict, now: datetime) -> dict:
    case = s.create_case(p, now)
    return {"Recno": case.recno, "CaseNumber": case.case_number}


def _get_cases(s: ArchiveService, p: dict, now: datetime) -> dict:
    cases, total = s.find_cases(p)
    statuses = {c.code: c.description for c in s.codes("Saksstatus")}
    size = max(1, int(p.get("MaxReturnedCases") or 20))
    return {"Cases": [sif_case(c, statuses) for c in cases], "TotalCount": total,
            "TotalPageCount": (total + size - 1) // size}


def _update_case(s: ArchiveService, p: dict, now: datetime) -> dict:
    case = s.update_case(p)
    return {"Recno": case.recno, "CaseNumber": case.case_number}


def _create_document(s: ArchiveService, p: dict, now: datetime) -> dict:
    doc = s.create_document(p, now)
    return {"Recno": doc.recno, "DocumentNumber": doc.document_number}


def _person(person: db.Person) -> dict:
    return {"Recno": person.recno, "FirstName": person.first_name, "LastName": person.last_name,
            "PersonalIdNumber": person.personal_id_number, "PrivateAddress": {"StreetAddress": person.address}}


def _enterprise(e: db.Enterprise) -> dict:
    return {"Recno": e.recno, "Name": e.name, "EnterpriseNumber": e.enterprise_number, "IsInternal": e.is_internal}


METHODS: dict[tuple[str, str], Callable[[ArchiveService, dict, datetime], dict]] = {
    ("CaseService", "CreateCase"): _create_case,
    ("CaseService", "GetCases"): _get_cases,
    ("CaseService", "UpdateCase"): _update_case,
    ("DocumentService", "CreateDocument"): _create_document,
    ("DocumentService", "GetDocuments"): lambda s, p, now: {
        "Documents": [sif_document(d) for d in s.find_documents(p)]},
    ("ContactService", "SynchronizePrivatePerson"): lambda s, p, now: {"Recno": s.synchronize_person(p).recno},
    ("ContactService", "GetPrivatePersons"): lambda s, p, now: {
        "PrivatePersons": [_person(x) for x in s.find_persons(p)]},
    ("ContactService", "SynchronizeEnterprise"): lambda s, p, now: {"Recno": s.synchronize_enterprise(p).recno},
    ("ContactService", "GetEnterprises"): lambda s, p, now: {
        "Enterprises": [_enterprise(x) for x in s.find_enterprises(p)]},
    ("SupportService", "GetCodeTableRows"): lambda s, p, now: {
        "Rows": [{"Code": c.code, "Description": c.description} for c in s.codes(str(p.get("CodeTableName")))]},
    ("SupportService", "Ping"): lambda s, p, now: {},
}


def _execute(sessions: Callable[[], Any], handler: Callable[[ArchiveService, dict, datetime], dict],
             parameter: dict, now: datetime) -> dict[str, Any]:
    with sessions() as session:
        try:
            result = handler(ArchiveService(session), parameter, now)
            session.commit()
        except Refused as refused:
            session.rollback()
            return {"Successful": False, "ErrorMessage": str(refused), "ErrorDetails": refused.code}
        except (KeyError, TypeError, ValueError) as exc:
            session.rollback()
            return {"Successful": False, "ErrorMessage": f"Ugyldig parameter ({type(exc).__name__})",
                    "ErrorDetails": "bad_request"}
    return {**result, "Successful": True, "ErrorMessage": None, "ErrorDetails": None}


def make_router(sessions: Callable[[], Any], api_key: str, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter()

    @router.post(PREFIX + "/{service}/{method}")
    async def call(service: str, method: str, request: Request) -> JSONResponse:
        if not authorized(request, api_key):
            return JSONResponse({"Successful": False, "ErrorMessage": "Ugyldig eller manglende authkey"},
                                status_code=401)
        handler = METHODS.get((service, method))
        if handler is None:
            raise HTTPException(404, f"Ukjent tjeneste {service}/{method}")
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"Successful": False, "ErrorMessage": "Ugyldig JSON", "ErrorDetails": "bad_json"})
        parameter = body.get("parameter") if isinstance(body, dict) else None
        if not isinstance(parameter, dict):
            return JSONResponse({"Successful": False, "ErrorMessage": "Mangler «parameter»",
                                 "ErrorDetails": "bad_request"})
        return JSONResponse(await run_in_threadpool(_execute, sessions, handler, parameter, clock()))

    return router
