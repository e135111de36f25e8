"""The control room served for a browser test: the app on a free port in a thread, the scheduler
service started, and a headless Chromium; all stopped again after."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from playwright.sync_api import sync_playwright
from sqlalchemy.engine import Engine

from saksrobot.browser import launch
from saksrobot.scheduler import SchedulerService
from saksrobot.settings import Settings
from saksrobot.web import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served_room(settings: Settings, engine: Engine, service: SchedulerService) -> Iterator[tuple[str, Any]]:
    """(base URL, browser) while the control room runs."""
    service.start()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, engine, service), host="127.0.0.1", port=port,
                                           log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with sync_playwright() as p:
            browser = launch(p, settings.browser)
            try:
                yield f"http://127.0.0.1:{port}", browser
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        service.shutdown()
