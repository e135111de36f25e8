"""Runs the Robot Framework acceptance suites in this folder as part of `make test`."""

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.acceptance
@pytest.mark.browser
@pytest.mark.parametrize("suite", sorted(p.name for p in HERE.glob("*.robot")))
def test_robot_suite(suite, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "robot", "--outputdir", str(tmp_path), "--consolecolors", "off",
         "--pythonpath", str(HERE.parent),  # the tests' shared helpers
         "--consolewidth", "100", str(HERE / suite)],
        capture_output=True, text=True, timeout=1500, check=False)
    assert result.returncode == 0, f"{suite} failed (log: {tmp_path / 'log.html'}):\n{result.stdout[-6000:]}"
