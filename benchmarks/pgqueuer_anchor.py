"""The pgqueuer anchor of benchmarks/workitems.py: jobs dequeued and completed per second by
pgqueuer's own worker (``QueueManager`` in drain mode, one job per dequeue as saksrobot reserves one
item at a time), with 1 or 4 worker processes. Runs in the benchmark environment only (``make
bench`` makes ``.venv-bench`` with pgqueuer and asyncpg; they are not saksrobot's dependencies).

    .venv-bench/bin/python benchmarks/pgqueuer_anchor.py DSN ITEMS CONSUMERS   (prints jobs/s)
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import sys
import time

import asyncpg
from pgqueuer import AsyncpgDriver, Queries, QueueManager
from pgqueuer.types import QueueExecutionMode


async def _fill(dsn: str, items: int) -> None:
    connection = await asyncpg.connect(dsn)
    queries = Queries(AsyncpgDriver(connection))
    with contextlib.suppress(asyncpg.PostgresError):  # a fresh queue each time
        await queries.uninstall()
    await queries.install()
    await queries.enqueue(["bench"] * items, [b"{}"] * items, [0] * items)
    await connection.close()


async def _drain(dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    manager = QueueManager(Queries(AsyncpgDriver(connection)))

    @manager.entrypoint("bench")
    async def handle(job) -> None:  # noqa: ANN001 - a pgqueuer Job
        pass

    await manager.run(mode=QueueExecutionMode.drain, batch_size=1)
    await connection.close()


def _worker(dsn: str, start: multiprocessing.Event) -> None:
    start.wait()
    asyncio.run(_drain(dsn))


def main() -> None:
    dsn, items, consumers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    asyncio.run(_fill(dsn, items))
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_worker, args=(dsn, start)) for _ in range(consumers)]
    for worker in workers:
        worker.start()
    time.sleep(2)  # let every process import before the clock starts
    began = time.perf_counter()
    start.set()
    for worker in workers:
        worker.join()
    print(f"{items / (time.perf_counter() - began):.1f}")


if __name__ == "__main__":
    main()
