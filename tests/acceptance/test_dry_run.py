"""Safe dry run: every robot reads the real systems and its input and decides every item, and not
one write reaches either simulator, the robot's database or the inbox folder; the run folder says
what it would have done per item, and a real run afterwards does just that."""

import json

import httpx
import pytest
from sqlalchemy import MetaData, create_engine, select

from saksrobot.demo import robot_environment
from saksrobot.demo.invoice_inbox import write_inbox
from saksrobot.demo.sample import write_sample_sheet
from saksrobot.domain.identity import contains_fnr
from saksrobot.runner import RunStatus, run_robot
from saksrobot.settings import load_settings
from saksrobot.simulators.archive.seed import DEMO_ENTERPRISES, DEMO_PERSONS

ROBOTS = ("archive_cases", "school_cases", "ppt_referrals", "invoices")


def snapshot(url: str) -> dict[str, list]:
    """Every row of every table of a database."""
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as c:
        found = {name: sorted(map(repr, c.execute(select(table)).all())) for name, table in tables.tables.items()}
    engine.dispose()
    return found


def files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def world(tmp_path, sims):
    for url in (sims.archive_url, sims.schooladmin_url):
        httpx.post(f"{url}/_sim/reset", headers={"Authorization": f"authkey {sims.api_key}"}).raise_for_status()
    database = f"sqlite:///{tmp_path / 'saksrobot.db'}"
    settings = load_settings(logs_dir=tmp_path / "logs", database={"url": database})
    env = robot_environment(settings, sims, database_url=database, schooladmin_backend="api")
    env |= {"SAKSROBOT_INVOICES__FOLDER": str(tmp_path / "invoices"), "SAKSROBOT_INVOICES__SETTLE_SECONDS": "0"}
    write_inbox(tmp_path / "invoices" / "inbox", invoices=6)
    variables = {"REQUESTS": str(write_sample_sheet(tmp_path / "requests.xlsx", DEMO_PERSONS, DEMO_ENTERPRISES))}

    def run(robot: str, dry_run: bool):
        return run_robot(settings, robot, variables=variables, env=env, timeout=300, dry_run=dry_run)

    return run, tmp_path


def test_a_dry_run_writes_nothing_anywhere_and_tells_what_it_would_do(world, sims):
    run, folder = world
    before = {"archive": snapshot(sims.archive_database_url), "school": snapshot(sims.schooladmin_database_url),
              "inbox": files(folder / "invoices")}
    plans = {}
    for robot in ROBOTS:
        result = run(robot, dry_run=True)
        assert result.status is RunStatus.SUCCEEDED, (robot, result.log_html)
        plans[robot] = {r["key"]: r for r in map(json.loads, (result.output_dir / "dry-run.jsonl").open())}
        assert not contains_fnr((result.output_dir / "dry-run.jsonl").read_text()), robot  # read by many
    after = {"archive": snapshot(sims.archive_database_url), "school": snapshot(sims.schooladmin_database_url),
             "inbox": files(folder / "invoices")}
    assert after == before  # not one write reached either simulator or the folder
    assert not (folder / "saksrobot.db").exists() or not snapshot(f"sqlite:///{folder / 'saksrobot.db'}").get(
        "work_items")  # no work-item state, no gevinst row

    cases = plans["archive_cases"]
    assert sum(r["outcome"] == "done" for r in cases.values()) == 24
    assert sum(r["outcome"] == "manual" for r in cases.values()) == 8
    assert all(r["would"] and r["would"][0].startswith("opprette sak") for r in cases.values()
               if r["outcome"] == "done")
    referrals = plans["ppt_referrals"]
    assert referrals["H-2026-0103"]["outcome"] == "manual" and "samtykke" in referrals["H-2026-0103"]["reason"]
    assert any("merke henvisning" in w for w in referrals["H-2026-0101"]["would"])
    assert any("flytte" in w for r in plans["invoices"].values() for w in r["would"])

    real = run("archive_cases", dry_run=False)  # the real run does what the dry run said
    assert real.status is RunStatus.SUCCEEDED
    outcomes = {json.loads(line)["key"]: json.loads(line)["outcome"] for line in
                (real.output_dir / "items.jsonl").open() if json.loads(line)["kind"] == "item"}
    assert outcomes == {key: r["outcome"] for key, r in cases.items()}
