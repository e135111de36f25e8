"""Fixtures shared by the test rooms."""

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from postgres import new_postgres_database
from saksrobot.demo.corpus import official_artefacts
from saksrobot.settings import load_settings
from saksrobot.simulators import databases_in, running_simulators

# The invoice robot validates with the official release beside the shared corpus (in the tests and in
# the robots they start); where it is not installed, with saksrobot's own checks (its tests skip).
if (OFFICIAL := official_artefacts()) is not None:
    os.environ.setdefault("SAKSROBOT_INVOICES__VALIDATION_ARTEFACTS", str(OFFICIAL))
else:
    os.environ.setdefault("SAKSROBOT_INVOICES__VALIDATION", "builtin")


@pytest.fixture(scope="module")
def sims(tmp_path_factory):
    """The archive and school-admin simulators on free ports, each with its own SQLite database, for
    one test module."""
    folder = tmp_path_factory.mktemp("sim")
    settings = databases_in(load_settings(), folder)
    with running_simulators(settings, port=0) as s:
        yield s


@pytest.fixture(scope="session")
def _session_postgres() -> Iterator[str]:
    with new_postgres_database() as url:
        yield url


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """An empty PostgreSQL database for one test."""
    with new_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The same tests on SQLite (a file) and on PostgreSQL (the session's own database, emptied
    for each test; the code under test creates the schema as in production)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'saksrobot.db'}"
    url = request.getfixturevalue("_session_postgres")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url
