"""The runner with real robot subprocesses: output folder, listener, summary, status, time limit."""

import json
import threading
import time
import uuid

import psutil
import pytest
from sqlalchemy.orm import Session

from saksrobot.audit import AuditLog
from saksrobot.database import make_engine
from saksrobot.runner import NotRunning, Run, RunStatus, request_stop, run_robot
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
    engine = make_engine(settings.database.url)
    with Session(engine) as s:
        assert s.get(Run, result.run_id).status == "timed_out"
    [stopped] = AuditLog(engine).find()
    assert (stopped.actor, stopped.action, stopped.object_id) == ("tidsgrense", "run_stop", result.run_id)


def test_a_run_stopped_by_a_person_ends_its_robot_and_says_who(settings):
    """``request_stop`` only writes to the database: the run's own runner (here, or on another
    machine) sees it and ends the robot."""
    engine = make_engine(settings.database.url)
    results = []
    runner = threading.Thread(target=lambda: results.append(run_robot(settings, str(ROBOTS / "waiting.robot"))))
    runner.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # the robot process is there
        with Session(engine) as s:
            run = s.query(Run).one_or_none()
            if run is not None and run.robot_pid:
                break
        time.sleep(0.1)
    assert request_stop(engine, run.id, "kari").stop_requested_by == "kari"
    runner.join(timeout=120)
    [result] = results
    assert result.status is RunStatus.KILLED
    assert not psutil.pid_exists(run.robot_pid) or psutil.Process(run.robot_pid).status() == psutil.STATUS_ZOMBIE
    with Session(engine) as s:
        assert s.get(Run, run.id).summary["reason"] == "Stoppet av kari"
    with pytest.raises(NotRunning):
        request_stop(engine, run.id, "kari")
