"""Benchmark: robot start-up. Wall time of ``saksrobot run archive_cases`` with nothing to do (a
request sheet without rows, CSV as the robot's default; database, simulators and run folders as in
production) side by side with
the anchor measured in the same run: ``python -m robot`` of a suite with one empty task, writing
its output.xml, log and report as a run does. Medians of the runs (interleaved); the figure is the
difference (goal: at most 1.5 s) and the ratio.

    .venv/bin/python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from saksrobot import sheets
from saksrobot.demo import robot_environment
from saksrobot.demo.sample import COLUMNS
from saksrobot.settings import load_settings
from saksrobot.simulators import databases_in, running_simulators

EMPTY_SUITE = "*** Tasks ***\nNothing\n    No Operation\n"


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    began = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        settings = databases_in(load_settings(home=Path(__file__).resolve().parents[1], logs_dir=home / "logs"), home)
        with running_simulators(settings, port=0) as sims:
            database = f"sqlite:///{home / 'saksrobot.db'}"
            env = os.environ | robot_environment(settings, sims, database_url=database) | {
                "SAKSROBOT_LOGS_DIR": str(home / "logs")}
            sheet = sheets.write_rows(home / "empty.csv", list(COLUMNS), [])
            (home / "empty.robot").write_text(EMPTY_SUITE, encoding="utf-8")
            saksrobot = [str(Path(sys.executable).with_name("saksrobot")), "run", "archive_cases",
                         "--variable", f"REQUESTS:{sheet}"]
            bare = [sys.executable, "-m", "robot", "--outputdir", str(home / "bare"), str(home / "empty.robot")]
            timed(saksrobot, env, home)  # the first run creates the database
            ours, anchor = [], []
            for _ in range(args.runs):
                ours.append(timed(saksrobot, env, home))
                anchor.append(timed(bare, env, home))
    ours_med, anchor_med = statistics.median(ours), statistics.median(anchor)
    print(f"saksrobot run archive_cases, nothing to do: median {ours_med:.2f} s ({args.runs} runs)")
    print(f"python -m robot, one empty task:            median {anchor_med:.2f} s")
    print(f"over the anchor: {ours_med - anchor_med:.2f} s (goal <= 1.5 s), ratio {ours_med / anchor_med:.1f}")


if __name__ == "__main__":
    main()
