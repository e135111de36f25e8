"""Fixtures shared by the test rooms."""

import os

import pytest
from sqlalchemy import create_engine, text

from saksrobot.database import Base, make_engine
from saksrobot.settings import load_settings
from saksrobot.simulators import running_simulators


@pytest.fixture(scope="module")
def sims(tmp_path_factory):
    """The archive and school-admin simulators on free ports, each with its own SQLite database, for
    one test module."""
    folder = tmp_path_factory.mktemp("sim")
    settings = load_settings(simulators={"archive_database_url": f"sqlite:///{folder / 'archive.db'}",
                                         "schooladmin_database_url": f"sqlite:///{folder / 'schooladmin.db'}"})
    with running_simulators(settings, port=0) as s:
        yield s

POSTGRES_URL = os.environ.get("SAKSROBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reachable() -> bool:
    try:
        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("select 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means: no server here
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The same tests on SQLite (a file) and on PostgreSQL (local server, tables made anew)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'saksrobot.db'}"
    if not _postgres_reachable():
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    engine = make_engine(POSTGRES_URL)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    return POSTGRES_URL
