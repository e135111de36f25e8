"""The invoice robot and its validation, as a site runs it (``saksrobot run invoices`` against the
archive simulator): without a readable official release it stops before taking any invoice; with
``invoices.validation = "builtin"`` its summary and log say so; with the release, every filed
invoice records what it was validated with."""

from __future__ import annotations

import pytest

from saksrobot.database import make_engine
from saksrobot.demo import robot_environment
from saksrobot.demo.corpus import official_artefacts
from saksrobot.demo.invoice_inbox import write_inbox
from saksrobot.runner import RunStatus, run_robot
from saksrobot.settings import load_settings
from saksrobot.workitems import State, WorkItemStore


@pytest.fixture
def run(tmp_path, sims):
    database = f"sqlite:///{tmp_path / 'saksrobot.db'}"
    settings = load_settings(logs_dir=tmp_path / "logs", database={"url": database})
    env = robot_environment(settings, sims, database_url=database) | {
        "SAKSROBOT_INVOICES__FOLDER": str(tmp_path / "invoices"), "SAKSROBOT_INVOICES__SETTLE_SECONDS": "0"}
    write_inbox(tmp_path / "invoices" / "inbox", invoices=5, hostile=False)

    def run_with(**validation: str):
        result = run_robot(settings, "invoices", env=env | {f"SAKSROBOT_INVOICES__{k.upper()}": v
                                                          for k, v in validation.items()}, timeout=300)
        return result, WorkItemStore(make_engine(database))

    return run_with, tmp_path / "invoices" / "inbox"


def test_without_a_readable_release_the_robot_stops_before_taking_any_invoice(run, tmp_path):
    inbox_before = sorted(p.name for p in run[1].iterdir())
    result, store = run[0](validation="official", validation_artefacts=str(tmp_path / "no-release"))
    assert result.status is RunStatus.FAILED
    assert store.find("invoices") == []  # no item taken, none filed "valid by default"
    assert sorted(p.name for p in run[1].iterdir()) == inbox_before
    assert "Fant ikke de offisielle valideringsfilene" in (result.output_dir / "console.log").read_text()


def test_a_builtin_run_says_so_in_its_summary(run):
    result, store = run[0](validation="builtin")
    assert result.status is RunStatus.SUCCEEDED
    assert any("bare med saksrobots egne regler" in note for note in result.summary["notes"])
    done = store.find("invoices", [State.DONE])
    assert done and all(i.result["validated_with"].startswith("saksrobots egne regler") for i in done)


@pytest.mark.skipif(official_artefacts() is None, reason="the official stylesheets are not here")
def test_an_official_run_records_the_release_on_every_invoice(run):
    result, store = run[0](validation="official", validation_artefacts=str(official_artefacts()))
    assert result.status is RunStatus.SUCCEEDED
    assert any("3.0.21" in note for note in result.summary["notes"])
    done = store.find("invoices", [State.DONE])
    assert done and all("3.0.21" in i.result["validated_with"] for i in done)
