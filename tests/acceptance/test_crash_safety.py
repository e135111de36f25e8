"""Crash safety: a robot killed with SIGKILL after the archive created a case, but before the work
item was marked done. The next run creates no second case, finishes every item, and the gevinst
log counts every item once. Robots run as real subprocesses against the running simulator."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from saksrobot.archive import CaseQuery, open_archive
from saksrobot.database import make_engine
from saksrobot.demo import robot_environment
from saksrobot.demo.sample import sample_rows, write_sample_sheet
from saksrobot.gevinst import GevinstRow
from saksrobot.runner import RunStatus, run_robot
from saksrobot.settings import Backend, load_settings
from saksrobot.simulators.archive.seed import DEMO_ENTERPRISES, DEMO_PERSONS
from saksrobot.workitems import State, WorkItem, utcnow

HERE = __import__("pathlib").Path(__file__).parent
VALID = 24  # of the 30 sample rows


@pytest.fixture
def world(tmp_path, sims):
    import httpx
    httpx.post(f"{sims.archive_url}/_sim/reset", headers={"Authorization": f"authkey {sims.api_key}"})
    database = f"sqlite:///{tmp_path / 'saksrobot.db'}"
    settings = load_settings(logs_dir=tmp_path / "logs", database={"url": database})
    sheet = write_sample_sheet(tmp_path / "requests.xlsx", DEMO_PERSONS, DEMO_ENTERPRISES)
    env = robot_environment(settings, sims, database_url=database)

    def run(robot: str):
        return run_robot(settings, robot, variables={"REQUESTS": str(sheet)}, env=env, timeout=300)

    api = load_settings(archive={"base_url": sims.archive_url, "api_key": sims.api_key})
    with open_archive(api, Backend.API) as archive:
        yield run, make_engine(database), archive


def cases_per_request(archive) -> Counter:
    counts = Counter()
    for row in sample_rows(DEMO_PERSONS, DEMO_ENTERPRISES):
        counts[len(archive.find_cases(CaseQuery(external_id=row["Id"])))] += 1
    return counts


def items(engine) -> dict[str, WorkItem]:
    with Session(engine) as s:
        return {i.key: i for i in s.scalars(select(WorkItem))}


def test_killed_after_the_archive_answered_then_rerun(world):
    run, engine, archive = world
    crashed = run(str(HERE / "robots" / "crash_after_create.robot"))
    assert crashed.status is RunStatus.KILLED
    before = items(engine)
    assert Counter(i.state for i in before.values()) == {State.PENDING: 25, State.DONE: 4, State.IN_PROGRESS: 1}
    (victim,) = [k for k, i in before.items() if i.state == State.IN_PROGRESS]
    assert len(archive.find_cases(CaseQuery(external_id=victim))) == 1  # the archive has its case

    again = run("archive_cases")
    assert again.status is RunStatus.SUCCEEDED
    after = items(engine)
    assert Counter(i.state for i in after.values()) == {State.DONE: VALID, State.MANUAL: 6}
    assert after[victim].result["created"] is False  # found, not made again
    assert cases_per_request(archive) == {1: VALID, 0: 6}  # exactly one case per valid request
    with Session(engine) as s:
        counted = Counter(s.scalars(select(GevinstRow.business_key).where(GevinstRow.outcome == "done")))
    assert len(counted) == VALID and set(counted.values()) == {1}


def test_a_consumer_on_another_machine_died_its_lease_expires_and_the_item_is_done_once(world):
    run, engine, archive = world
    assert run(str(HERE / "robots" / "crash_after_create.robot")).status is RunStatus.KILLED
    (victim,) = [k for k, i in items(engine).items() if i.state == State.IN_PROGRESS]
    with Session(engine) as s:  # as if another machine held it: no pid here to check
        s.execute(update(WorkItem).where(WorkItem.key == victim).values(
            lease_owner="another-machine:4242:x", lease_expires=utcnow() + timedelta(hours=1)))
        s.commit()
    assert run("archive_cases").status is not RunStatus.SUCCEEDED  # leased elsewhere: not settled yet
    assert items(engine)[victim].state == State.IN_PROGRESS
    with Session(engine) as s:  # the lease runs out
        s.execute(update(WorkItem).where(WorkItem.key == victim).values(lease_expires=utcnow() - timedelta(seconds=1)))
        s.commit()
    assert run("archive_cases").status is RunStatus.SUCCEEDED
    assert items(engine)[victim].state == State.DONE and items(engine)[victim].attempts == 2
    assert cases_per_request(archive) == {1: VALID, 0: 6}
