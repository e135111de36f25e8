"""Benchmark: reserve + complete operations per second, with 1 and 4 consumer processes, on SQLite
and on PostgreSQL (local server). One run; each figure is items done / wall-clock seconds.

    .venv/bin/python benchmarks/workitems.py [--items 2000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, delete, make_url, text

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


def measure(url: str, items: int, consumers: int) -> float:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(delete(WorkItem).where(WorkItem.process == "bench"))
    store = WorkItemStore(engine)
    for n in range(items):
        store.add("bench", f"k{n}")
    context = multiprocessing.get_context("spawn")
    start, done = context.Event(), context.Queue()
    workers = [context.Process(target=consume, args=(url, start, done)) for _ in range(consumers)]
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
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="a PostgreSQL server (any database on it): the benchmark makes and drops its own")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.postgres) as postgres:
        targets = {"SQLite": f"sqlite:///{Path(tmp) / 'bench.db'}", "PostgreSQL": postgres}
        for name, url in targets.items():
            for consumers in (1, 4):
                rate = measure(url, args.items, consumers)
                print(f"{name:10} {consumers} consumer(s): {rate:7.0f} reserve+complete per second "
                      f"({args.items} items)")


if __name__ == "__main__":
    main()
