"""One run of one robot: ``python -m robot`` in its own process group, with its output in
``logs/<robot>/<YYYYmmdd-HHMMSS>-<run id>/`` (output.xml, log.html, report.html)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from saksrobot.errors import ConfigurationError
from saksrobot.settings import Settings


@dataclass(frozen=True)
class RunResult:
    robot: str
    run_id: str
    output_dir: Path
    return_code: int

    @property
    def succeeded(self) -> bool:
        return self.return_code == 0

    @property
    def log_html(self) -> Path:
        return self.output_dir / "log.html"


def robot_path(settings: Settings, robot: str) -> Path:
    """``robots/<robot>.robot`` under the project, or a path given as it is."""
    candidate = Path(robot)
    if candidate.suffix != ".robot":
        candidate = settings.path("robots") / f"{robot}.robot"
    if not candidate.exists():
        known = sorted(p.stem for p in settings.path("robots").glob("*.robot"))
        raise ConfigurationError(f"No robot {robot!r}; known robots: {', '.join(known)}")
    return candidate


def run_robot(settings: Settings, robot: str, *, variables: Mapping[str, str] | None = None,
              env: Mapping[str, str] | None = None, timeout: float | None = None) -> RunResult:
    """Run a robot and wait for it. ``env`` is added to this process's environment."""
    path = robot_path(settings, robot)
    run_id = uuid.uuid4().hex[:8]
    output_dir = settings.path(settings.logs_dir) / path.stem / f"{datetime.now():%Y%m%d-%H%M%S}-{run_id}"
    output_dir.mkdir(parents=True)
    command = [sys.executable, "-m", "robot", "--outputdir", str(output_dir), "--consolecolors", "off",
               "--consolemarkers", "off", "--name", path.stem, "--variable", f"RUN_ID:{run_id}"]
    for name, value in (variables or {}).items():
        command += ["--variable", f"{name}:{value}"]
    process = subprocess.Popen([*command, str(path)], env={**os.environ, **(env or {})},
                               cwd=settings.home, start_new_session=True)
    try:
        return_code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        return_code = process.wait()
    return RunResult(robot=path.stem, run_id=run_id, output_dir=output_dir, return_code=return_code)
