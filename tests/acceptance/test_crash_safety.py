"""Crash safety: a robot killed with SIGKILL after the archive created a case (filed a journal post),
before anything else was recorded. The next run, even with the work-item database lost, creates no
second case and files no second journal post, through either back-end; it finishes every item, and
the gevinst log counts every item once. Robots run as real subprocesses against the simulator; the
archive's real contract has no external id for documents (ADR 0007)."""

import functools
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from saksrobot import sheets
from saksrobot.archive import CaseQuery, ExternalId, open_archive
from saksrobot.database import make_engine
from saksrobot.demo import robot_environment
from saksrobot.demo.ehf import InvoiceFacts, ehf_xml
from saksrobot.demo.invoice_inbox import SUPPLIERS
from saksrobot.demo.sample import COLUMNS, sample_rows
from saksrobot.gevinst import GevinstRow
from saksrobot.runner import RunStatus, run_robot
from saksrobot.settings import Backend, load_settings
from saksrobot.simulators.archive.seed import DEMO_ENTERPRISES, DEMO_PERSONS
from saksrobot.workitems import State, WorkItem, utcnow

HERE = __import__("pathlib").Path(__file__).parent
SAMPLE = sample_rows(DEMO_PERSONS, DEMO_ENTERPRISES)  # 24 valid requests first, then 8 invalid
ROWS = {"api": SAMPLE, "ui": SAMPLE[:10] + SAMPLE[-2:]}  # a browser costs seconds per row: fewer rows


@pytest.fixture(params=["api", "ui"])
def world(request, tmp_path, sims):
    httpx.post(f"{sims.archive_url}/_sim/reset", headers={"Authorization": f"authkey {sims.api_key}"})
    database = f"sqlite:///{tmp_path / 'saksrobot.db'}"
    settings = load_settings(logs_dir=tmp_path / "logs", database={"url": database})
    rows = ROWS[request.param]
    sheet = sheets.write_rows(tmp_path / "requests.xlsx", list(COLUMNS), rows)
    env = robot_environment(settings, sims, database_url=database, archive_backend=request.param)

    def run(robot: str):
        return run_robot(settings, robot, variables={"REQUESTS": str(sheet)}, env=env, timeout=300)

    api = load_settings(archive={"base_url": sims.archive_url, "api_key": sims.api_key})
    with open_archive(api, Backend.API) as archive:
        yield run, make_engine(database), archive, rows


def cases_per_request(archive, rows) -> Counter:
    counts = Counter()
    for row in rows:
        counts[len(archive.find_cases(CaseQuery(external_id=ExternalId.of("archive_cases", row["Id"]))))] += 1
    return counts


def items(engine) -> dict[str, WorkItem]:
    with Session(engine) as s:
        return {i.key: i for i in s.scalars(select(WorkItem))}


def test_killed_after_the_archive_answered_then_rerun(world):
    run, engine, archive, rows = world
    valid = sum(row in SAMPLE[:24] for row in rows)
    crashed = run(str(HERE / "robots" / "crash_after_create.robot"))
    assert crashed.status is RunStatus.KILLED
    before = items(engine)
    assert Counter(i.state for i in before.values()) == {State.PENDING: len(rows) - 5, State.DONE: 4,
                                                         State.IN_PROGRESS: 1}
    (victim,) = [k for k, i in before.items() if i.state == State.IN_PROGRESS]
    assert len(archive.find_cases(CaseQuery(external_id=ExternalId.of("archive_cases", victim)))) == 1  # made

    again = run("archive_cases")
    assert again.status is RunStatus.SUCCEEDED
    after = items(engine)
    assert Counter(i.state for i in after.values()) == {State.DONE: valid, State.MANUAL: len(rows) - valid}
    assert after[victim].result["created"] is False  # found, not made again
    assert cases_per_request(archive, rows) == {1: valid, 0: len(rows) - valid}  # one case per valid request
    with Session(engine) as s:
        counted = Counter(s.scalars(select(GevinstRow.business_key).where(GevinstRow.outcome == "done")))
    assert len(counted) == valid and set(counted.values()) == {1}


