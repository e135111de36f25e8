"""Fixtures shared by the test rooms."""

import pytest

from saksrobot.settings import load_settings
from saksrobot.simulators import running_simulators


@pytest.fixture(scope="module")
def sims(tmp_path_factory):
    """The archive simulator on a free port with its own SQLite database, for one test module."""
    db = tmp_path_factory.mktemp("sim") / "archive.db"
    with running_simulators(load_settings(simulators={"archive_database_url": f"sqlite:///{db}"}), port=0) as s:
        yield s
