import subprocess
import sys

import pytest
from typer.testing import CliRunner

from saksrobot.cli import app
from saksrobot.runner import robot_path
from saksrobot.settings import load_settings

runner = CliRunner()


@pytest.mark.parametrize("command", [[], ["config"], ["run"], ["demo"], ["sim"], ["browser"], ["docs"], ["new"],
                                     ["serve"], ["user"], ["schedule"], ["runs"]])
def test_every_command_has_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and result.output.strip()


def test_run_names_the_known_robots_when_one_is_unknown():
    result = runner.invoke(app, ["run", "no_such_robot"])
    assert result.exit_code == 2
    assert "archive_cases" in result.output


def test_new_robot_scaffolds_a_lint_clean_robot(tmp_path, monkeypatch):
    (tmp_path / "config").mkdir()
    (tmp_path / "robots").mkdir()
    monkeypatch.setenv("SAKSROBOT_HOME", str(tmp_path))
    result = runner.invoke(app, ["new", "robot", "building_permits"])
    assert result.exit_code == 0, result.output
    created = tmp_path / "robots" / "building_permits.robot"
    assert robot_path(load_settings(), "building_permits") == created
    assert runner.invoke(app, ["new", "robot", "building_permits"]).exit_code == 2
    assert runner.invoke(app, ["new", "robot", "Bad Name"]).exit_code == 2
    lint = subprocess.run([sys.executable, "-m", "robocop", "check", str(created)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout


def test_robots_and_acceptance_suites_are_lint_clean():
    root = load_settings().home
    lint = subprocess.run([sys.executable, "-m", "robocop", "check", str(root / "robots"),
                           str(root / "tests" / "acceptance")], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
