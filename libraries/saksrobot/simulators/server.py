"""Starting the simulators: in the foreground (``saksrobot sim``) or in a background thread
(tests and the demo)."""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import uvicorn

from saksrobot.errors import ApplicationError
from saksrobot.privacy import install_log_mask
from saksrobot.settings import Settings
from saksrobot.simulators.archive.app import create_app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunningSimulators:
    archive_url: str
    api_key: str
    password: str


def _credentials(settings: Settings) -> tuple[str, str]:
    sim = settings.simulators
    api_key = sim.api_key.get_secret_value() if sim.api_key else secrets.token_urlsafe(24)
    password = sim.password.get_secret_value() if sim.password else secrets.token_urlsafe(12)
    return api_key, password


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _server(settings: Settings, port: int, api_key: str, password: str) -> uvicorn.Server:
    sim = settings.simulators
    app = create_app(sim, settings.sqlite_ready(sim.archive_database_url), api_key, password)
    config = uvicorn.Config(app, host=sim.host, port=port, log_config=None, access_log=False,
                            log_level="warning")
    return uvicorn.Server(config)


@contextmanager
def running_simulators(settings: Settings, port: int | None = None) -> Iterator[RunningSimulators]:
    """Run the archive simulator in a background thread; ``port=0`` picks a free port."""
    host = settings.simulators.host
    port = settings.simulators.archive_port if port is None else port or _free_port(host)
    api_key, password = _credentials(settings)
    server = _server(settings, port, api_key, password)
    thread = threading.Thread(target=server.run, name="archive-simulator", daemon=True)
    thread.start()
    url = f"http://{host}:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{url}/_sim/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if not thread.is_alive() or time.monotonic() > deadline:
            raise ApplicationError(f"The archive simulator did not start on {url} (port in use?)")
        time.sleep(0.05)
    try:
        yield RunningSimulators(archive_url=url, api_key=api_key, password=password)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def serve_forever(settings: Settings) -> None:
    """Run the archive simulator in the foreground until Ctrl+C."""
    install_log_mask(settings.logging.level)
    api_key, password = _credentials(settings)
    sim = settings.simulators
    url = f"http://{sim.host}:{sim.archive_port}"
    print(f"Archive simulator (Public 360 style): {url}   (API docs: {url}/_sim/docs)")
    print(f"Database: {settings.sqlite_ready(sim.archive_database_url)}")
    print("Users: robot, arkivar")
    if sim.api_key is None or sim.password is None:
        print("Generated credentials for this run (set SAKSROBOT_SIMULATORS__API_KEY/__PASSWORD to fix them):")
        print(f"  export SAKSROBOT_ARCHIVE__API_KEY={api_key}")
        print(f"  export SAKSROBOT_ARCHIVE__PASSWORD={password}")
    _server(settings, sim.archive_port, api_key, password).run()
