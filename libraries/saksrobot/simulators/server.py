"""Starting the simulators: in the foreground (``saksrobot sim``) or in a background thread
(tests and the demo)."""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from saksrobot.errors import ApplicationError
from saksrobot.privacy import install_log_mask
from saksrobot.settings import Settings
from saksrobot.simulators.archive.app import create_app as create_archive
from saksrobot.simulators.schooladmin.app import create_app as create_schooladmin

log = logging.getLogger(__name__)


def databases_in(settings: Settings, folder: Path) -> Settings:
    """``settings`` with both simulators' databases in ``folder`` (``archive-sim.db``,
    ``schooladmin-sim.db``): a demo's or a test's own, apart from the configured ones."""
    return settings.model_copy(update={"simulators": settings.simulators.model_copy(update={
        "archive_database_url": f"sqlite:///{folder / 'archive-sim.db'}",
        "schooladmin_database_url": f"sqlite:///{folder / 'schooladmin-sim.db'}"})})


@dataclass(frozen=True)
class RunningSimulators:
    archive_url: str
    api_key: str
    password: str
    schooladmin_url: str
    client_id: str = "saksrobot"  # the archive's SIF clientid
    archive_database_url: str = ""  # (for tests that look behind the APIs, e.g. at what they do not answer)
    schooladmin_database_url: str = ""

    @property
    def archive_headers(self) -> dict[str, str]:
        """The headers of an archive API call (``Authorization`` and ``clientid``)."""
        return {"Authorization": f"authkey {self.api_key}", "clientid": self.client_id}


def _credentials(settings: Settings) -> tuple[str, str]:
    sim = settings.simulators
    api_key = sim.api_key.get_secret_value() if sim.api_key else secrets.token_urlsafe(24)
    password = sim.password.get_secret_value() if sim.password else secrets.token_urlsafe(12)
    return api_key, password


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _servers(settings: Settings, ports: tuple[int, int], api_key: str, password: str) -> list[uvicorn.Server]:
    """The archive and the school-admin simulator, in that order."""
    sim = settings.simulators
    apps = (create_archive(sim, settings.sqlite_ready(sim.archive_database_url), api_key, password),
            create_schooladmin(sim, settings.sqlite_ready(sim.schooladmin_database_url), api_key, password))
    return [uvicorn.Server(uvicorn.Config(app, host=sim.host, port=port, log_config=None, access_log=False,
                                          log_level="warning")) for app, port in zip(apps, ports, strict=True)]


def wait_healthy(url: str, alive: Callable[[], bool], name: str, deadline: float) -> None:
    """Until the simulator at ``url`` answers its health check; :class:`ApplicationError` when what
    runs it has stopped (``alive``) or ``deadline`` (``time.monotonic()``) has passed."""
    while True:
        try:
            if httpx.get(f"{url}/_sim/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if not alive() or time.monotonic() > deadline:
            raise ApplicationError(f"The {name} simulator did not start on {url} (port in use?)")
        time.sleep(0.05)


def _ports(settings: Settings, port: int | None) -> tuple[int, int]:
    """(archive, school-admin): free ports for ``port=0``, else the configured ones (``port``
    overrides the archive's)."""
    sim = settings.simulators
    if port == 0:
        archive = _free_port(sim.host)
        schooladmin = _free_port(sim.host)
        while schooladmin == archive:
            schooladmin = _free_port(sim.host)
        return archive, schooladmin
    return (sim.archive_port if port is None else port), sim.schooladmin_port


@contextmanager
def running_simulators(settings: Settings, port: int | None = None) -> Iterator[RunningSimulators]:
    """Run the archive and school-admin simulators in background threads; ``port=0`` picks free
    ports for both."""
    host = settings.simulators.host
    api_key, password = _credentials(settings)
    ports = _ports(settings, port)
    servers = _servers(settings, ports, api_key, password)
    names = ("archive", "school-admin")
    threads = [threading.Thread(target=server.run, name=f"{name}-simulator", daemon=True)
               for server, name in zip(servers, names, strict=True)]
    urls = [f"http://{host}:{p}" for p in ports]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        for url, thread, name in zip(urls, threads, names, strict=True):
            wait_healthy(url, thread.is_alive, name, deadline)
        yield RunningSimulators(archive_url=urls[0], api_key=api_key, password=password, schooladmin_url=urls[1],
                                client_id=settings.simulators.client_id,
                                archive_database_url=settings.sqlite_ready(settings.simulators.archive_database_url),
                                schooladmin_database_url=settings.sqlite_ready(
                                    settings.simulators.schooladmin_database_url))
    finally:
        for server in servers:
            server.should_exit = True
        for thread in threads:
            if thread.is_alive():
                thread.join(timeout=10)


def serve_forever(settings: Settings) -> None:
    """Run both simulators in the foreground until Ctrl+C (the school-admin one in a thread)."""
    install_log_mask(settings.logging.level)
    api_key, password = _credentials(settings)
    sim = settings.simulators
    archive_url = f"http://{sim.host}:{sim.archive_port}"
    schooladmin_url = f"http://{sim.host}:{sim.schooladmin_port}"
    print(f"Archive simulator (Public 360 style): {archive_url}   (API docs: {archive_url}/_sim/docs)")
    print(f"  Database: {settings.sqlite_ready(sim.archive_database_url)}")
    print("  Users: robot, arkivar")
    print(f"School-admin simulator (Public Oppvekst style): {schooladmin_url}   "
          f"(API docs: {schooladmin_url}/_sim/docs)")
    print(f"  Database: {settings.sqlite_ready(sim.schooladmin_database_url)}")
    print("  Users: robot, saksbehandler")
    if sim.api_key is None or sim.password is None:
        print("Generated credentials for this run (set SAKSROBOT_SIMULATORS__API_KEY/__PASSWORD to fix them):")
        for system in ("ARCHIVE", "SCHOOLADMIN"):
            print(f"  export SAKSROBOT_{system}__API_KEY={api_key}")
            print(f"  export SAKSROBOT_{system}__PASSWORD={password}")
    archive, schooladmin = _servers(settings, (sim.archive_port, sim.schooladmin_port), api_key, password)
    thread = threading.Thread(target=schooladmin.run, name="school-admin-simulator", daemon=True)
    thread.start()
    try:
        archive.run()
    finally:
        schooladmin.should_exit = True
        thread.join(timeout=10)
