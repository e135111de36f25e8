"""Benchmark: the manager report's year view (the year, year-to-date and the previous year, with the
charts' months and tertials) over 1 000 000 generated gevinst rows. Goal: under 2 s.

The rows are spread evenly over the viewed year and the one before it (four robots; 86 % done, 7 %
manual, 2 % failed, 3 % retries, 2 % duplicates; arrival 1 minute to 3 days before the finish), with
a baseline re-measured and a rate changed in the middle of the year. They are bulk-inserted into an
SQLite file in a temporary folder (and, with ``--postgres URL``, into that database too: it must be
a scratch database whose gevinst_log holds no rows but this benchmark's; it is ANALYZEd, as
autovacuum would).

The report runs in a fresh process: the median wall time over ``--runs`` runs, the CPU time of the
same runs, then one more run under tracemalloc for its peak of Python allocations, and the
process' peak resident memory (ru_maxrss, which includes the interpreter and the libraries). The
anchors, measured in the same process and printed with the ratio: the floor queries, the one
aggregate the view needs (items and saved minutes per robot, outcome and month over both years) as a
GROUP BY, and as one index range scan per robot and month (the cheapest way to the same figures
from the log's rows; the report reads the log's totals instead). Then what keeping the totals costs
a robot: the median time to write one row as a robot does (its own transaction), with the totals'
triggers and without them (dropped for the measurement, then made again), and the ratio.

    .venv/bin/python benchmarks/report.py [--rows 1000000] [--runs 5] [--postgres URL]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import statistics
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, insert, select, union_all
from sqlalchemy.orm import Session

from saksrobot.database import make_engine
from saksrobot.gevinst import GevinstLog, GevinstRow, build_report, parse_period, plan_of
from saksrobot.gevinst.model import TRIGGERS, totals_triggers
from saksrobot.gevinst.plan import saved_minutes_per_item
from saksrobot.settings import GevinstSettings, Settings, load_settings

YEAR, TODAY, RUN_ID, WRITE_RUN = 2026, date(2026, 10, 15), "bench", "bench-write"
OUTCOMES = [("done", 0.86), ("manual", 0.07), ("failed", 0.02), ("retry", 0.03), ("duplicate", 0.02)]


def bench_settings() -> Settings:
    """The configured baselines and rates, plus a re-measured baseline and a new rate mid-year."""
    settings = load_settings()
    data = settings.gevinst.model_dump()
    invoices = data["baselines"]["invoices"][-1]
    data["baselines"]["invoices"].append({**invoices, "version": f"{YEAR}-06", "valid_from": date(YEAR, 6, 1),
                                          "manual_minutes": invoices["manual_minutes"] * 0.8})
    data["rates"].append({**data["rates"][-1], "valid_from": date(YEAR, 7, 1), "hourly_cost_nok": 700,
                          "source": "benchmark: ny sats fra juli"})
    for process, baselines in data["baselines"].items():  # the previous year had the same baselines
        baselines.insert(0, {**baselines[0], "version": f"{YEAR - 1}-01", "valid_from": date(YEAR - 1, 1, 1)})
        data["baselines"][process] = baselines
    return settings.model_copy(update={"gevinst": GevinstSettings.model_validate(data)})


def generate(url: str, rows: int, gevinst: GevinstSettings, seed: int = 7) -> float:
    """Bulk-insert ``rows`` rows as the gevinst log would have written them; returns seconds taken."""
    engine = make_engine(url)
    with Session(engine) as s:
        total = s.scalar(select(func.count()).select_from(GevinstRow)) or 0
        ours = s.scalar(select(func.count()).select_from(GevinstRow).where(GevinstRow.run_id == RUN_ID)) or 0
    if total != ours:
        raise SystemExit(f"{url} holds {total - ours} gevinst rows of its own: use a scratch database")
    if ours == rows:
        print(f"  reusing the {rows:,} rows already there")
        return 0.0
    with engine.begin() as connection:
        connection.execute(GevinstRow.__table__.delete())
    rnd = random.Random(seed)
    processes = sorted(gevinst.baselines)
    start = datetime(YEAR - 1, 1, 1)
    step = (datetime(YEAR + 1, 1, 1) - start) / rows
    names, weights = zip(*OUTCOMES, strict=True)
    began = time.perf_counter()
    chunk: list[dict] = []
    with engine.begin() as connection:
        for n in range(rows):
            finished = start + step * n
            process = processes[n % len(processes)]
            baseline = gevinst.baseline(process, finished.date())
            outcome = rnd.choices(names, weights)[0]
            chunk.append({
                "process": process, "robot_version": "0.1.0", "run_id": RUN_ID, "business_key": f"{process}-{n}",
                "outcome": outcome, "reason_code": None, "target_refs": {}, "baseline_version": baseline.version,
                "manual_minutes": baseline.manual_minutes, "saving_share": baseline.saving_share,
                "followup_minutes": baseline.followup_minutes,
                "saved_minutes": saved_minutes_per_item(baseline) if outcome == "done" else 0.0,
                "arrived_at": finished - timedelta(minutes=rnd.randint(1, 3 * 24 * 60)), "finished_at": finished})
            if len(chunk) == 50_000:
                connection.execute(insert(GevinstRow), chunk)
                chunk = []
        if chunk:
            connection.execute(insert(GevinstRow), chunk)
    if engine.dialect.name == "postgresql":  # the planner's statistics, as autovacuum keeps them
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE gevinst_log")
    engine.dispose()
    return time.perf_counter() - began


def measure(url: str, runs: int, results: multiprocessing.Queue) -> None:
    """In a fresh process: ``runs`` timed year views, then one under tracemalloc."""
    settings = bench_settings()
    plan = plan_of(settings)
    engine = make_engine(url)
    period = parse_period(str(YEAR))
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        report = build_report(engine, settings.gevinst, plan, period, today=TODAY)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    tracemalloc.start()
    build_report(engine, settings.gevinst, plan, period, today=TODAY)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    counted = sum(v.total.items_done + v.total.handed_over + v.total.failed for v in report.views[::2])
    floors = [(floor_query(engine), floor_ranges(engine)) for _ in range(runs)]
    results.put((walls, cpus, peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, counted, floors))


def floor_query(engine) -> float:  # noqa: ANN001 - an Engine
    """Seconds of the one aggregate the year view needs, fetched: per robot, outcome and month."""
    month = (func.strftime("%Y-%m", GevinstRow.finished_at) if engine.dialect.name == "sqlite"
             else func.date_trunc("month", GevinstRow.finished_at))
    query = (select(GevinstRow.process, GevinstRow.outcome, month, func.count(), func.sum(GevinstRow.saved_minutes))
             .where(GevinstRow.finished_at >= datetime(YEAR - 1, 1, 1),
                    GevinstRow.finished_at < datetime(YEAR + 1, 1, 1))
             .group_by(GevinstRow.process, GevinstRow.outcome, month))
    began = time.perf_counter()
    with engine.connect() as connection:
        without_jit(connection)
        connection.execute(query).all()
    return time.perf_counter() - began


def without_jit(connection) -> None:  # noqa: ANN001 - a Connection
    """PostgreSQL's JIT compiles a plan of many small scans for seconds: off, as the report has it."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL jit = off")


