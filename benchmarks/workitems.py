"""Benchmark: work items. Reserve + complete operations per second, with 1 and 4 consumer
processes, on SQLite and on PostgreSQL (a database of its own on the local server), side by side
with the anchor measured in the same run: a bare SQL loop on the same table (one ``UPDATE ... WHERE
id = (SELECT ... [FOR UPDATE SKIP LOCKED] LIMIT 1) RETURNING id``, then one ``UPDATE`` to complete,
each its own transaction, one connection per consumer); the ratio is saksrobot / bare. Then the
reserve latency (median of 200) with 1 000, 10 000 and 100 000 pending items, and its ratio to the
1 000 figure. Each figure in isolation; the benchmark writes only to databases it created.

    .venv/bin/python benchmarks/workitems.py [--items 2000] [--postgres URL] [--scaling 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, delete, insert, make_url, text
from sqlalchemy.engine import Engine

from saksrobot.database import make_engine
from saksrobot.workitems import WorkItem, WorkItemStore


def consume(url: str, start: multiprocessing.Event, done: multiprocessing.Queue) -> None:
    store = WorkItemStore(make_engine(url))
    start.wait()
    count = 0
    while (item := store.reserve("bench")) is not None:
        store.complete(item, {"case_number": "26/00001"})
        count += 1
    done.put(count)


def bare_sql(url: str, start: multiprocessing.Event, done: multiprocessing.Queue) -> None:
    """The floor: the same work in two plain statements per item, on one connection."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    lock = " FOR UPDATE SKIP LOCKED" if url.startswith("postgresql") else ""
    reserve = text("UPDATE work_items SET state = 'in_progress', lease_owner = :owner, lease_expires = :until, "
                   "attempts = attempts + 1, updated_at = :now WHERE id = (SELECT id FROM work_items WHERE "
                   "process = 'bench' AND state = 'pending' AND not_before <= :now ORDER BY priority DESC, id "
                   f"LIMIT 1{lock}) RETURNING id")
    complete = text("UPDATE work_items SET state = 'done', result = :result, lease_owner = NULL, "
                    "lease_expires = NULL, finished_at = :now, updated_at = :now WHERE id = :id")
    start.wait()
    count = 0
    with engine.connect() as connection:
        while True:
            now = datetime.now(UTC).replace(tzinfo=None)
            taken = connection.execute(reserve, {"owner": f"bare:{os.getpid()}", "until": now + timedelta(minutes=10),
                                                 "now": now}).scalar()
            if taken is None:
                break
            connection.execute(complete, {"id": taken, "now": now, "result": '{"case_number": "26/00001"}'})
            count += 1
    done.put(count)


def measure(url: str, items: int, consumers: int, consumer=consume) -> float:  # noqa: ANN001 - a process target
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(delete(WorkItem).where(WorkItem.process == "bench"))
    fill(engine, items)
    context = multiprocessing.get_context("spawn")
    start, done = context.Event(), context.Queue()
    workers = [context.Process(target=consumer, args=(url, start, done)) for _ in range(consumers)]
    for worker in workers:
        worker.start()
    time.sleep(2)  # let every process import and connect before the clock starts
    began = time.perf_counter()
    start.set()
    total = sum(done.get(timeout=600) for _ in workers)
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join()
    assert total == items, (total, items)
    return total / elapsed


def fill(engine: Engine, items: int) -> None:
    """``items`` pending items of the process ``bench``, inserted in bulk."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [{"process": "bench", "key": f"k{n}", "payload": {}, "files": [], "priority": 0, "state": "pending",
             "attempts": 0, "result": {}, "not_before": now, "created_at": now, "updated_at": now}
            for n in range(items)]
    with engine.begin() as connection:
        for first in range(0, items, 5000):
            connection.execute(insert(WorkItem), rows[first:first + 5000])
    if engine.dialect.name == "postgresql":  # as autovacuum would after such a load: the planner's statistics
        with engine.begin() as connection:
            connection.execute(text("ANALYZE work_items"))


def reserve_latency(url: str, pending: int, samples: int = 200) -> float:
    """Median milliseconds of one reserve with ``pending`` items waiting (each reserved item completed)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(delete(WorkItem).where(WorkItem.process == "bench"))
    fill(engine, pending)
    store = WorkItemStore(engine)
    timings = []
    for _ in range(samples):
        began = time.perf_counter()
        item = store.reserve("bench")
        timings.append((time.perf_counter() - began) * 1000)
        store.complete(item, {})
    engine.dispose()
    return statistics.median(timings)


@contextmanager
def scratch_database(server: str) -> Iterator[str]:
    """A database of the benchmark's own on the PostgreSQL server at ``server``, dropped after."""
    name = f"saksrobot_bench_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--scaling", default="1000,10000,100000", help="pending items for the latency table")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="a PostgreSQL server (any database on it): the benchmark makes and drops its own")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.postgres) as postgres:
        targets = {"SQLite": f"sqlite:///{Path(tmp) / 'bench.db'}", "PostgreSQL": postgres}
        for name, url in targets.items():
            for consumers in (1, 4):
                rate = measure(url, args.items, consumers)
                bare = measure(url, args.items, consumers, bare_sql)
                print(f"{name:10} {consumers} consumer(s): saksrobot {rate:6.0f}/s, bare SQL loop {bare:6.0f}/s, "
                      f"ratio {rate / bare:.2f} ({args.items} items)")
        for name, url in targets.items():
            sizes = [int(n) for n in args.scaling.split(",")]
            latency = {n: reserve_latency(url, n) for n in sizes}
            print(f"{name:10} reserve latency (median of 200): " + ", ".join(
                f"{n:,} pending {ms:.2f} ms ({ms / latency[sizes[0]]:.2f}x)" for n, ms in latency.items()))


if __name__ == "__main__":
    main()
