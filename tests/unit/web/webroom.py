"""Helpers of the control-room tests: the control room in process (a real app over a SQLite file and
a started scheduler service whose runner only records its calls), users of each role, and
TestClients that log in through the log-in form, CSRF token and all."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from saksrobot.runner import lock
from saksrobot.scheduler import SchedulerService, parse_spec
from saksrobot.settings import Settings
from saksrobot.web.users import Role, UserStore
from saksrobot.workitems import WorkItem, WorkItemStore

PASSWORD = "et-langt-passord-2026"
USERS = {"ola": Role.OPERATOR, "mona": Role.MANAGER, "ada": Role.ADMIN}  # username → role
ROBOT = "archive_cases"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found[1]


class Recorder:
    """Stands in for ``run_robot``: notes every call."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.called = threading.Event()

    def __call__(self, settings: Settings, robot: str, **kwargs: Any) -> None:
        self.calls.append({"robot": robot, **kwargs})
        self.called.set()


@dataclass
class Room:
    settings: Settings
    engine: Engine
    service: SchedulerService
    app: FastAPI
    runner: Recorder
    tmp_path: Path
    clients: list[TestClient] = field(default_factory=list)

    @property
    def users(self) -> UserStore:
        return UserStore(self.engine)

    @property
    def items(self) -> WorkItemStore:
        return WorkItemStore(self.engine)

    def client(self, address: str = "testclient") -> TestClient:
        """A client that is not logged in (no redirects followed)."""
        client = TestClient(self.app, follow_redirects=False, client=(address, 50000))
        self.clients.append(client)
        return client

    def log_in(self, client: TestClient, username: str, password: str = PASSWORD, neste: str = "/") -> Any:
        """Log in through the form as a browser does: GET the page, POST the form with its token."""
        page = client.get("/logg-inn", params={"neste": neste})
        assert page.status_code == 200
        return client.post("/logg-inn", data={"username": username, "password": password,
                                              "csrf_token": csrf_of(page.text), "neste": neste})

    def as_user(self, username: str, address: str = "testclient") -> TestClient:
        client = self.client(address)
        response = self.log_in(client, username)
        assert response.status_code == 303, response.text
        return client

    def token(self, client: TestClient) -> str:
        """The CSRF token of a logged-in client's session (from the log-out form every page has)."""
        return csrf_of(client.get("/kjoringer").text)

    # --- data -------------------------------------------------------------------------------

    def schedule(self, **fields: Any) -> int:
        values = {"robot": ROBOT, "days": "hverdager", "times": "07:00"} | fields
        schedule = self.service.store.create(parse_spec([ROBOT, "invoices"], **values), "test")
        self.service.sync()
        return schedule.id

    def manual_item(self, key: str = "REQ-1", reason: str = "Fant ikke kontaktpersonen i arkivet",
                    process: str = ROBOT) -> WorkItem:
        store = self.items
        store.add(process, key, {"title": "Søknad"})
        reserved = store.reserve(process)
        assert reserved is not None and reserved.key == key
        return store.hand_over(reserved, "unknown_contact", reason)


def hold_robot(engine: Engine, robot: str = ROBOT, run_id: str = "held-run") -> None:
    """Take the robot's lock as a run in progress would."""
    lock.acquire(engine, robot, run_id, timedelta(minutes=5))


def release_robot(engine: Engine, robot: str = ROBOT, run_id: str = "held-run") -> None:
    lock.release(engine, robot, run_id)
