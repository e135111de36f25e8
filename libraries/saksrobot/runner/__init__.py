"""Running a robot: ``robot`` as a subprocess in its own process group, output per run, runs stored.

The names below are imported when first used: the run listener, loaded into every robot, imports
this package and needs none of them."""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {"RobotBusy": "lock", "Run": "model", "RunStatus": "model", "mark_lost": "owners", "request_stop": "owners",
          "NotRunning": "owners",
          "end_process_tree": "processes", "RunResult": "run", "known_robots": "run", "record_event": "run",
          "robot_path": "run", "run_recorded": "run", "run_robot": "run", "stop_runs": "run"}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
