"""Fault injection: added latency and a share of HTTP 500 answers (session expiry and renamed
labels live in the UI, which reads the same settings)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp

from saksrobot.settings import FaultSettings

EXEMPT = ("/_sim/", "/login", "/logout")


class Faults:
    """The faults in force; replaced at run time by ``POST /_sim/faults``."""

    def __init__(self, settings: FaultSettings) -> None:
        self.set(settings)

    def set(self, settings: FaultSettings) -> None:
        self.settings = settings
        self.random = random.Random(settings.seed)

    def fails(self) -> bool:
        rate = self.settings.error_rate
        return rate > 0 and self.random.random() < rate


class FaultMiddleware(BaseHTTPMiddleware):
    """Delays every request and fails a share of writes (POST and PUT: API calls and UI form
    posts) with HTTP 500, before anything is written."""

    def __init__(self, app: ASGIApp, faults: Callable[[], Faults]) -> None:
        super().__init__(app)
        self.faults = faults

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        faults = self.faults()
        path = request.url.path
        if path.startswith(EXEMPT):
            return await call_next(request)
        if faults.settings.latency_ms:
            await asyncio.sleep(faults.settings.latency_ms / 1000)
        if request.method in ("POST", "PUT") and faults.fails():
            if path.startswith("/Biz/"):
                return JSONResponse({"Message": "Intern serverfeil"}, status_code=500)
            if path.startswith("/api/"):
                return JSONResponse({"detail": "Intern serverfeil"}, status_code=500)
            return HTMLResponse("<!doctype html><html lang='nb'><title>Intern serverfeil</title>"
                                "<h1>Intern serverfeil</h1><p>Prøv igjen senere.</p></html>", status_code=500)
        return await call_next(request)
