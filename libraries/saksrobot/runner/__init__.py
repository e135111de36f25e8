"""Running a robot: ``robot`` as a subprocess in its own process group, output per run."""

from saksrobot.runner.run import RunResult, robot_path, run_robot

__all__ = ["RunResult", "robot_path", "run_robot"]
