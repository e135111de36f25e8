"""The local PostgreSQL server of the tests: every test that needs it gets a database of its own."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, make_url, text

POSTGRES_URL = os.environ.get("SAKSROBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reachable() -> bool:
    try:
        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("select 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means: no server here
        return False


@contextmanager
def new_postgres_database() -> Iterator[str]:
    """A database of our own on the local server (``POSTGRES_URL`` names the server), dropped after."""
    if not _postgres_reachable():
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    name = f"saksrobot_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
