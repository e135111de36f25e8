import subprocess
import sys

import pytest

from saksrobot.database import make_engine


@pytest.fixture
def engine(database_url):
    return make_engine(database_url)


@pytest.fixture
def dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid
