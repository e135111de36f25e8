"""The archive simulator's FastAPI application."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from saksrobot.settings import SimulatorSettings
from saksrobot.simulators.archive import db
from saksrobot.simulators.archive.api import make_router
from saksrobot.simulators.archive.seed import seed
from saksrobot.simulators.archive.ui import Ui
from saksrobot.simulators.common import oslo_now, simulator_app


def create_app(settings: SimulatorSettings, database_url: str, api_key: str, password: str,
               clock: Callable[[], datetime] = oslo_now) -> FastAPI:
    """The simulator: SIF API + web UI on one database, seeded when empty."""
    app, faults, sessions = simulator_app(
        title="Sak/arkiv-simulator (Public 360-stil)", cookie="sak360", settings=settings, api_key=api_key,
        engine=db.make_engine(database_url), base=db.Base, seed=lambda s: seed(s, clock()),
        is_seeded=lambda s: s.query(db.Code).first() is not None)
    app.include_router(make_router(sessions, api_key, settings.client_id, clock))
    app.include_router(Ui(sessions, password, lambda: faults.settings, clock).router())
    return app
