"""Running a robot: ``robot`` as a subprocess in its own process group, output per run, runs stored."""

from saksrobot.runner.model import Run, RunStatus
from saksrobot.runner.run import RunResult, end_process_tree, robot_path, run_robot

__all__ = ["Run", "RunResult", "RunStatus", "end_process_tree", "robot_path", "run_robot"]
