"""Both simulators reset to their seed data, and api clients for them."""

import httpx
import pytest

from saksrobot.archive import open_archive
from saksrobot.database import make_engine
from saksrobot.schooladmin import open_school_admin
from saksrobot.settings import Backend, load_settings
from saksrobot.workitems import WorkItemStore


@pytest.fixture
def settings(sims):
    for url in (sims.archive_url, sims.schooladmin_url):
        httpx.post(f"{url}/_sim/reset", headers={"Authorization": f"authkey {sims.api_key}"}).raise_for_status()
    return load_settings(
        archive={"base_url": sims.archive_url, "api_key": sims.api_key, "password": sims.password, "retries": 0},
        schooladmin={"base_url": sims.schooladmin_url, "api_key": sims.api_key, "password": sims.password,
                     "retries": 0})


@pytest.fixture
def archive(settings):
    with open_archive(settings, Backend.API) as archive:
        yield archive


@pytest.fixture
def school(settings):
    with open_school_admin(settings, Backend.API) as school:
        yield school


@pytest.fixture
def store(tmp_path):
    return WorkItemStore(make_engine(f"sqlite:///{tmp_path / 'saksrobot.db'}"))
