"""A target several items share is found or created once, whoever asks at the same moment: four
consumers (processes of their own, as on four workers) create the same case at once against the
archive simulator (slowed down, so that every look-up comes before any create), with the lock on
PostgreSQL (advisory lock) and on SQLite (a lock file). Without the lock (``locked=False``) the same
race made the case more than once when this test was written (in a copy with the lock left out);
that depends on timing, so it is not part of the suite."""

import multiprocessing
from functools import partial

import httpx
import pytest

from saksrobot.archive import CaseQuery, ExternalId, NewCase, open_archive
from saksrobot.archive.targets import locked_by
from saksrobot.database import make_engine
from saksrobot.database.locks import named_lock
from saksrobot.settings import Backend, load_settings

CONSUMERS = 4


def _shared_case(key: str) -> NewCase:
    """Defined here, not imported from a conftest: the consumers are spawned processes, and which
    conftest module they would import depends on the test run's path."""
    return NewCase(title="Felles sak", case_type="Sak", responsible_unit="Byarkivet",
                   external_id=ExternalId.of("tests", key))


def _consumer(sims, database_url, key, barrier, results) -> None:  # noqa: ANN001
    settings = load_settings(archive={"base_url": sims.archive_url, "api_key": sims.api_key, "retries": 0})
    engine = make_engine(database_url)
    with open_archive(settings, Backend.API) as archive, locked_by(partial(named_lock, engine)):
        barrier.wait(timeout=60)
        results.put(archive.create_case(_shared_case(key)).created)
    engine.dispose()


def _race(sims, database_url, key) -> tuple[list[bool], int]:  # noqa: ANN001
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(CONSUMERS), context.Queue()
    make_engine(database_url).dispose()  # the schema, made once before the race
    consumers = [context.Process(target=_consumer, args=(sims, database_url, key, barrier, results))
                 for _ in range(CONSUMERS)]
    for consumer in consumers:
        consumer.start()
    created = [results.get(timeout=120) for _ in consumers]
    for consumer in consumers:
        consumer.join(timeout=60)
    settings = load_settings(archive={"base_url": sims.archive_url, "api_key": sims.api_key})
    with open_archive(settings, Backend.API) as archive:
        found = archive.find_cases(CaseQuery(external_id=ExternalId.of("tests", key), max_results=10))
    return created, len(found)


@pytest.fixture
def slow_archive(sims):
    faults = f"{sims.archive_url}/_sim/faults"
    headers = {"Authorization": f"authkey {sims.api_key}"}
    httpx.post(faults, json={"latency_ms": 300}, headers=headers, timeout=10).raise_for_status()
    yield sims
    httpx.post(faults, json={"latency_ms": 0}, headers=headers, timeout=10).raise_for_status()


def test_four_consumers_make_a_shared_case_once(slow_archive, database_url):
    created, cases = _race(slow_archive, database_url, f"shared-{database_url[:10]}")
    assert sorted(created) == [False, False, False, True]
    assert cases == 1
