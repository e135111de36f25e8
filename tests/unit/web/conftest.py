"""Fixtures of the control-room tests (the helpers are in ``webroom``)."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from webroom import PASSWORD, USERS, Recorder, Room

from saksrobot.database import make_engine
from saksrobot.scheduler import SchedulerService
from saksrobot.settings import load_settings
from saksrobot.web import users as users_module
from saksrobot.web.app import create_app


@pytest.fixture
def fast_hashing(monkeypatch):
    """Argon2id with the smallest cost, so that the many log-ins of these tests stay quick (one test
    in test_users checks the production parameters)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users_module, "_hasher", cheap)
    dummy = cheap.hash("no user has this password")
    monkeypatch.setattr(users_module, "_dummy", lambda: dummy)
    return cheap


@pytest.fixture
def make_room(tmp_path, fast_hashing):
    """``make_room(**settings overrides)``: the app, its scheduler started, the users of ``USERS``."""
    made: list[Room] = []

    def make(**overrides: Any) -> Room:
        assert not made, "one scheduler service per process: one room per test"
        settings = load_settings(**({"logs_dir": tmp_path / "logs", "scheduler": {"sync_seconds": 3600}} | overrides))
        engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
        runner = Recorder()
        service = SchedulerService(settings, engine, runner=runner)
        service.start()
        room = Room(settings, engine, service, create_app(settings, engine, service), runner, tmp_path)
        made.append(room)
        for username, role in USERS.items():
            room.users.add(username, PASSWORD, role, username.capitalize())
        return room

    yield make
    for room in made:
        for client in room.clients:
            client.close()
        room.service.shutdown()
        room.engine.dispose()


@pytest.fixture
def room(make_room) -> Room:
    return make_room()
