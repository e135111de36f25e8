"""An item's first attempt creates its case without the look-up by external id before it (nothing
can carry the id of an item never attempted). Not in a database's first run of the robot: its
items may have been tried under a database that was lost (tests/acceptance/test_crash_safety.py).
The run after a crash looks the crashed item up and makes no second case (test_crash_safety too).
archive_cases as a real subprocess against the archive simulator's API, which counts its calls."""

import httpx
import pytest

from saksrobot import sheets
from saksrobot.demo import robot_environment
from saksrobot.demo.sample import COLUMNS, sample_rows
from saksrobot.runner import RunStatus, run_robot
from saksrobot.settings import load_settings
from saksrobot.simulators.archive.seed import DEMO_ENTERPRISES, DEMO_PERSONS

SAMPLE = sample_rows(DEMO_PERSONS, DEMO_ENTERPRISES)  # 24 valid requests, then 8 invalid
SIF = "POST /Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC/CaseService/"


def archive_calls(sims) -> dict[str, int]:
    return httpx.get(f"{sims.archive_url}/_sim/calls", headers=sims.archive_headers).json()


@pytest.mark.parametrize("skip", [True, False], ids=["first-attempt-skips", "setting-off"])
def test_new_items_are_created_without_looking_up(skip, tmp_path, sims):
    httpx.post(f"{sims.archive_url}/_sim/reset", headers=sims.archive_headers)
    database = f"sqlite:///{tmp_path / 'saksrobot.db'}"
    settings = load_settings(logs_dir=tmp_path / "logs", database={"url": database})
    env = robot_environment(settings, sims, database_url=database, archive_backend="api")
    env["SAKSROBOT_WORKITEMS__SKIP_LOOKUP_ON_FIRST_ATTEMPT"] = str(skip).lower()

    def run(rows: list[dict]) -> dict[str, int]:
        before = archive_calls(sims)
        sheet = sheets.write_rows(tmp_path / "requests.xlsx", list(COLUMNS), rows)
        result = run_robot(settings, "archive_cases", variables={"REQUESTS": str(sheet)}, env=env, timeout=300)
        assert result.status is RunStatus.SUCCEEDED
        return {call: n - before.get(call, 0) for call, n in archive_calls(sims).items()}

    first = run(SAMPLE[:10])  # the database's first run: every create looked up
    assert first[SIF + "CreateCase"] == 10 and first[SIF + "GetCases"] == 10
    later = run(SAMPLE)  # 14 new valid requests (and 8 invalid, some refused by the archive)
    creates = later[SIF + "CreateCase"]
    assert creates >= 14
    if skip:
        assert later[SIF + "GetCases"] == 0
    else:  # a look-up before each create (and one for a request whose Id is already taken)
        assert later[SIF + "GetCases"] >= creates
