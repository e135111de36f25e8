"""The report's reads of the gevinst log: the sums per (robot, bucket) as index range scans run side
by side, and the lead-time sample read as spread blocks of row ids. The same SQL on SQLite and
PostgreSQL."""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, case, func, literal_column, select, union_all, values
from sqlalchemy import column as sql_column
from sqlalchemy.engine import Engine

from saksrobot.database import one_connection
from saksrobot.gevinst.model import GevinstRow

BLOCK, MIN_BLOCKS = 32, 100  # consecutive rows read per block of the sample (at most), blocks (at least)
MAX_BLOCK_SHARE = 0.25  # above this share of the rows a process needs, its rows are read in full
BRANCHES_PER_STATEMENT = 200  # SQLite allows 500 SELECTs in one UNION ALL
WORKERS = min(4, os.cpu_count() or 1)  # statements run side by side
G = GevinstRow


@dataclass
class Bucket:
    done: int = 0
    manual: int = 0
    failed: int = 0
    minutes: float = 0.0
    versions: set[str] = field(default_factory=set)


def processes_logged(engine: Engine) -> list[str]:
    """The processes in the log, by a loose index scan: one index probe per process, not a full scan."""
    first = select(G.process).order_by(G.process).limit(1).subquery()
    seen = select(first.c.process.label("name")).cte("seen", recursive=True)
    following = select(G.process).where(G.process > seen.c.name).order_by(G.process).limit(1).scalar_subquery()
    seen = seen.union_all(select(following).where(seen.c.name.is_not(None)))
    with engine.connect() as connection:
        return [name for (name,) in connection.execute(select(seen.c.name).where(seen.c.name.is_not(None)))]


def aggregates(processes: list[str], bounds: list[datetime]) -> list[Any]:
    """Statements giving counts, saved minutes and baseline versions per (process, bucket i =
    [bounds[i], bounds[i+1])).

    One aggregate per (process, bucket), each an index range scan on (process, finished_at), joined
    by UNION ALL: no sort of the rows (SQLite has no hash aggregate; a GROUP BY over a million rows
    costs it more than a second). Split in several statements, to run side by side."""
    def count(condition):  # noqa: ANN001, ANN202
        return func.sum(case((condition, literal_column("1", Integer)), else_=literal_column("0", Integer)))
    done = G.outcome == "done"
    branches = [
        select(literal_column(str(p), Integer).label("p"), literal_column(str(i), Integer).label("i"),
               count(done), count(G.outcome == "manual"), count(G.outcome == "failed"),
               func.sum(case((done, G.saved_minutes), else_=0.0)),
               func.min(case((done, G.baseline_version))), func.max(case((done, G.baseline_version))))
        .where(G.process == process, G.finished_at >= bounds[i], G.finished_at < bounds[i + 1])
        for i in range(len(bounds) - 1) for p, process in enumerate(processes)]
    parts = max(WORKERS, math.ceil(len(branches) / BRANCHES_PER_STATEMENT))
    size = math.ceil(len(branches) / parts)
    chunks = [branches[n:n + size] for n in range(0, len(branches), size)]
    return [union_all(*chunk) if len(chunk) > 1 else chunk[0] for chunk in chunks]


def buckets_of(rows: list[Any], processes: list[str]) -> dict[tuple[str, int], Bucket]:
    result = {}
    for p, index, n_done, n_manual, n_failed, minutes, low, high in rows:
        if n_done or n_manual or n_failed:
            # buckets are cut at every baseline's valid_from: at most the version in force and, for rows
            # finished in the first hours of its first day, the one before it (the log dates by UTC day),
            # so the lowest and the highest version are all of them
            result[(processes[p], index)] = Bucket(int(n_done or 0), int(n_manual or 0), int(n_failed or 0),
                                                    float(minutes or 0), {v for v in (low, high) if v})
    return result


def lead_times(engine: Engine, start: datetime, end: datetime,
                steps: dict[str, int]) -> list[tuple[str, datetime, datetime]]:
    """(process, arrived_at, finished_at) of the counted rows with an arrival time: all of them for a
    process whose step is 1; about one in ``step`` for the others, read as evenly spread blocks of
    consecutive row ids (the log is written in finish order), so that only the sample is read, then
    thinned per process by a hash of the row id (the same rows every time)."""
    columns = (G.id, G.process, G.arrived_at, G.finished_at)
    counted = (G.finished_at >= start, G.finished_at < end, G.outcome == "done", G.arrived_at.is_not(None),
               G.arrived_at <= G.finished_at)
    exact = sorted(p for p, k in steps.items() if k == 1)
    sampled = {p: k for p, k in steps.items() if k > 1}
    share = 1 / min(sampled.values()) if sampled else 1.0  # the largest share a process needs
    if share > MAX_BLOCK_SHARE:  # blocks would read most rows: read them all
        exact, share = exact + sorted(sampled), 1.0
    rows = _fetch(engine, select(*columns).where(G.process.in_(exact), *counted)) if exact else []
    if sampled and share < 1:
        with engine.connect() as connection:  # two index ends (both in one aggregate would scan)
            low, high = connection.execute(select(select(func.min(G.id)).scalar_subquery(),
                                                  select(func.max(G.id)).scalar_subquery())).one()
        span = high - low + 1
        size = max(1, min(BLOCK, int(share * span / MIN_BLOCKS)))  # never fewer than MIN_BLOCKS blocks
        count = math.ceil(share * span / size)
        blocks = values(sql_column("first", Integer), name="blocks").data(
            [(first,) for first in sorted({low + k * span // count for k in range(count)})]).cte("blocks")
        # each block a range of row ids, nothing else in the SQL (any filter tempts the planner to
        # build an index of the whole table); the block's rows are filtered here
        block_rows = _fetch(engine, select(*columns, G.outcome).select_from(blocks.join(
            GevinstRow.__table__, (G.id >= blocks.c.first) & (G.id < blocks.c.first + size))))
        rows += [(i, p, a, f) for i, p, a, f, outcome in block_rows if p in sampled and outcome == "done"
                 and start <= f < end and a is not None and a <= f]
    return [(process, arrived, finished) for row_id, process, arrived, finished in rows
            if process not in sampled or _kept(row_id, 1 / sampled[process] / share)]


def _kept(row_id: int, share: float) -> bool:
    """Whether a row of a block is in the sample of a process that needs ``share`` of the blocks' rows."""
    return (row_id * 2654435761) % 4294967291 < share * 4294967291


def _fetch(engine: Engine, statement: Any) -> list[Any]:
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":  # JIT-compiling a plan of a hundred small index
            connection.exec_driver_sql("SET LOCAL jit = off")  # scans takes seconds (15 s at 1 M rows)
        return list(connection.execute(statement))


def fetch_all(engine: Engine, statements: list[Any]) -> list[list[Any]]:
    """Run the statements side by side, each on its own connection (SQLite and PostgreSQL both let
    readers run in parallel; the work is index scans, so it uses the machine's cores)."""
    if WORKERS == 1 or len(statements) == 1 or one_connection(engine):
        return [_fetch(engine, statement) for statement in statements]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(lambda statement: _fetch(engine, statement), statements))
