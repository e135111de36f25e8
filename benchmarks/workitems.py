"""Benchmark: work items. Reserve + complete operations per second, with 1 and 4 consumer
processes, on SQLite and on PostgreSQL (a database of its own on the local server), side by side
with the anchor measured in the same run: a bare SQL loop on the same table (one ``UPDATE ... WHERE
id = (SELECT ... [FOR UPDATE SKIP LOCKED] LIMIT 1) RETURNING *``, then one ``UPDATE`` to complete,
each its own transaction, one connection per consumer); the ratio is saksrobot / bare. The reserve
returns the item's row, as a consumer must read the item it took; the same loop returning only the
id is printed too (the issue's first anchor), and on PostgreSQL pgqueuer's worker (run from the
benchmark environment, .venv-bench). Loops are interleaved, the median of 3 kept. Then the
reserve latency (median of 200) with 1 000, 10 000 and 100 000 pending items, and its ratio to the
1 000 figure. Each figure in isolation; the benchmark writes only to databases it created.

    .venv/bin/python benchmarks/workitems.py [--items 2000] [--repeat 3] [--postgres URL]
                                             [--scaling 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
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


def bare_sql(url: str, start: multiprocessing.Event, done: multiprocessing.Queue, returning: str = "*") -> None:
    """The floor: the same work in two plain statements per item, on one connection; the reserve
    returns the item (``*``, what a consumer reads), or only its ``id``."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    lock = " FOR UPDATE SKIP LOCKED" if url.startswith("postgresql") else ""
    reserve = text("UPDATE work_items SET state = 'in_progress', lease_owner = :owner, lease_expires = :until, "
                   "attempts = attempts + 1, updated_at = :now WHERE id = (SELECT id FROM work_items WHERE "
                   "process = 'bench' AND state = 'pending' AND not_before <= :now ORDER BY priority DESC, id "
                   f"LIMIT 1{lock}) RETURNING {returning}")
    complete = text("UPDATE work_items SET state = 'done', result = :result, lease_owner = NULL, "
                    "lease_expires = NULL, finished_at = :now, updated_at = :now WHERE id = :id")
    start.wait()
    count = 0
    with engine.connect() as connection:
        while True:
            now = datetime.now(UTC).replace(tzinfo=None)
            taken = connection.execute(reserve, {"owner": f"bare:{os.getpid()}", "until": now + timedelta(minutes=10),
                                                 "now": now}).first()
            if taken is None:
                break
            connection.execute(complete, {"id": taken.id, "now": now, "result": '{"case_number": "26/00001"}'})
            count += 1
    done.put(count)


def bare_sql_id(url: str, start: multiprocessing.Event, done: multiprocessing.Queue) -> None:
    bare_sql(url, start, done, returning="id")


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


def pgqueuer(python: Path, url: str, items: int, consumers: int, rate: float) -> str:
    """The pgqueuer anchor (benchmarks/pgqueuer_anchor.py, in the benchmark environment), in the
    same scratch database, and saksrobot's ratio to it."""
    if not python.exists():
        return f"pgqueuer not measured: no {python} (make bench makes it)"
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run([str(python), str(Path(__file__).with_name("pgqueuer_anchor.py")), dsn, str(items),
                           str(consumers)], capture_output=True, text=True, timeout=600)
    if done.returncode:
        return f"pgqueuer failed: {done.stderr.strip().splitlines()[-1:]}"
    theirs = float(done.stdout.split()[-1])
    return f"pgqueuer {theirs:6.0f}/s (one job per dequeue), ratio saksrobot / pgqueuer {rate / theirs:.2f}"


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
    parser.add_argument("--repeat", type=int, default=3, help="runs of each loop (the median is printed)")
    parser.add_argument("--scaling", default="1000,10000,100000", help="pending items for the latency table")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="a PostgreSQL server (any database on it): the benchmark makes and drops its own")
    parser.add_argument("--pgqueuer-python", type=Path, default=Path(".venv-bench/bin/python"),
                        help="the benchmark environment's Python, with pgqueuer (benchmarks/requirements.txt)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.postgres) as postgres:
        targets = {"SQLite": f"sqlite:///{Path(tmp) / 'bench.db'}", "PostgreSQL": postgres}
        for name, url in targets.items():
            for consumers in (1, 4):
                rates = {"saksrobot": [], "bare": [], "bare_id": []}
                for _ in range(args.repeat):  # interleaved, so that drift of the machine hits all alike
                    for label, consumer in (("saksrobot", consume), ("bare", bare_sql), ("bare_id", bare_sql_id)):
                        rates[label].append(measure(url, args.items, consumers, consumer))
                rate, bare, bare_id = (statistics.median(rates[label]) for label in ("saksrobot", "bare", "bare_id"))
                print(f"{name:10} {consumers} consumer(s): saksrobot {rate:6.0f}/s, bare SQL loop {bare:6.0f}/s, "
                      f"ratio {rate / bare:.2f}; bare loop returning only the id {bare_id:6.0f}/s, "
                      f"ratio {rate / bare_id:.2f} ({args.items} items, median of {args.repeat})")
                if name == "PostgreSQL":
                    anchor = pgqueuer(args.pgqueuer_python, url, args.items, consumers, rate)
                    print(f"{'':10} {consumers} consumer(s): {anchor}")
        for name, url in targets.items():
            sizes = [int(n) for n in args.scaling.split(",")]
            latency = {n: reserve_latency(url, n) for n in sizes}
            print(f"{name:10} reserve latency (median of 200): " + ", ".join(
                f"{n:,} pending {ms:.2f} ms ({ms / latency[sizes[0]]:.2f}x)" for n, ms in latency.items()))


if __name__ == "__main__":
    main()
