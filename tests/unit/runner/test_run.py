"""The runner with real robot subprocesses: output folder, listener, summary, status, time limit."""

import json
import threading
import time
import uuid

import psutil
import pytest
from sqlalchemy.orm import Session

from saksrobot.database import make_engine
from saksrobot.runner import Run, RunStatus, run_robot
from saksrobot.settings import load_settings

ROBOTS = __import__("pathlib").Path(__file__).parent / "robots"


@pytest.fixture
def settings(tmp_path):
    return load_settings(logs_dir=tmp_path / "logs", database={"url": f"sqlite:///{tmp_path / 'saksrobot.db'}"})


def processes_with(marker: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if marker in " ".join(process.info["cmdline"] or []) and process.status() != psutil.STATUS_ZOMBIE:
            found.append(process)
    return found


def test_a_run_has_its_folder_summary_and_stored_status(settings):
    result = run_robot(settings, str(ROBOTS / "passing.robot"))
    assert result.status is RunStatus.SUCCEEDED and result.return_code == 0
    assert result.output_dir.parent.name == "passing" and result.output_dir.name.endswith(result.run_id)
    for name in ("output.xml", "log.html", "report.html", "items.jsonl", "summary.json"):
        assert (result.output_dir / name).exists(), name
    summary = json.loads((result.output_dir / "summary.json").read_text())
    assert summary["items"] == {"done": 1, "manual": 1} and summary["tasks"] == {"Pass": "PASS"}
    with Session(make_engine(settings.database.url)) as s:
        run = s.get(Run, result.run_id)
        assert (run.status, run.return_code, run.summary["items"]["done"]) == ("succeeded", 0, 1)
        assert run.finished_at >= run.started_at


def test_a_run_over_its_time_limit_is_stopped_with_its_browser(settings, monkeypatch):
    marker = f"--saksrobot-test-marker={uuid.uuid4().hex}"  # Chromium ignores switches it does not know
    monkeypatch.setenv("SAKSROBOT_ARCHIVE__PASSWORD", "not-used")
    monkeypatch.setenv("SAKSROBOT_BROWSER__ARGS", json.dumps([*settings.browser.args, marker]))
    started = threading.Event()

    def browser_seen() -> None:
        while not processes_with(marker):
            time.sleep(0.2)
        started.set()
    threading.Thread(target=browser_seen, daemon=True).start()
    result = run_robot(settings, str(ROBOTS / "hanging_browser.robot"), timeout=20)
    assert started.is_set(), "the robot never started its browser"
    assert result.status is RunStatus.TIMED_OUT and not result.succeeded
    assert processes_with(marker) == []
    with Session(make_engine(settings.database.url)) as s:
        assert s.get(Run, result.run_id).status == "timed_out"
