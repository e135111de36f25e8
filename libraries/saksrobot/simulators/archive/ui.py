"""The web UI (Norwegian): login, start page, Ny sak, case page, Ny journalpost, Søk."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from saksrobot.settings import FaultSettings
from saksrobot.simulators.archive import db
from saksrobot.simulators.archive.service import ArchiveService, Refused
from saksrobot.simulators.common import SimulatorUi, in_transaction

TEMPLATES = Path(__file__).parent / "templates"


def _unregistered(lines: str, role: str, unofficial: bool) -> list[dict[str, Any]]:
    """Unregistered parties typed one per line as ``Navn; e-post``."""
    parties = []
    for line in lines.splitlines():
        name, _, email = (part.strip() for part in line.partition(";"))
        if name or email:
            parties.append({"Role": role, "ContactName": name, "Email": email or None, "IsUnofficial": unofficial})
    return parties


class Ui(SimulatorUi):
    """The UI routes over one database, with the faults read at each request."""

    def __init__(self, sessions: Callable[[], Any], password: str, faults: Callable[[], FaultSettings],
                 clock: Callable[[], datetime]) -> None:
        super().__init__(TEMPLATES, sessions, password, faults, clock,
                         is_user=lambda session, name: session.get(db.User, name) is not None)

    def _codes(self, service: ArchiveService) -> dict[str, list[tuple[str, str]]]:
        """The choices of the forms' lists: (code, what the list shows)."""
        shown = {"Sakstype": (db.CASE_TYPE, False), "Arkivdel": (db.SUB_ARCHIVE, False),
                 "Ordningsprinsipp": (db.CLASSIFICATION, False), "Tilgangskode": (db.ACCESS_CODE, False),
                 "Tilgangsgruppe": (db.ACCESS_GROUP, False), "Dokumentkategori": (db.DOCUMENT_CATEGORY, True)}
        return {name: [(c.code, c.description if described else c.code) for c in service.codes(table)
                       if not c.is_expired] for name, (table, described) in shown.items()}

    def _run(self, work: Callable[[ArchiveService], Any]) -> Any:
        return in_transaction(self.sessions, ArchiveService, work)

    # -- routes --------------------------------------------------------------------------------
    def router(self) -> APIRouter:
        router = APIRouter()
        self.add_login_routes(router)
        router.add_api_route("/", self.start, methods=["GET"])
        router.add_api_route("/saker/ny", self.new_case_form, methods=["GET"])
        router.add_api_route("/saker/ny", self.new_case, methods=["POST"])
        router.add_api_route("/saker/{recno}", self.case_page, methods=["GET"])
        router.add_api_route("/saker/{recno}/journalposter/ny", self.new_document_form, methods=["GET"])
        router.add_api_route("/saker/{recno}/journalposter/ny", self.new_document, methods=["POST"])
        router.add_api_route("/sok", self.search, methods=["GET"])
        router.add_api_route("/kontakter/ny", self.new_person_form, methods=["GET"])
        router.add_api_route("/kontakter/ny", self.new_person, methods=["POST"])
        router.add_api_route("/kontakter/ny-virksomhet", self.new_enterprise_form, methods=["GET"])
        router.add_api_route("/kontakter/ny-virksomhet", self.new_enterprise, methods=["POST"])
        return router

    async def start(self, request: Request) -> Response:
        if not self.user(request):
            return self.to_login(request)
        cases, _ = await run_in_threadpool(self._run, lambda s: s.find_cases({"MaxReturnedCases": 10}))
        return self.page(request, "start.html", cases=cases)

    def _case_form(self, request: Request, values: dict, problems: list, status: int = 200) -> Response:
        def lookups(s: ArchiveService) -> tuple:
            return self._codes(s), [(u.recno, u.name) for u in s.units()]
        codes, units = self._run(lookups)
        return self.page(request, "new_case.html", status, codes=codes, units=units, values=values,
                         problems=problems)

    async def new_case_form(self, request: Request) -> Response:
        if not self.user(request):
            return self.to_login(request)
        return await run_in_threadpool(self._case_form, request, {"AccessCode": "U"}, [])

    async def new_case(self, request: Request) -> Response:
        if not self.user(request):
            return self.to_login(request)
        values = {k: str(v) for k, v in (await request.form()).items()}
        parameter = {
            "Title": values.get("Title"), "UnofficialTitle": values.get("UnofficialTitle"),
            "CaseType": values.get("CaseType"), "SubArchive": values.get("SubArchive"),
            "AccessCode": values.get("AccessCode"), "Paragraph": values.get("Paragraph"),
            "AccessGroup": values.get("AccessGroup"),
            "ResponsibleEnterpriseRecno": values.get("ResponsibleEnterpriseRecno") or None,
            "ExternalId": {"Id": values.get("ExternalId"), "Type": values.get("ExternalIdType")}
            if values.get("ExternalId") else None,
            "UnregisteredContacts": _unregistered(values.get("UnregisteredContacts", ""), "Sakspart",
                                                  "IsUnofficial" in values),
            "ArchiveCodes": [{"ArchiveType": values[f"ArchiveType{i}"], "ArchiveCode": values.get(f"ArchiveCode{i}"),
                              "Sort": i, "IsManualText": values[f"ArchiveType{i}"] == "FNR"}
                             for i in (1, 2, 3) if values.get(f"ArchiveType{i}")],
            "Contacts": [{"Role": "Sakspart", "ReferenceNumber": line.strip(), "IsUnofficial": "IsUnofficial" in values}
                         for line in values.get("Contacts", "").splitlines() if line.strip()],
        }
        try:
            case = await run_in_threadpool(self._run, lambda s: s.create_case(parameter, self.clock()))
        except Refused as refused:
            return await run_in_threadpool(self._case_form, request, values, refused.problems, 422)
        request.session["message"] = {"text": f"Sak {case.case_number} er opprettet"}
        return RedirectResponse(f"/saker/{case.recno}", status_code=303)

    def _case_context(self, recno: int) -> dict[str, Any] | None:
        def load(s: ArchiveService) -> dict[str, Any] | None:
            case = s.s.get(db.Case, recno)
            if case is None:
                return None
            references = [c.reference_number for c in case.contacts]
            names = {p.personal_id_number: f"{p.first_name} {p.last_name}" for p in s.s.scalars(
                select(db.Person).where(db.Person.personal_id_number.in_(references)))}
            names |= {e.enterprise_number: e.name for e in s.s.scalars(
                select(db.Enterprise).where(db.Enterprise.enterprise_number.in_(references)))}
            _ = (case.archive_codes, case.responsible, [(d.files, d.responsible) for d in case.documents])
            return {"case": case, "names": names, "status_text": s.description(db.CASE_STATUS, case.status),
                    "categories": dict(self._codes(s)["Dokumentkategori"]), "fields": s.custom_fields(),
                    "codes": self._codes(s), "units": [(u.recno, u.name) for u in s.units()]}
        return self._run(load)

    def _not_found(self, request: Request) -> Response:
        return self.page(request, "error.html", 404, heading="Fant ikke saken", text="Saken finnes ikke.")

    async def case_page(self, request: Request, recno: int) -> Response:
        if not self.user(request):
            return self.to_login(request)
        context = await run_in_threadpool(self._case_context, recno)
        if context is None:
            return self._not_found(request)
        return self.page(request, "case.html", message=request.session.pop("message", None), **context)

    async def new_document_form(self, request: Request, recno: int) -> Response:
        if not self.user(request):
            return self.to_login(request)
        context = await run_in_threadpool(self._case_context, recno)
        if context is None:
            return self._not_found(request)
        return self.page(request, "new_document.html", values={"AccessCode": "U"}, problems=[], **context)

    async def new_document(self, request: Request, recno: int) -> Response:
        if not self.user(request):
            return self.to_login(request)
        context = await run_in_threadpool(self._case_context, recno)
        if context is None:
            return self._not_found(request)
        form = await request.form()
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        files = []
        for upload in form.getlist("Files"):
            if hasattr(upload, "read") and upload.filename:
                stem, _, suffix = upload.filename.rpartition(".")
                files.append({"Title": stem or suffix, "Format": suffix.lower() if stem else "bin",
                              "Base64Data": base64.b64encode(await upload.read()).decode()})
        contact = values.get("Contact", "").strip()
        role = "Avsender" if values.get("Category") == "I" else "Mottaker"
        parameter = {
            "CaseNumber": context["case"].case_number, "Title": values.get("Title"),
            "UnofficialTitle": values.get("UnofficialTitle"), "Category": values.get("Category"),
            "DocumentDate": values.get("DocumentDate"), "AccessCode": values.get("AccessCode"),
            "Paragraph": values.get("Paragraph"), "AccessGroup": values.get("AccessGroup"), "Files": files,
            "AdditionalFields": [{"Name": f.name, "Value": values[f"CF:{f.name}"]} for f in context["fields"]
                                 if values.get(f"CF:{f.name}", "").strip()],
            "ResponsibleEnterpriseRecno": values.get("ResponsibleEnterpriseRecno") or None,
            "ResponsiblePersonEmail": values.get("ResponsiblePersonEmail"),
            "ReferringDocuments": [{"DocumentNumber": n} for n in values.get("ReferringDocuments", "").split()],
            "Contacts": [{"Role": role, "ReferenceNumber": contact, "IsUnofficial": len(contact) == 11}]
            if contact else [],
            "UnregisteredContacts": _unregistered(values.get("UnregisteredContact", ""), role, True),
        }
        try:
            document = await run_in_threadpool(self._run, lambda s: s.create_document(parameter, self.clock()))
        except Refused as refused:
            return self.page(request, "new_document.html", 422, values=values, problems=refused.problems, **context)
        request.session["message"] = {"text": "Journalpost", "number": document.document_number}
        return RedirectResponse(f"/saker/{recno}", status_code=303)

    async def search(self, request: Request, saksnummer: str = "", tittel: str = "", ekstern_id: str = "",
                     ekstern_id_type: str = "", sakspart: str = "", sakstype: str = "") -> Response:
        if not self.user(request):
            return self.to_login(request)
        q = {"saksnummer": saksnummer, "tittel": tittel, "ekstern_id": ekstern_id, "ekstern_id_type": ekstern_id_type,
             "sakspart": sakspart, "sakstype": sakstype}
        searched = any(q.values())

        def run(s: ArchiveService) -> tuple:
            found = s.find_cases({"CaseNumber": saksnummer, "Title": tittel,
                                  "ExternalId": {"Id": ekstern_id, "Type": ekstern_id_type},
                                  "ContactReferenceNumber": sakspart, "CaseType": sakstype,
                                  "MaxReturnedCases": 100}) if searched else ([], 0)
            return found, self._codes(s)
        (cases, total), codes = await run_in_threadpool(self._run, run)
        return self.page(request, "search.html", q=q, searched=searched, cases=cases, total=total, codes=codes)

    async def _contact_form(self, request: Request, template: str) -> Response:
        if not self.user(request):
            return self.to_login(request)
        return self.page(request, template, values={}, problems=[], message=request.session.pop("message", None))

    async def _save_contact(self, request: Request, template: str, saved: str,
                            synchronize: Callable[[Any, dict[str, str]], Any]) -> Response:
        """The contact forms: create the contact, or update the one with this number; problems shown."""
        if not self.user(request):
            return self.to_login(request)
        values = {k: str(v) for k, v in (await request.form()).items()}
        try:
            contact = await run_in_threadpool(self._run, lambda s: synchronize(s, values))
        except Refused as refused:
            return self.page(request, template, 422, values=values, problems=refused.problems)
        request.session["message"] = {"text": f"{saved} er lagret (recno {contact.recno})"}
        return RedirectResponse(f"{request.url.path}?lagret={contact.recno}", status_code=303)

    async def new_person_form(self, request: Request) -> Response:
        return await self._contact_form(request, "new_person.html")

    async def new_person(self, request: Request) -> Response:
        """Ny kontakt (privatperson): creates the person, or updates the one with this fødselsnummer."""
        return await self._save_contact(request, "new_person.html", "Kontakten", lambda s, v: s.synchronize_person({
            "FirstName": v.get("FirstName"), "LastName": v.get("LastName"),
            "PersonalIdNumber": v.get("PersonalIdNumber", "").strip(),
            "PrivateAddress": {"StreetAddress": v.get("Address")}}))

    async def new_enterprise_form(self, request: Request) -> Response:
        return await self._contact_form(request, "new_enterprise.html")

    async def new_enterprise(self, request: Request) -> Response:
        """Ny virksomhet: creates the enterprise, or updates the one with this organisasjonsnummer."""
        return await self._save_contact(request, "new_enterprise.html", "Virksomheten", lambda s, v: (
            s.synchronize_enterprise({"Name": v.get("Name"),
                                      "EnterpriseNumber": v.get("EnterpriseNumber", "").strip()})))
