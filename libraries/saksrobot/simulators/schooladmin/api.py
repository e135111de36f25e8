"""The JSON API under ``/api/v1`` (header ``Authorization: authkey <key>`` or ``?authkey=``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from saksrobot.simulators.common import authorized, in_transaction
from saksrobot.simulators.schooladmin.service import (
    Refused,
    SchoolAdminService,
    child_json,
    referral_json,
    referral_summary,
    unit_json,
)

PREFIX = "/api/v1"
API_USER = "api"  # processed_by of referrals processed through the API
_TRUE, _FALSE = ("true", "1", "yes", "ja"), ("false", "0", "no", "nei", "")


def _flag(value: str) -> bool:
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise Refused(422, f"Ugyldig verdi «{value}» for without_folder (true eller false)")


async def _case_number(request: Request) -> Any:
    """The body's ``case_number``, or None when the body is not a JSON object (the service's check
    then answers 422, after the key and the id are checked)."""
    try:
        body = await request.json()
    except ValueError:
        return None
    return body.get("case_number") if isinstance(body, dict) else None


def make_router(sessions: Callable[[], Any], api_key: str, clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter(prefix=PREFIX)

    def execute(work: Callable[[SchoolAdminService], Any]) -> Any:
        return in_transaction(sessions, SchoolAdminService, work)

    async def answer(request: Request, work: Callable[[SchoolAdminService], Any]) -> Response:
        if not authorized(request, api_key):
            return JSONResponse({"detail": "Ugyldig eller manglende authkey"}, status_code=401)
        try:
            result = await run_in_threadpool(execute, work)
        except Refused as refused:
            return JSONResponse({"detail": refused.message}, status_code=refused.status)
        return result if isinstance(result, Response) else JSONResponse(result)

    @router.get("/units")
    async def units(request: Request) -> Response:
        return await answer(request, lambda s: [unit_json(u) for u in s.units()])

    @router.get("/children")
    async def children(request: Request, without_folder: str = "", kind: str = "", fnr: str = "") -> Response:
        return await answer(request, lambda s: [child_json(c) for c in s.children(
            without_folder=_flag(without_folder), kind=kind or None, fnr=fnr or None)])

    @router.get("/children/{child_id}")
    async def child(request: Request, child_id: str) -> Response:
        return await answer(request, lambda s: child_json(s.child(child_id)))

    @router.put("/children/{child_id}/folder")
    async def folder(request: Request, child_id: str) -> Response:
        number = await _case_number(request)
        return await answer(request, lambda s: child_json(s.register_folder(child_id, number)))

    @router.get("/referrals")
    async def referrals(request: Request, status: str = "") -> Response:
        return await answer(request, lambda s: [referral_summary(r) for r in s.referrals(status or None)])

    @router.get("/referrals/{referral_id}")
    async def referral(request: Request, referral_id: str) -> Response:
        return await answer(request, lambda s: referral_json(s.referral(referral_id)))

    @router.get("/referrals/{referral_id}/attachments/{n}")
    async def attachment(request: Request, referral_id: str, n: str) -> Response:
        def load(s: SchoolAdminService) -> Response:
            a = s.attachment(referral_id, int(n) if n.isdigit() else 0)
            return Response(a.data, media_type=a.mime,
                            headers={"Content-Disposition": f'attachment; filename="{a.filename}"'})
        return await answer(request, load)

    @router.post("/referrals/{referral_id}/processed")
    async def processed(request: Request, referral_id: str) -> Response:
        number = await _case_number(request)
        return await answer(request, lambda s: referral_json(s.mark_processed(referral_id, number, API_USER,
                                                                                clock())))

    return router
