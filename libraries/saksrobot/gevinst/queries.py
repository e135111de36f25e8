"""The report's reads of the gevinst log: the sums per (robot, bucket) from the log's totals, and the
lead-time sample read as spread blocks of row ids. The same rows on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, case, func, literal, literal_column, select
from sqlalchemy.engine import Engine

from saksrobot.gevinst.model import GevinstRow, GevinstTotal

BLOCK, MIN_BLOCKS = 32, 100  # consecutive rows read per block of the sample (at most), blocks (at least)
MAX_BLOCK_SHARE = 0.25  # above this share of the rows a process needs, its rows are read in full
G, T = GevinstRow, GevinstTotal


@dataclass
class Bucket:
    done: int = 0
    manual: int = 0
    failed: int = 0
    minutes: float = 0.0
    versions: set[str] = field(default_factory=set)


def buckets_of(engine: Engine, bounds: list[datetime], robot: str | None = None) -> dict[tuple[str, int], Bucket]:
    """Counts, saved minutes and baseline versions per (process, bucket i = [bounds[i], bounds[i+1])),
    summed from the log's totals in one query. The bounds are Norwegian midnights in UTC."""
    if any((b.hour, b.minute, b.second, b.microsecond) not in ((22, 0, 0, 0), (23, 0, 0, 0)) for b in bounds):
        raise ValueError("the report's bounds must be midnights in Oslo (22:00 or 23:00 UTC)")
    inner = bounds[1:-1]
    index = case(*((T.period_start < b, i) for i, b in enumerate(inner)), else_=len(inner)) if inner else literal(0)
    query = (select(T.process, index.label("bucket"), T.outcome, T.baseline_version, func.sum(T.items),
                    func.sum(T.saved_minutes))
             .where(T.period_start >= bounds[0], T.period_start < bounds[-1], T.items > 0)
             .group_by(T.process, "bucket", T.outcome, T.baseline_version))
    if robot:
        query = query.where(T.process == robot)
    result: dict[tuple[str, int], Bucket] = {}
    with engine.connect() as connection:
        for process, i, outcome, version, n, minutes in connection.execute(query):
            bucket = result.setdefault((process, i), Bucket())
            if outcome in ("done", "manual", "failed"):
                setattr(bucket, outcome, getattr(bucket, outcome) + n)
            if outcome == "done":
                bucket.minutes += minutes or 0
                bucket.versions |= {version} if version else set()
    return {key: b for key, b in result.items() if b.done or b.manual or b.failed}


