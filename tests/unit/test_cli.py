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


def test_new_robot_scaffolds_a_working_robot_whose_acceptance_test_passes_as_made(tmp_path, monkeypatch):
    (tmp_path / "config").mkdir()
    monkeypatch.setenv("SAKSROBOT_HOME", str(tmp_path))
    result = runner.invoke(app, ["new", "robot", "building_permits"])
    assert result.exit_code == 0, result.output
    created = tmp_path / "robots" / "building_permits.robot"
    test = tmp_path / "tests" / "acceptance" / "building_permits.robot"
    assert robot_path(load_settings(), "building_permits") == created
    assert len(list((tmp_path / "robots" / "data" / "building_permits").glob("*.json"))) == 4
    assert "[[gevinst.baselines.building_permits]]" in result.output
    assert runner.invoke(app, ["new", "robot", "building_permits"]).exit_code == 2
    assert runner.invoke(app, ["new", "robot", "Bad Name"]).exit_code == 2
    lint = subprocess.run([sys.executable, "-m", "robocop", "check", str(created), str(test)], capture_output=True,
                          text=True)
    assert lint.returncode == 0, lint.stdout
    acceptance = subprocess.run([sys.executable, "-m", "robot", "--outputdir", str(tmp_path / "out"), str(test)],
                                capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert acceptance.returncode == 0, acceptance.stdout[-3000:]


def test_robots_and_acceptance_suites_are_lint_clean():
    root = load_settings().home
    lint = subprocess.run([sys.executable, "-m", "robocop", "check", str(root / "robots"),
                           str(root / "tests" / "acceptance")], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout
