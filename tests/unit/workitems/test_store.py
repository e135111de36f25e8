import multiprocessing
import os
from datetime import timedelta

import pytest
from sqlalchemy import text

from saksrobot.database import make_engine
from saksrobot.workitems import LeaseLost, NoSuchItem, RetryPolicy, State, WorkItemStore, utcnow
from saksrobot.workitems.store import storable_key


@pytest.fixture
def store(database_url):
    return WorkItemStore(make_engine(database_url), lease=timedelta(minutes=5),
                         retry=RetryPolicy(max_attempts=3, backoff=timedelta(0)))


def test_add_is_idempotent_by_process_and_key(store):
    first, new = store.add("archive_cases", "REQ-1", {"title": "A"})
    again, new_again = store.add("archive_cases", "REQ-1", {"title": "changed"})
    other, _ = store.add("invoices", "REQ-1")
    assert new and not new_again and again.id == first.id and again.payload == {"title": "A"}
    assert other.id != first.id


def test_reserve_by_priority_then_age_and_not_before(store):
    store.add("p", "low")
    store.add("p", "high", priority=5)
    store.add("p", "later", priority=9, not_before=utcnow() + timedelta(hours=1))
    assert [store.reserve("p").key, store.reserve("p").key, store.reserve("p")] == ["high", "low", None]


def test_complete_records_the_target_references(store):
    store.add("p", "k")
    item = store.reserve("p", run_id="run-1")
    assert (item.state, item.attempts, item.run_id) == (State.IN_PROGRESS, 1, "run-1")
    done = store.complete(item, {"case_number": "26/00012"})
    assert (done.state, done.result, done.lease_owner) == (State.DONE, {"case_number": "26/00012"}, None)
    assert store.reserve("p") is None


def test_business_error_goes_to_manual_at_once_masked(store):
    store.add("p", "k")
    item = store.hand_over(store.reserve("p"), "invalid_fnr", "Ugyldig fødselsnummer 03851550151")
    assert (item.state, item.reason_code, item.attempts) == (State.MANUAL, "invalid_fnr", 1)
    assert "03851550151" not in item.reason_text
    assert store.reserve("p") is None


def test_application_error_retries_with_backoff_then_fails(database_url):
    engine = make_engine(database_url)
    patient = WorkItemStore(engine, retry=RetryPolicy(max_attempts=3, backoff=timedelta(hours=1)))
    patient.add("p", "k")
    item = patient.fail(patient.reserve("p"), "server_error", "HTTP 500")
    assert item.state == State.PENDING and item.not_before > utcnow() + timedelta(minutes=59)
    assert patient.reserve("p") is None  # not before the back-off has passed


def test_the_last_attempt_fails_for_good(store):
    store.add("p", "k")
    outcomes = [store.fail(store.reserve("p"), "server_error", "HTTP 500") for _ in range(3)]
    assert [(o.state, o.attempts) for o in outcomes] == [
        (State.PENDING, 1), (State.PENDING, 2), (State.FAILED, 3)]
    assert store.reserve("p") is None


def test_an_expired_lease_frees_the_item_and_the_late_consumer_cannot_finish_it(database_url):
    engine = make_engine(database_url)
    dying = WorkItemStore(engine, lease=timedelta(seconds=-1))  # leases that are already over
    dying.add("p", "k")
    lost = dying.reserve("p")
    other = WorkItemStore(engine)
    again = other.reserve("p")
    assert again.id == lost.id and again.attempts == 2
    with pytest.raises(LeaseLost):
        dying.complete(lost, {"case_number": "x"})
    assert other.complete(again, {"case_number": "26/00001"}).state == State.DONE


def test_staff_commands(store):
    for key in ("a", "b", "c"):
        store.add("p", key)
    manual = store.hand_over(store.reserve("p"), "unknown_unit", "Ukjent enhet")
    resolved = store.resolve(manual.id, by="anne.arkivar", note="Opprettet for hånd som 26/00099")
    assert (resolved.state, resolved.resolved_by) == (State.RESOLVED, "anne.arkivar") and resolved.finished_at
    # the robot's reason stays; the staff member's note is kept beside it
    assert (resolved.reason_code, resolved.reason_text) == ("unknown_unit", "Ukjent enhet")
    assert resolved.resolution_note == "Opprettet for hånd som 26/00099"
    with pytest.raises(NoSuchItem):
        store.resolve(manual.id, by="x")  # only manual items can be resolved
    failed = store.reserve("p")
    for _ in range(3):
        failed = store.fail(failed, "server_error", "down")
        failed = store.reserve("p") if failed.state == State.PENDING else failed
    assert failed.state == State.FAILED
    retried = store.retry_failed(failed.id)
    assert (retried.state, retried.attempts) == (State.PENDING, 0)
    handed = store.hand_over(store.reserve("p"), "bad_data", "Mangler tittel")
    assert store.requeue(handed.id).state == State.PENDING
    assert sorted(i.key for i in store.find("p", [State.PENDING])) == ["b", "c"]
    with pytest.raises(NoSuchItem):
        store.get(9999)


def _consume(url: str, process: str, out, together) -> None:
    store = WorkItemStore(make_engine(url))
    taken = []
    while (item := store.reserve(process)) is not None:
        if not taken:  # every consumer holds an item at once: however fast one is, it cannot take all
            together.wait(timeout=60)
        store.complete(item, {"by": store.owner})
        taken.append(item.key)
    out.put(taken)


def test_four_processes_never_reserve_the_same_item(database_url):
    store = WorkItemStore(make_engine(database_url))
    keys = [f"k{n:03d}" for n in range(200)]
    for key in keys:
        store.add("race", key)
    context = multiprocessing.get_context("spawn")
    out, together = context.Queue(), context.Barrier(4)
    workers = [context.Process(target=_consume, args=(database_url, "race", out, together)) for _ in range(4)]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    taken = [key for result in results for key in result]
    assert sorted(taken) == keys  # every item once, none twice
    assert sum(1 for r in results if r) >= 2  # the work really was shared
    assert {i.state for i in store.find("race", limit=1000)} == {State.DONE}


def _reserve_and_die(url: str) -> None:
    store = WorkItemStore(make_engine(url))
    store.reserve("orphans")
    os._exit(0)  # dies holding the lease


def test_items_of_a_dead_consumer_on_this_machine_are_released(database_url):
    store = WorkItemStore(make_engine(database_url), lease=timedelta(hours=1))
    store.add("orphans", "k")
    process = multiprocessing.get_context("spawn").Process(target=_reserve_and_die, args=(database_url,))
    process.start()
    process.join(timeout=60)
    assert store.reserve("orphans") is None  # still leased for an hour
    assert store.release_orphans("orphans") == 1
    item = store.reserve("orphans")
    assert item.key == "k" and item.attempts == 2
    assert store.release_orphans("orphans") == 0  # our own live lease is left alone


def test_the_first_item_to_claim_a_content_owns_it(store):
    assert store.claim_content("ppt_referrals", "fp-1", "H-1") == "H-1"
    assert store.claim_content("ppt_referrals", "fp-1", "H-1") == "H-1"  # a re-run of the same item
    assert store.claim_content("ppt_referrals", "fp-1", "H-2") == "H-1"  # the same content again
    assert store.claim_content("invoices", "fp-1", "X") == "X"  # per process
    assert store.claim_content("ppt_referrals", "fp-2", "H-2") == "H-2"


def test_a_key_holding_a_fodselsnummer_is_stored_as_its_hash_and_found_by_it(store):
    item, new = store.add("invoices", "974760673:03851598730", {"file": "a.xml"})
    assert new and item.key.startswith("fnr-sha256:") and "03851598730" not in item.key
    assert item.payload == {"file": "a.xml"}
    again, new_again = store.add("invoices", "974760673:03851598730", {"file": "a.xml"})
    assert not new_again and again.id == item.id  # the same key again is the same item
    assert store.by_keys("invoices", ["974760673:03851598730"])["974760673:03851598730"].id == item.id
    assert storable_key("REQ-1") == "REQ-1"
    assert storable_key("974760673:12345678901") == "974760673:12345678901"  # 11 digits, not a valid fnr


def test_reservations_count_every_attempt_and_are_never_reset(store):
    """``reservations == 1`` is what lets a robot create without looking up first: nothing that
    sends an item back (retry, requeue, release, an expired lease) may make it 1 again."""
    store.add("p", "a")
    first = store.reserve("p")
    assert (first.attempts, first.reservations) == (1, 1)
    store.release(first, "stopping")
    again = store.reserve("p")
    assert (again.attempts, again.reservations) == (1, 2)  # the release did not count as an attempt
    store.hand_over(again, "bad_data", "Mangler tittel")
    store.requeue(again.id)
    requeued = store.reserve("p")
    assert (requeued.attempts, requeued.reservations) == (1, 3)
    for _ in range(3):
        requeued = store.fail(requeued, "server_error", "down")
        requeued = store.reserve("p") if requeued.state == State.PENDING else requeued
    store.retry_failed(requeued.id)
    assert store.reserve("p").reservations == 6


def test_a_consumer_keeps_one_connection_and_gets_a_new_one_after_it_was_dropped(store):
    store.add("p", "a")
    store.add("p", "b")
    store.complete(store.reserve("p"), {})
    held = store._consumer._connection
    if store.engine.dialect.name == "postgresql":  # the server ends it, as a restart or an admin would
        with store.engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"),
                          {"pid": held.exec_driver_sql("SELECT pg_backend_pid()").scalar()})
    else:
        held.invalidate()
    item = store.reserve("p")
    assert item.key == "b" and store._consumer._connection is not held
    assert store.complete(item, {"case_number": "26/00002"}).state == State.DONE
    assert store.get(item.id).result == {"case_number": "26/00002"}
    store.close()
    assert store._consumer._connection is None
