"""Benchmark: 600 case requests through the api back-end, run by 1, 2 and 3 workers.

For each number of workers N: a scratch PostgreSQL database, the simulators (``saksrobot sim``, a
process of their own, SQLite), a request sheet of 600 rows (the demo's rows under new ids) and N
``saksrobot worker`` processes (one run each); ``[robots.archive_cases] parallel = N``, so that the
run asks for N-1 extra consumers once it has taken the sheet in. Measured: from the run put in the
queue to every item settled (robot start-up included), and the consumers' phase alone (the first
item settled to the last); cases per second and the speed-up over one worker, side by side.

On a 2-core machine the robots, the simulator and PostgreSQL share the two cores: the speed-up
shows where one of them is the limit (the simulator process is printed with its CPU time).

    .venv/bin/python benchmarks/workers.py [--requests 600] [--workers 1,2,3] [--server URL]

``--server`` is a PostgreSQL database the benchmark may create scratch databases from
(default: the local ``test`` database).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
from sqlalchemy import create_engine, make_url, text

from saksrobot import sheets
from saksrobot.demo import demo_key
from saksrobot.demo.sample import sample_rows
from saksrobot.domain.case_request import COLUMNS
from saksrobot.simulators.archive.seed import DEMO_ENTERPRISES, DEMO_PERSONS
from saksrobot.simulators.server import wait_healthy

SAKSROBOT = [sys.executable, "-m", "saksrobot.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch_database(server: str) -> tuple[str, callable]:
    """A new database on the server and how to drop it."""
    name = f"saksrobot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


def one_round(folder: Path, server: str, requests: int, workers: int) -> dict[str, float]:
    database, drop = scratch_database(server)
    ports = free_port(), free_port()
    env = {**os.environ, "SAKSROBOT_DATABASE__URL": database, "SAKSROBOT_LOGS_DIR": str(folder / "logs"),
           "SAKSROBOT_SIMULATORS__ARCHIVE_PORT": str(ports[0]), "SAKSROBOT_SIMULATORS__SCHOOLADMIN_PORT": str(ports[1]),
           "SAKSROBOT_SIMULATORS__API_KEY": "bench-key", "SAKSROBOT_SIMULATORS__PASSWORD": "bench-password",
           "SAKSROBOT_SIMULATORS__ARCHIVE_DATABASE_URL": f"sqlite:///{folder / 'archive.db'}",
           "SAKSROBOT_SIMULATORS__SCHOOLADMIN_DATABASE_URL": f"sqlite:///{folder / 'school.db'}",
           "SAKSROBOT_WORKITEMS__ENCRYPTION_KEY": demo_key(f"sqlite:///{folder / 'keys.db'}"),
           "SAKSROBOT_ARCHIVE__BASE_URL": f"http://127.0.0.1:{ports[0]}", "SAKSROBOT_ARCHIVE__API_KEY": "bench-key",
           "SAKSROBOT_ARCHIVE__BACKEND": "api", "SAKSROBOT_RUNNER__MODE": "workers",
           "SAKSROBOT_RUNNER__HEARTBEAT_SECONDS": "1", "SAKSROBOT_ROBOTS__ARCHIVE_CASES__PARALLEL": str(workers)}
    rows = sample_rows(DEMO_PERSONS, DEMO_ENTERPRISES)
    sheet = folder / "requests.xlsx"
    sheets.write_rows(sheet, list(COLUMNS), [rows[n % len(rows)] | {"Id": f"B{n}"} for n in range(requests)])
    started: list[subprocess.Popen] = []
    try:
        sim = subprocess.Popen([*SAKSROBOT, "sim"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
        started.append(sim)
        wait_healthy(f"http://127.0.0.1:{ports[0]}", lambda: sim.poll() is None, "archive", time.monotonic() + 60)
        subprocess.run([*SAKSROBOT, "db", "upgrade"], env=env, check=True, capture_output=True)
        for n in range(workers):
            work = folder / f"w{n + 1}"
            work.mkdir()
            started.append(subprocess.Popen([*SAKSROBOT, "worker", "--name", f"w{n + 1}"], env=env, cwd=work,
                                            stdout=(work / "worker.log").open("wb"), stderr=subprocess.STDOUT,
                                            start_new_session=True))
        engine = create_engine(database)

        def scalar(sql: str) -> float:
            with engine.connect() as connection:
                return connection.scalar(text(sql)) or 0

        while scalar("SELECT count(*) FROM workers") < workers:
            time.sleep(0.2)
        sim_cpu = psutil.Process(sim.pid).cpu_times()
        began = time.monotonic()
        subprocess.run([*SAKSROBOT, "run", "archive_cases", "--queue", "--variable", f"REQUESTS:{sheet}"], env=env,
                       check=True, capture_output=True)
        while scalar("SELECT count(*) FROM work_items WHERE state IN ('done', 'manual', 'failed')") < requests:
            time.sleep(0.2)
        wall = time.monotonic() - began
        first, last = (scalar(f"SELECT extract(epoch from {f}(updated_at)) FROM work_items") for f in ("min", "max"))
        cpu = psutil.Process(sim.pid).cpu_times()
        done = scalar("SELECT count(*) FROM work_items WHERE state = 'done'")
        runs = scalar("SELECT count(DISTINCT run_id) FROM work_items WHERE state = 'done'")
        engine.dispose()
        return {"wall": wall, "phase": last - first, "done": done, "runs": runs,
                "sim_cpu": (cpu.user + cpu.system) - (sim_cpu.user + sim_cpu.system)}
    finally:
        for process in reversed(started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    print(f"{args.requests} case requests through the api back-end, {os.cpu_count()} cores", flush=True)
    results = {}
    for workers in counts:
        with tempfile.TemporaryDirectory() as tmp:
            results[workers] = r = one_round(Path(tmp), args.server, args.requests, workers)
        print(f"  {workers} worker(s): {r['wall']:.1f} s from queue to last item ({args.requests / r['wall']:.1f} "
              f"requests/s); consumers' phase {r['phase']:.1f} s ({args.requests / r['phase']:.1f}/s); "
              f"{r['done']:.0f} cases made by {r['runs']:.0f} run(s); simulator CPU {r['sim_cpu']:.1f} s",
              flush=True)
    base = results[counts[0]]
    print("  speed-up over " + f"{counts[0]} worker(s): " + ", ".join(
        f"{n}: {base['wall'] / r['wall']:.2f}× end to end, {base['phase'] / r['phase']:.2f}× consumers' phase"
        for n, r in results.items()), flush=True)


if __name__ == "__main__":
    main()
