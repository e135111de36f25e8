"""Running a robot: ``robot`` as a subprocess in its own process group, output per run, runs stored."""

from saksrobot.runner.lock import RobotBusy
from saksrobot.runner.model import Run, RunStatus
from saksrobot.runner.owners import mark_lost
from saksrobot.runner.processes import end_process_tree
from saksrobot.runner.run import (
    RunResult,
    known_robots,
    record_event,
    robot_path,
    run_robot,
    stop_runs,
)

__all__ = ["RobotBusy", "Run", "RunResult", "RunStatus", "end_process_tree", "known_robots", "mark_lost",
           "record_event", "robot_path", "run_robot", "stop_runs"]
