"""What both simulators share: the application frame (sessions, faults, ``/_sim/`` endpoints),
API-key checks, and the web UI's login with sessions that can expire."""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from saksrobot.settings import FaultSettings, SimulatorSettings
from saksrobot.simulators.faults import FaultMiddleware, Faults

OSLO = ZoneInfo("Europe/Oslo")
SHARED_TEMPLATES = Path(__file__).parent / "templates"


def oslo_now() -> datetime:
    return datetime.now(OSLO).replace(tzinfo=None, microsecond=0)


def authorized(request: Request, api_key: str) -> bool:
    """``Authorization: authkey KEY`` or ``?authkey=KEY``, compared in constant time."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("authkey "):
        given = header[len("authkey "):]
    else:
        given = request.query_params.get("authkey", "")
    return secrets.compare_digest(given.encode(), api_key.encode())


def in_transaction(sessions: Callable[[], Session], service: Callable[[Session], Any],
                   work: Callable[[Any], Any]) -> Any:
    """Run ``work`` on ``service`` over a fresh database session: committed when it returns,
    rolled back when it raises (a refusal writes nothing)."""
    with sessions() as session:
        try:
            result = work(service(session))
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return result


def simulator_app(*, title: str, cookie: str, settings: SimulatorSettings, api_key: str, engine: Engine,
                  base: type[DeclarativeBase], seed: Callable[[Session], None],
                  is_seeded: Callable[[Session], bool]) -> tuple[FastAPI, Faults, sessionmaker]:
    """A FastAPI app with fault injection, a session cookie of its own name (browsers share cookies
    across the ports of one host), ``/_sim/health``, ``/_sim/reset`` and ``/_sim/faults``; the
    database is seeded when empty. The caller adds its API and UI routers."""
    sessions = sessionmaker(engine, expire_on_commit=False)

    def reset(drop: bool) -> None:
        if drop:
            base.metadata.drop_all(engine)
            base.metadata.create_all(engine)
        with sessions() as session:
            if not is_seeded(session):
                seed(session)
                session.commit()

    reset(drop=False)
    calls: Counter[str] = Counter()
    faults = Faults(settings.faults)
    app = FastAPI(title=title, docs_url="/_sim/docs", redoc_url=None, openapi_url="/_sim/openapi.json")
    app.add_middleware(FaultMiddleware, faults=lambda: faults)
    app.add_middleware(SessionMiddleware, secret_key=secrets.token_urlsafe(32), session_cookie=cookie,
                       same_site="lax", https_only=False)
    app.add_middleware(_Counting, calls=calls)

    @app.get("/_sim/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/_sim/reset")
    async def reset_database(request: Request) -> JSONResponse:
        if not authorized(request, api_key):
            return JSONResponse({"detail": "authkey"}, status_code=401)
        reset(drop=True)
        calls.clear()
        return JSONResponse({"status": "reset"})

    @app.get("/_sim/calls")
    async def counted_calls(request: Request) -> JSONResponse:
        """Requests since start or reset, per method and path (``POST /Biz/.../CaseService/GetCases``)."""
        if not authorized(request, api_key):
            return JSONResponse({"detail": "authkey"}, status_code=401)
        return JSONResponse(dict(calls))

    @app.post("/_sim/faults")
    async def set_faults(request: Request) -> JSONResponse:
        if not authorized(request, api_key):
            return JSONResponse({"detail": "authkey"}, status_code=401)
        changed = faults.settings.model_copy(update=await request.json())
        faults.set(FaultSettings.model_validate(changed.model_dump()))
        return JSONResponse(faults.settings.model_dump())

    app.state.engine = engine
    return app, faults, sessions


class _Counting:
    """Counts the requests per method and path, for tests and benchmarks (``GET /_sim/calls``)."""

    def __init__(self, app: ASGIApp, calls: Counter[str]) -> None:
        self.app, self.calls = app, calls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/_sim/"):
            self.calls[f"{scope['method']} {scope['path']}"] += 1
        await self.app(scope, receive, send)


class SimulatorUi:
    """Base of the simulators' web UIs: templates (own folder, then the shared one) with renamed
    labels, login and logout, and sessions that expire after ``faults.session_timeout_minutes``."""

    def __init__(self, templates: Path, sessions: Callable[[], Any], password: str,
                 faults: Callable[[], FaultSettings], clock: Callable[[], datetime],
                 is_user: Callable[[Session, str], bool]) -> None:
        self.sessions, self.password, self.faults, self.clock = sessions, password, faults, clock
        self._is_user = is_user
        env = Environment(loader=ChoiceLoader([FileSystemLoader(templates), FileSystemLoader(SHARED_TEMPLATES)]),
                          autoescape=select_autoescape())
        env.globals["label"] = lambda text: self.faults().renamed_labels.get(text, text)
        self.templates = Jinja2Templates(env=env)

    def user(self, request: Request) -> str | None:
        """The logged-in user, or None; a session older than the fault's limit has expired."""
        user, since = request.session.get("user"), request.session.get("since", 0.0)
        timeout = self.faults().session_timeout_minutes
        if user and timeout and time.time() - since > timeout * 60:
            request.session.clear()
            request.session["expired"] = True
            return None
        return user

    def to_login(self, request: Request) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'neste': target}, safe='/')}", status_code=303)

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return self.templates.TemplateResponse(request, template, {"user": request.session.get("user"), **context},
                                               status_code=status)

    def add_login_routes(self, router: APIRouter) -> None:
        router.add_api_route("/login", self.login_form, methods=["GET"], response_class=HTMLResponse)
        router.add_api_route("/login", self.login, methods=["POST"])
        router.add_api_route("/logout", self.logout, methods=["GET"])

    async def login_form(self, request: Request, neste: str = "/") -> Response:
        expired = request.session.pop("expired", False)
        return self.page(request, "login.html", neste=neste, expired=expired)

    async def login(self, request: Request) -> Response:
        form = await request.form()
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        target = str(form.get("neste") or "/")

        def known() -> bool:
            with self.sessions() as session:
                return self._is_user(session, username)
        if not (await run_in_threadpool(known) and secrets.compare_digest(password.encode(), self.password.encode())):
            return self.page(request, "login.html", status=401, failed=True, neste=target, username=username)
        request.session.clear()
        request.session.update(user=username, since=time.time())
        local = target.startswith("/") and not target.startswith("//") and "\\" not in target
        return RedirectResponse(target if local else "/", status_code=303)

    async def logout(self, request: Request) -> Response:
        request.session.clear()
        return RedirectResponse("/login", status_code=303)
