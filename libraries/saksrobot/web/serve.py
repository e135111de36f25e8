"""``saksrobot serve``: the scheduler and the control room in one process."""

from __future__ import annotations

import logging
from typing import Any

import uvicorn

from saksrobot.database import make_engine
from saksrobot.scheduler import SchedulerService
from saksrobot.settings import Settings
from saksrobot.web.app import create_app
from saksrobot.web.users import UserStore

log = logging.getLogger(__name__)


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy options: forwarded headers are read only from ``web.trusted_proxies`` (uvicorn
    would otherwise believe any from 127.0.0.1, and a log-in throttle per address is then bypassed
    by a header; behind one proxy without this, all users share the proxy's address)."""
    proxies = settings.web.trusted_proxies
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or None}


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Start the scheduler, then serve the control room until Ctrl+C (or SIGTERM)."""
    engine = make_engine(settings.sqlite_ready(settings.database.url))
    if UserStore(engine).count() == 0:
        log.warning("No users yet: create the first admin with `saksrobot user add NAVN --role admin`")
    service = SchedulerService(settings, engine)
    service.start()
    try:
        uvicorn.run(create_app(settings, engine, service), host=host or settings.web.host,
                    port=port if port is not None else settings.web.port, log_config=None,  # our masked logging
                    **proxy_options(settings))
    finally:
        service.shutdown()
