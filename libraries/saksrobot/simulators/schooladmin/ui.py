"""The web UI (Norwegian): login, start page, Henvisninger, Henvisning, Nye elever og barn,
Elev/barn and Søk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from saksrobot.settings import FaultSettings
from saksrobot.simulators.common import SimulatorUi, in_transaction
from saksrobot.simulators.schooladmin import db
from saksrobot.simulators.schooladmin.service import Refused, SchoolAdminService

TEMPLATES = Path(__file__).parent / "templates"
STATUS_TEXT = {"ny": "Ny", "behandlet": "Behandlet"}
KIND_TEXT = {"elev": "Elev", "barn": "Barn"}


def yes_no(value: bool) -> str:
    return "Ja" if value else "Nei"


def when(value: datetime | None) -> str:
    return value.strftime("%d.%m.%Y %H:%M") if value else ""


def referral_sections(r: db.Referral) -> list[tuple[str, list[tuple[str, str]]]]:
    """The referral page's label/value sections (headings Barnet, Henviser, Henvisningen)."""
    return [
        ("Barnet", [("Fornavn", r.child_first_name), ("Etternavn", r.child_last_name), ("Fødselsnummer", r.child_fnr),
                    ("Adresse", r.child_address or ""), ("Skole/barnehage", r.child_unit_name or ""),
                    ("Organisasjonsnummer", r.child_unit_orgnr or ""), ("Trinn/avdeling", r.child_grade or ""),
                    ("Morsmål", r.mother_tongue or ""), ("Behov for tolk", yes_no(r.interpreter_needed))]),
        ("Henviser", [("Type", r.referrer_kind), ("Navn", r.referrer_name),
                      ("Organisasjonsnummer", r.referrer_orgnr or ""),
                      ("Kontaktperson", r.referrer_contact_person or ""), ("Telefon", r.referrer_phone or "")]),
        ("Henvisningen", [("Id", r.id), ("Mottatt", when(r.received)), ("Type", r.referral_type),
                          ("Status", STATUS_TEXT.get(r.status, r.status)), ("Saksnummer", r.case_number or ""),
                          ("Årsak", r.reason_category), ("Beskrivelse", r.reason_text),
                          ("Ønskes vurdert", r.to_assess or ""), ("Tiltak som er prøvd", r.measures_tried or ""),
                          ("Behandlet", when(r.processed_at)), ("Behandlet av", r.processed_by or "")]),
    ]


def child_pairs(c: db.Child) -> list[tuple[str, str]]:
    return [("Id", c.id), ("Fornavn", c.first_name), ("Etternavn", c.last_name), ("Fødselsnummer", c.fnr),
            ("Adresse", c.address or ""), ("Type", KIND_TEXT.get(c.kind, c.kind)), ("Skole/barnehage", c.unit.name),
            ("Organisasjonsnummer", c.unit.orgnr), ("Tilgangsgruppe", c.unit.access_group),
            ("Trinn/avdeling", c.grade), ("Innmeldt", c.enrolled.strftime("%d.%m.%Y")),
            ("Mappe", c.folder_case_number or "")]


