"""Fixtures of the alert tests: a real SQLite database, settings with alerts on, users of each role
with addresses, and an outbox (the helpers are in ``alertroom``)."""

from __future__ import annotations

import pytest
from alertroom import ADDRESSES, Outbox, alert_settings
from argon2 import PasswordHasher

from saksrobot.database import make_engine
from saksrobot.settings import Settings
from saksrobot.web import users as users_module
from saksrobot.web.users import Role, UserStore


@pytest.fixture
def settings(tmp_path) -> Settings:
    return alert_settings(tmp_path)


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'saksrobot.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def users(engine, monkeypatch) -> UserStore:
    """ola (operator), mona (manager), ada (admin) with addresses; per (operator, no longer active) and
    uten (operator, no address) get nothing."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users_module, "_hasher", cheap)
    store = UserStore(engine)
    for name, role in (("ola", Role.OPERATOR), ("mona", Role.MANAGER), ("ada", Role.ADMIN), ("per", Role.OPERATOR),
                       ("uten", Role.OPERATOR)):
        store.add(name, "et-langt-passord-2026", role)
        if name != "uten":
            store.set_email(name, ADDRESSES.get(name, f"{name}@kommune.no"))
    store.set_active("per", False)
    return store


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()