def lead_times(engine: Engine, start: datetime, end: datetime,
               steps: dict[str, int]) -> list[tuple[str, datetime, float]]:
    """(process, finished_at, lead time in hours) of the counted rows with an arrival time: all of them
    for a process whose step is 1; about one in ``step`` for the others, read as evenly spread blocks of
    consecutive row ids (the log is written in finish order), so that only the sample is read, then
    thinned per process by a hash of the row id (the same rows every time). On PostgreSQL the blocks'
    rows are filtered, thinned and their lead times computed in the query (only the sample travels);
    SQLite searches an index for every block if the query filters, so there that is done here."""
    postgres = engine.dialect.name == "postgresql"
    counted = (G.finished_at >= start, G.finished_at < end, G.outcome == "done", G.arrived_at.is_not(None),
               G.arrived_at <= G.finished_at)
    lead = (func.date_part("epoch", G.finished_at - G.arrived_at) / 3600.0).label("lead") if postgres else None
    columns = (G.process, G.finished_at, lead) if postgres else (G.id, G.process, G.arrived_at, G.finished_at)
    exact = sorted(p for p, k in steps.items() if k == 1)
    sampled = {p: k for p, k in steps.items() if k > 1}
    share = 1 / min(sampled.values()) if sampled else 1.0  # the largest share a process needs
    if share > MAX_BLOCK_SHARE:  # blocks would read most rows: read them all
        exact, share = exact + sorted(sampled), 1.0
    rows = _fetch(engine, select(*columns).where(G.process.in_(exact), *counted)) if exact else []
    if not postgres:
        rows = [(p, f, (f - a).total_seconds() / 3600) for _, p, a, f in rows]
    if sampled and share < 1:
        blocks = _blocks(engine, share)
        if postgres:
            # the blocks' rows first (MATERIALIZED: with the filters inside, the planner leaves the blocks
            # for a scan of the whole log), then filtered and thinned
            read = select(G.id, G.process, G.outcome, G.arrived_at, G.finished_at).select_from(blocks).cte(
                "block_rows").prefix_with("MATERIALIZED")
            r = read.c
            lead_of = (func.date_part("epoch", r.finished_at - r.arrived_at) / 3600.0).label("lead")
            rows += _fetch(engine, select(r.process, r.finished_at, lead_of).where(
                r.process.in_(sorted(sampled)), r.outcome == "done", r.finished_at >= start, r.finished_at < end,
                r.arrived_at.is_not(None), r.arrived_at <= r.finished_at,
                r.id * _int(_HASH_FACTOR) % _int(_HASH_MODULUS) < case(
                    {p: _int(_threshold(k, share)) for p, k in sampled.items()}, value=r.process, else_=_int(-1))))
        else:
            rows += [(p, f, (f - a).total_seconds() / 3600) for i, p, a, f, outcome
                     in _fetch(engine, select(*columns, G.outcome).select_from(blocks))
                     if p in sampled and outcome == "done" and start <= f < end and a is not None and a <= f
                     and _kept(i, _threshold(sampled[p], share))]
    return rows


def _blocks(engine: Engine, share: float) -> Any:
    """The log joined to the sample's blocks: block k is the ids [low + k × stride, + size), k counted by
    a recursive CTE (a VALUES list of a thousand starts took longer to build than to run)."""
    with engine.connect() as connection:  # two index ends (both in one aggregate would scan)
        low, high = connection.execute(select(select(func.min(G.id)).scalar_subquery(),
                                              select(func.max(G.id)).scalar_subquery())).one()
    span = high - low + 1
    size = max(1, min(BLOCK, int(share * span / MIN_BLOCKS)))  # never fewer than MIN_BLOCKS blocks
    stride = max(size, span // math.ceil(share * span / size))
    blocks = select(_int(0).label("k")).cte("blocks", recursive=True)
    blocks = blocks.union_all(select(blocks.c.k + _int(1)).where(blocks.c.k < _int((span - 1) // stride)))
    first = _int(low) + blocks.c.k * _int(stride)
    return blocks.join(GevinstRow.__table__, (G.id >= first) & (G.id < first + _int(size)))


def _int(value: int) -> Any:
    """An integer written into the SQL (a bind parameter's type would be guessed from its size)."""
    return literal_column(str(int(value)), Integer)


_HASH_FACTOR, _HASH_MODULUS = 2654435761, 4294967291  # a multiplicative hash of the row id


def _threshold(step: int, share: float) -> int:
    """The hash below which a row of a block is in the sample of a process whose step is ``step``, when
    the blocks hold ``share`` of the rows."""
    return math.ceil(_HASH_MODULUS / step / share)


def _kept(row_id: int, threshold: int) -> bool:
    return (row_id * _HASH_FACTOR) % _HASH_MODULUS < threshold


def _fetch(engine: Engine, statement: Any) -> list[Any]:
    with engine.connect() as connection:
        if connection.dialect.name != "postgresql":
            return connection.execute(statement).all()
        # JIT-compiling a plan of a hundred small index scans takes seconds (15 s at 1 M rows)
        connection.exec_driver_sql("SET LOCAL jit = off")
        # the rows straight from psycopg, in its binary format: for the lead-time sample's 40 000 rows,
        # building SQLAlchemy rows from text took as long as the query
        compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
        cursor = connection.connection.driver_connection.cursor(binary=True)
        return cursor.execute(str(compiled), compiled.params).fetchall()
