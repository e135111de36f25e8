"""The school-admin simulator's FastAPI application."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from saksrobot.settings import SimulatorSettings
from saksrobot.simulators.common import oslo_now, simulator_app
from saksrobot.simulators.schooladmin import db
from saksrobot.simulators.schooladmin.api import make_router
from saksrobot.simulators.schooladmin.seed import seed
from saksrobot.simulators.schooladmin.ui import Ui


def create_app(settings: SimulatorSettings, database_url: str, api_key: str, password: str,
               clock: Callable[[], datetime] = oslo_now) -> FastAPI:
    """The simulator: JSON API + web UI on one database, seeded when empty."""
    app, faults, sessions = simulator_app(
        title="Skoleadministrasjon-simulator (Public Oppvekst-stil)", cookie="oppvekst", settings=settings,
        api_key=api_key, engine=db.make_engine(database_url), base=db.Base, seed=lambda s: seed(s, clock()),
        is_seeded=lambda s: s.query(db.Unit).first() is not None)
    app.include_router(make_router(sessions, api_key, clock))
    app.include_router(Ui(sessions, password, lambda: faults.settings, clock).router())
    return app
