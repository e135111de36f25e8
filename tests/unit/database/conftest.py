"""Fixtures of the database tests: the saksrobot command on a given database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from saksrobot.cli import app


@pytest.fixture
def saksrobot(monkeypatch) -> Callable[..., object]:
    """``saksrobot(url, *args)``: run the command line on the database at ``url``; the result has
    ``exit_code`` and ``output``."""
    runner = CliRunner()

    def run(url: str, *args: str):  # noqa: ANN202 - typer's Result
        monkeypatch.setenv("SAKSROBOT_DATABASE__URL", url)
        return runner.invoke(app, list(args), catch_exceptions=False)

    return run
