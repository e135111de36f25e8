"""``saksrobot serve``: the scheduler and the control room in one process."""

from __future__ import annotations

import logging

import uvicorn

from saksrobot.database import make_engine
from saksrobot.scheduler import SchedulerService
from saksrobot.settings import Settings
from saksrobot.web.app import create_app
from saksrobot.web.users import UserStore

log = logging.getLogger(__name__)


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Start the scheduler, then serve the control room until Ctrl+C (or SIGTERM)."""
    engine = make_engine(settings.sqlite_ready(settings.database.url))
    if UserStore(engine).count() == 0:
        log.warning("No users yet: create the first admin with `saksrobot user add NAVN --role admin`")
    service = SchedulerService(settings, engine)
    service.start()
    try:
        uvicorn.run(create_app(settings, engine, service), host=host or settings.web.host,
                    port=port if port is not None else settings.web.port, log_config=None)  # our masked logging
    finally:
        service.shutdown()
