"""The school-admin simulator's FastAPI application."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware.sessions import SessionMiddleware

from saksrobot.settings import FaultSettings, SimulatorSettings
from saksrobot.simulators.archive.api import authorized
from saksrobot.simulators.archive.app import oslo_now
from saksrobot.simulators.archive.faults import FaultMiddleware, Faults
from saksrobot.simulators.schooladmin import db
from saksrobot.simulators.schooladmin.api import make_router
from saksrobot.simulators.schooladmin.seed import seed
from saksrobot.simulators.schooladmin.ui import Ui


def create_app(settings: SimulatorSettings, database_url: str, api_key: str, password: str,
               clock: Callable[[], datetime] = oslo_now) -> FastAPI:
    """The simulator: JSON API + web UI on one database, seeded when empty."""
    engine = db.make_engine(database_url)
    sessions = db.make_sessions(engine)

    def reset(drop: bool) -> None:
        if drop:
            db.Base.metadata.drop_all(engine)
            db.Base.metadata.create_all(engine)
        with sessions() as session:
            if session.query(db.Unit).first() is None:
                seed(session, clock())
                session.commit()

    reset(drop=False)
    faults = Faults(settings.faults)
    app = FastAPI(title="Skoleadministrasjon-simulator (Public Oppvekst-stil)", docs_url="/_sim/docs",
                  redoc_url=None, openapi_url="/_sim/openapi.json")
    app.add_middleware(FaultMiddleware, faults=lambda: faults)
    # Its own cookie name: browsers share cookies between ports of one host.
    app.add_middleware(SessionMiddleware, secret_key=secrets.token_urlsafe(32), session_cookie="oppvekst",
                       same_site="lax", https_only=False)
    app.include_router(make_router(sessions, api_key, clock))
    app.include_router(Ui(sessions, password, lambda: faults.settings, clock).router())

    @app.get("/_sim/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/_sim/reset")
    async def reset_database(request: Request) -> JSONResponse:
        if not authorized(request, api_key):
            return JSONResponse({"detail": "authkey"}, status_code=401)
        reset(drop=True)
        return JSONResponse({"status": "reset"})

    @app.post("/_sim/faults")
    async def set_faults(request: Request) -> JSONResponse:
        if not authorized(request, api_key):
            return JSONResponse({"detail": "authkey"}, status_code=401)
        changed = faults.settings.model_copy(update=await request.json())
        faults.set(FaultSettings.model_validate(changed.model_dump()))
        return JSONResponse(faults.settings.model_dump())

    app.state.engine = engine
    return app