@pytest.mark.parametrize("world", ["api"], indirect=True)
def test_a_consumer_on_another_machine_died_its_lease_expires_and_the_item_is_done_once(world):
    run, engine, archive, rows = world
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
    assert cases_per_request(archive, rows) == {1: 24, 0: 8}


@pytest.mark.parametrize("backend", ["api", "ui"])
def test_killed_after_the_archive_filed_a_journal_post_then_rerun_with_the_work_items_lost(
        backend, tmp_path, sims):
    httpx.post(f"{sims.archive_url}/_sim/reset", headers={"Authorization": f"authkey {sims.api_key}"})
    folder = tmp_path / "invoices"
    (folder / "inbox").mkdir(parents=True)
    for n, (name, orgnr) in enumerate(SUPPLIERS):  # five invoices, one per supplier
        facts = InvoiceFacts(number=f"K-{n}", supplier=(name, orgnr), issued=date(2026, 6, 1),
                             lines=[("Arbeid", Decimal(1), Decimal("100"))], buyer_reference="4010")
        (folder / "inbox" / f"k{n}.xml").write_bytes(ehf_xml(facts))
    filed = sorted(p.name for p in (folder / "inbox").iterdir())

    def run(robot: str, database: str):
        settings = load_settings(logs_dir=tmp_path / "logs", database={"url": database},
                                 invoices={"folder": str(folder), "settle_seconds": 0})
        env = robot_environment(settings, sims, database_url=database, archive_backend=backend)
        env |= {"SAKSROBOT_INVOICES__FOLDER": str(folder), "SAKSROBOT_INVOICES__SETTLE_SECONDS": "0"}
        return run_robot(settings, robot, env=env, timeout=300)

    crashed = run(str(HERE / "robots" / "crash_after_filing.robot"), f"sqlite:///{tmp_path / 'first.db'}")
    assert crashed.status is RunStatus.KILLED
    keys = journal_post_keys(sims)
    moved = {p.name for p in (folder / "processed").iterdir()}
    assert len(keys) == 3 and len(moved) == 2  # the third was filed, then the robot died: still in the inbox
    with Session(make_engine(f"sqlite:///{tmp_path / 'first.db'}")) as s:
        (victim,) = [i.key for i in s.scalars(select(WorkItem)) if i.state == State.IN_PROGRESS]

    again = run("invoices", f"sqlite:///{tmp_path / 'lost.db'}")  # a new, empty work-item database
    assert again.status is RunStatus.SUCCEEDED
    keys = journal_post_keys(sims)
    assert set(keys.values()) == {1} and len(keys) == len(filed)  # every invoice filed, none twice
    assert set(filed) <= {p.name for p in (folder / "processed").iterdir()}
    with Session(make_engine(f"sqlite:///{tmp_path / 'lost.db'}")) as s:
        done = {i.key: i for i in s.scalars(select(WorkItem)) if i.state == State.DONE}
    assert done[victim].result["created"] is False  # the post the killed run filed was found, not filed again


def journal_post_keys(sims) -> Counter:
    """How many journal posts each key (the robot's additional field) has, over the invoice cases."""
    call = functools.partial(httpx.post, headers=sims.archive_headers)
    base = f"{sims.archive_url}/Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC"
    cases = call(f"{base}/CaseService/GetCases", json={"parameter": {"CaseType": "Faktura",
                                                                     "MaxReturnedCases": 100}}).json()["Cases"]
    keys = Counter()
    for case in cases:
        documents = call(f"{base}/DocumentService/GetDocuments", json={"parameter": {
            "CaseNumber": case["CaseNumber"], "IncludeCustomFields": True}}).json()["Documents"]
        keys.update(f["Value"] for d in documents for f in d["CustomFields"] or [] if f["Name"] == "CF_SaksrobotId")
    return keys