def floor_ranges(engine) -> float:  # noqa: ANN001 - an Engine
    """Seconds of the cheapest statement giving the same figures: per robot and month of both years,
    the count and saved minutes of each outcome, as one index range scan each (UNION ALL), on one
    connection. What the report does besides: baseline versions, lead times, and the views' sums."""
    with engine.connect() as connection:
        processes = list(connection.scalars(select(GevinstRow.process).distinct()))
    months = [datetime(YEAR - 1 + m // 12, m % 12 + 1, 1) for m in range(25)]
    branches = [select(GevinstRow.outcome, func.count(), func.sum(GevinstRow.saved_minutes))
                .where(GevinstRow.process == process, GevinstRow.finished_at >= months[m],
                       GevinstRow.finished_at < months[m + 1]).group_by(GevinstRow.outcome)
                for process in processes for m in range(24)]
    began = time.perf_counter()
    with engine.connect() as connection:
        without_jit(connection)
        for first in range(0, len(branches), 200):  # SQLite allows 500 SELECTs in one UNION ALL
            connection.execute(union_all(*branches[first:first + 200])).all()
    return time.perf_counter() - began


def write_cost(url: str, rows: int = 2000) -> tuple[float, float]:
    """Median seconds to write one gevinst row through :class:`GevinstLog` (a transaction each), with
    the totals' triggers and without them; the rows written are deleted again."""
    engine = make_engine(url)
    log, dialect = GevinstLog(engine, bench_settings().gevinst, "bench"), engine.dialect.name

    def write(tag: str) -> float:
        times = []
        for n in range(rows):
            began = time.perf_counter()
            log.record("invoices", f"{tag}-{n}", "done", finished_at=datetime(YEAR, 6, 1, 12), run_id=WRITE_RUN)
            times.append(time.perf_counter() - began)
        with engine.begin() as connection:  # (the totals follow, while their triggers are there)
            connection.execute(delete(GevinstRow).where(GevinstRow.run_id == WRITE_RUN))
        return statistics.median(times)

    with_totals = write("with")
    with engine.begin() as connection:
        for name in TRIGGERS[dialect]:
            connection.exec_driver_sql(f"DROP TRIGGER {name}" + (" ON gevinst_log" if dialect == "postgresql" else ""))
    try:
        without = write("without")
    finally:
        with engine.begin() as connection:
            for statement in totals_triggers(dialect)[1 if dialect == "postgresql" else 0:]:  # the function stays
                connection.exec_driver_sql(statement)
        engine.dispose()
    return with_totals, without


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", help="a scratch PostgreSQL database, e.g. postgresql+psycopg://…/bench")
    args = parser.parse_args()
    settings = bench_settings()
    with tempfile.TemporaryDirectory() as tmp:
        targets = {"SQLite": f"sqlite:///{Path(tmp) / 'bench.db'}"}
        if args.postgres:
            targets["PostgreSQL"] = args.postgres
        for name, url in targets.items():
            print(f"{name}: generating {args.rows:,} gevinst rows ({YEAR - 1}–{YEAR}, "
                  f"{len(settings.gevinst.baselines)} robots)…", flush=True)
            seconds = generate(url, args.rows, settings.gevinst)
            size = Path(url.removeprefix("sqlite:///")).stat().st_size / 1e6 if url.startswith("sqlite") else None
            print(f"  inserted in {seconds:.0f} s" + (f"; file {size:.0f} MB" if size else ""), flush=True)
            context = multiprocessing.get_context("spawn")
            results = context.Queue()
            worker = context.Process(target=measure, args=(url, args.runs, results))
            worker.start()
            walls, cpus, peak, maxrss, counted, floors = results.get(timeout=3600)
            worker.join()
            print(f"  year view {YEAR} (year, year-to-date, previous year; {counted:,} settled items): "
                  f"median {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}; "
                  f"{len(walls)} runs), CPU {statistics.median(cpus):.2f} s; "
                  f"peak memory: tracemalloc {peak / 1e6:.1f} MB, maxrss {maxrss / 1024:.0f} MB "
                  f"({'under' if statistics.median(walls) < 2 else 'OVER'} the 2 s goal)", flush=True)
            wall = statistics.median(walls)
            grouped, ranges = (statistics.median(f[k] for f in floors) for k in (0, 1))
            print(f"  floor: one GROUP BY per robot, outcome and month: median {grouped:.2f} s; "
                  f"ratio year view / floor {wall / grouped:.2f} (goal <= 1.2)", flush=True)
            print(f"  floor: one range scan per robot and month (UNION ALL, one connection): median {ranges:.2f} s; "
                  f"ratio year view / floor {wall / ranges:.2f} (goal <= 1.2)", flush=True)
            with_totals, without = write_cost(url)
            print(f"  writing one gevinst row (a transaction): median {with_totals * 1000:.2f} ms with the totals' "
                  f"triggers, {without * 1000:.2f} ms without; ratio {with_totals / without:.2f}", flush=True)


if __name__ == "__main__":
    main()