class Ui(SimulatorUi):
    """The UI routes over one database, with the faults read at each request."""

    def __init__(self, sessions: Callable[[], Any], password: str, faults: Callable[[], FaultSettings],
                 clock: Callable[[], datetime]) -> None:
        super().__init__(TEMPLATES, sessions, password, faults, clock,
                         is_user=lambda session, name: session.get(db.User, name) is not None)
        self.templates.env.globals.update(status_text=STATUS_TEXT, kind_text=KIND_TEXT, when=when)

    def _run(self, work: Callable[[SchoolAdminService], Any]) -> Any:
        return in_transaction(self.sessions, SchoolAdminService, work)

    async def run(self, work: Callable[[SchoolAdminService], Any]) -> Any:
        return await run_in_threadpool(self._run, work)

    def not_found(self, request: Request, refused: Refused) -> Response:
        return self.page(request, "error.html", 404, heading="Fant ikke siden", text=refused.message)

    # -- routes --------------------------------------------------------------------------------
    def router(self) -> APIRouter:
        router = APIRouter()
        self.add_login_routes(router)
        router.add_api_route("/", self.start, methods=["GET"])
        router.add_api_route("/henvisninger", self.referrals, methods=["GET"])
        router.add_api_route("/henvisninger/{referral_id}", self.referral_page, methods=["GET"])
        router.add_api_route("/henvisninger/{referral_id}", self.process, methods=["POST"])
        router.add_api_route("/henvisninger/{referral_id}/vedlegg/{n}", self.attachment, methods=["GET"])
        router.add_api_route("/barn", self.children, methods=["GET"])
        router.add_api_route("/barn/{child_id}", self.child_page, methods=["GET"])
        router.add_api_route("/barn/{child_id}", self.register_folder, methods=["POST"])
        router.add_api_route("/sok", self.search, methods=["GET"])
        return router

    async def start(self, request: Request) -> Response:
        if not self.user(request):
            return self.to_login(request)
        new, without = await self.run(lambda s: (len(s.referrals("ny")), len(s.children(without_folder=True))))
        return self.page(request, "start.html", new_referrals=new, without_folder=without)

    async def referrals(self, request: Request, status: str = "") -> Response:
        if not self.user(request):
            return self.to_login(request)
        status = status if status in STATUS_TEXT else ""
        found = await self.run(lambda s: s.referrals(status or None))
        return self.page(request, "referrals.html", referrals=found, selected=status)

    async def _referral(self, request: Request, referral_id: str, status: int = 200, **context: Any) -> Response:
        try:
            referral = await self.run(lambda s: s.referral(referral_id))
        except Refused as refused:
            return self.not_found(request, refused)
        return self.page(request, "referral.html", status, r=referral, sections=referral_sections(referral),
                         message=request.session.pop("message", None), **context)

    async def referral_page(self, request: Request, referral_id: str) -> Response:
        if not self.user(request):
            return self.to_login(request)
        return await self._referral(request, referral_id)

    async def process(self, request: Request, referral_id: str) -> Response:
        user = self.user(request)
        if not user:
            return self.to_login(request)
        value = str((await request.form()).get("saksnummer", ""))
        try:
            referral = await self.run(lambda s: s.mark_processed(referral_id, value, user, self.clock()))
        except Refused as refused:
            if refused.status == 404:
                return self.not_found(request, refused)
            return await self._referral(request, referral_id, refused.status, error=refused.message, value=value)
        request.session["message"] = f"Henvisningen er markert som behandlet med saksnummer {referral.case_number}"
        return RedirectResponse(f"/henvisninger/{referral_id}", status_code=303)

    async def attachment(self, request: Request, referral_id: str, n: str) -> Response:
        if not self.user(request):
            return self.to_login(request)
        try:
            a = await self.run(lambda s: s.attachment(referral_id, int(n) if n.isdigit() else 0))
        except Refused as refused:
            return self.not_found(request, refused)
        return Response(a.data, media_type=a.mime,
                        headers={"Content-Disposition": f'attachment; filename="{a.filename}"'})

    async def children(self, request: Request, uten_mappe: str = "") -> Response:
        if not self.user(request):
            return self.to_login(request)
        without = uten_mappe not in ("", "0")
        found = await self.run(lambda s: s.children(without_folder=without))
        return self.page(request, "children.html", children=found, without_folder=without)

    async def _child(self, request: Request, child_id: str, status: int = 200, **context: Any) -> Response:
        try:
            child = await self.run(lambda s: s.child(child_id))
        except Refused as refused:
            return self.not_found(request, refused)
        return self.page(request, "child.html", status, c=child, pairs=child_pairs(child),
                         message=request.session.pop("message", None), **context)

    async def child_page(self, request: Request, child_id: str) -> Response:
        if not self.user(request):
            return self.to_login(request)
        return await self._child(request, child_id)

    async def register_folder(self, request: Request, child_id: str) -> Response:
        if not self.user(request):
            return self.to_login(request)
        value = str((await request.form()).get("saksnummer", ""))
        try:
            child = await self.run(lambda s: s.register_folder(child_id, value))
        except Refused as refused:
            if refused.status == 404:
                return self.not_found(request, refused)
            return await self._child(request, child_id, refused.status, error=refused.message, value=value)
        request.session["message"] = f"Mappe registrert: {child.folder_case_number}"
        return RedirectResponse(f"/barn/{child_id}", status_code=303)

    async def search(self, request: Request, q: str = "") -> Response:
        if not self.user(request):
            return self.to_login(request)
        children, referrals = await self.run(lambda s: s.search(q))
        return self.page(request, "search.html", q=q, searched=bool(q.strip()), children=children,
                         referrals=referrals)
