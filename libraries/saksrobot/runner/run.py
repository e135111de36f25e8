"""One run of one robot: ``python -m robot`` in its own process group, with its output in
``logs/<robot>/<YYYYmmdd-HHMMSS>-<run id>/`` (output.xml, log.html, report.html, items.jsonl from
the listener, console.log, summary.json), a time limit, and its status stored in the database."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from saksrobot.database import make_engine
from saksrobot.errors import ConfigurationError
from saksrobot.privacy import mask
from saksrobot.runner import lock
from saksrobot.runner.model import Run, RunStatus
from saksrobot.runner.owners import HOST, Heartbeat, mark_lost
from saksrobot.runner.processes import GRACE_SECONDS, end_process_tree
from saksrobot.settings import Settings
from saksrobot.workitems import utcnow

log = logging.getLogger(__name__)
_active: set[int] = set()  # process ids of the runs this process is waiting for


@dataclass(frozen=True)
class RunResult:
    robot: str
    run_id: str
    output_dir: Path
    return_code: int
    status: RunStatus

    @property
    def succeeded(self) -> bool:
        return self.status is RunStatus.SUCCEEDED

    @property
    def log_html(self) -> Path:
        return self.output_dir / "log.html"

    @property
    def summary(self) -> dict[str, Any]:
        """The run's ``summary.json`` (empty before the run ended)."""
        file = self.output_dir / "summary.json"
        return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}


def known_robots(settings: Settings) -> list[str]:
    """The robots of the project: ``robots/*.robot``."""
    return sorted(p.stem for p in settings.path("robots").glob("*.robot"))


def robot_path(settings: Settings, robot: str) -> Path:
    """``robots/<robot>.robot`` under the project, or a path given as it is."""
    candidate = Path(robot)
    if candidate.suffix != ".robot":
        candidate = settings.path("robots") / f"{robot}.robot"
    if not candidate.exists():
        raise ConfigurationError(f"No robot {robot!r}; known robots: {', '.join(known_robots(settings))}")
    return candidate


def _tee(stream: IO[bytes], file: Path) -> None:
    """Copy the run's console output to our console and to ``console.log`` in the run folder."""
    kept = None
    with contextlib.suppress(OSError):
        kept = file.open("wb")
    for raw in iter(stream.readline, b""):  # read to the end whatever happens, or the robot would block
        line = mask(raw.decode("utf-8", "replace")).encode("utf-8")
        for out in (kept, getattr(sys.__stdout__, "buffer", None)):
            with contextlib.suppress(OSError, ValueError):
                if out is not None:
                    out.write(line)
                    out.flush()
    if kept is not None:
        kept.close()


def _summary(output_dir: Path, status: RunStatus, return_code: int) -> dict[str, Any]:
    items: Counter[str] = Counter()
    tasks: dict[str, str] = {}
    notes: list[str] = []
    events = output_dir / "items.jsonl"
    if events.exists():
        for line in events.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["kind"] == "item":
                items[record["outcome"]] += 1
            elif record["kind"] == "note":
                notes += [record["text"]] if record["text"] not in notes else []
            else:
                tasks[record["task"]] = record["status"]
    return {"status": status.value, "return_code": return_code, "tasks": tasks, "items": dict(items)} | (
        {"notes": notes} if notes else {})


def _dying_with_parent() -> Any:
    """For the robot's process, before it starts: be killed when the worker thread waiting for it dies
    (the worker killed with SIGKILL), so that no robot works on for a run given to another worker.
    The C library is loaded here, in the parent: the child of a threaded process may only call it."""
    import ctypes
    import signal

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    return lambda: prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def stop_runs() -> int:
    """Stop every run this process started and is still waiting for (the scheduler service does this
    when it stops); each is then recorded as killed by the thread that started it. Returns how many."""
    pids = list(_active)
    for pid in pids:
        end_process_tree(pid)
    return len(pids)


def record_event(engine: Engine, robot: str, status: RunStatus, reason: str, started_by: str,
                 scheduled_for: datetime | None = None) -> str:
    """Store a run that did not start (missed, skipped) so that staff see it among the runs."""
    run_id = uuid.uuid4().hex[:8]
    now = utcnow()
    # dated when it should have run, so a run missed at 23:00 is not among the next morning's runs
    when = scheduled_for.astimezone(UTC).replace(tzinfo=None) if scheduled_for else now
    summary = {"status": status.value, "reason": reason, "started_by": started_by,
               "scheduled_for": scheduled_for.astimezone(UTC).isoformat() if scheduled_for else None}
    with Session(engine) as s:
        s.add(Run(id=run_id, robot=robot, status=status, started_at=when, finished_at=when, output_dir="",
                  summary=summary))
        s.commit()
    return run_id


def run_recorded(settings: Settings, engine: Engine, robot: str, started_by: str, timeout: float | None, *,
                 runner: Any = None, **options: Any) -> None:
    """Run ``robot`` for someone who cannot be told directly (a schedule, **Kjør nå**, a worker's job):
    a run that cannot start is stored among the runs (skipped: the robot ran already; failed: why)."""
    try:
        (runner or run_robot)(settings, robot, timeout=timeout, started_by=started_by, **options)
    except lock.RobotBusy as busy:
        log.warning("%s not started (%s): %s", robot, started_by, busy)
        reason = "forrige kjøring pågikk fortsatt" if type(busy) is lock.RobotBusy else str(busy)  # or: queued
        record_event(engine, robot, RunStatus.SKIPPED, f"Ikke startet: {reason}", started_by, datetime.now(UTC))
    except Exception as exc:  # a robot file gone, the disk full ...: shown among the runs, not only logged
        log.exception("Run of %s (%s) could not start", robot, started_by)
        record_event(engine, robot, RunStatus.FAILED, f"Kjøringen kunne ikke startes: {mask(str(exc))}",
                     started_by, datetime.now(UTC))


def run_robot(settings: Settings, robot: str, *, variables: Mapping[str, str] | None = None,
              env: Mapping[str, str] | None = None, timeout: float | None = None,
              started_by: str = "kommandolinje", dry_run: bool = False, worker: str | None = None,
              part: int = 0) -> RunResult:
    """Run a robot and wait for it; :class:`~saksrobot.runner.lock.RobotBusy` if it is running
    already. ``env`` is added to this process's environment (and may point the robot at another
    database: the run is recorded in that one). A ``dry_run`` reads and decides everything and
    writes nothing (:mod:`saksrobot.dryrun`); it runs beside a real run of the robot. On a
    ``worker`` the run is recorded as the worker's, and its robot dies with the worker. A ``part``
    above 0 is an extra consumer of the robot's items beside its run (its producer tasks, tagged
    ``producer``, left out), with a lock of its own (``[robots.<name>] parallel``)."""
    path = robot_path(settings, robot)
    run_id = uuid.uuid4().hex[:8]
    environment = {**os.environ, **(env or {}), "SAKSROBOT_RUN_ROBOT": path.stem, "SAKSROBOT_RUN_PART": str(part)} | (
        {"SAKSROBOT_DRY_RUN": "true"} if dry_run else {})
    environment.setdefault("SAKSROBOT_DATABASE__URL", settings.sqlite_ready(settings.database.url))  # one database
    engine = make_engine(settings.sqlite_ready(environment["SAKSROBOT_DATABASE__URL"]))
    mark_lost(engine)  # a run of this robot whose runner died gives its lock and items back first
    if dry_run:
        return _run(settings, path, run_id, engine, environment, variables, timeout, f"{started_by} (tørrkjøring)")
    hold = timedelta(seconds=timeout) if timeout else timedelta(minutes=settings.scheduler.max_run_minutes)
    name = lock.lock_name(path.stem, part)
    lock.acquire(engine, name, run_id, hold + timedelta(seconds=2 * GRACE_SECONDS))
    try:
        return _run(settings, path, run_id, engine, environment, variables, timeout, started_by, worker, part)
    finally:
        lock.release(engine, name, run_id)


def _run(settings: Settings, path: Path, run_id: str, engine: Engine, environment: Mapping[str, str],
         variables: Mapping[str, str] | None, timeout: float | None, started_by: str,
         worker: str | None = None, part: int = 0) -> RunResult:
    output_dir = settings.path(settings.logs_dir) / path.stem / f"{datetime.now():%Y%m%d-%H%M%S}-{run_id}"
    output_dir.mkdir(parents=True)
    with Session(engine) as s:
        now = utcnow()
        s.add(Run(id=run_id, robot=path.stem, status=RunStatus.RUNNING, started_at=now, heartbeat_at=now,
                  host=HOST, pid=os.getpid(), worker=worker, output_dir=str(output_dir),
                  summary={"started_by": started_by}))
        s.commit()
    command = [sys.executable, "-m", "robot", "--outputdir", str(output_dir), "--consolecolors", "off",
               "--consolemarkers", "off", "--name", path.stem, "--variable", f"RUN_ID:{run_id}",
               "--maxassignlength", "0",  # values given to variables (data read from files, systems) are not logged
               "--listener", f"saksrobot.runner.listener.RunListener:{output_dir / 'items.jsonl'}"]
    for name, value in (variables or {}).items():
        command += ["--variable", f"{name}:{value}"]
    if part:
        command += ["--exclude", "producer"]
    process = subprocess.Popen([*command, str(path)], env=environment, cwd=settings.home, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               preexec_fn=_dying_with_parent() if worker else None)  # noqa: PLW1509 - only prctl
    echo = threading.Thread(target=_tee, args=(process.stdout, output_dir / "console.log"), daemon=True)
    echo.start()
    _active.add(process.pid)
    with Session(engine) as s:
        s.execute(update(Run).where(Run.id == run_id).values(robot_pid=process.pid))
        s.commit()
    stopped_by: list[str] = []

    def stop(by: str) -> None:  # someone asked to stop the run (request_stop), maybe from another machine
        stopped_by.append(by)
        log.warning("Run %s of %s stopped by %s", run_id, path.stem, by)
        end_process_tree(process.pid)

    try:
        with Heartbeat(engine, run_id, lock.lock_name(path.stem, part), on_stop=stop):
            return_code = process.wait(timeout=timeout)
        status = (RunStatus.SUCCEEDED if return_code == 0 and not stopped_by else
                  RunStatus.KILLED if return_code < 0 or stopped_by else RunStatus.FAILED)
    except subprocess.TimeoutExpired:
        log.warning("Run %s of %s exceeded %s s: stopping it", run_id, path.stem, timeout)
        end_process_tree(process.pid)
        return_code, status = process.wait(), RunStatus.TIMED_OUT
        from saksrobot.audit import TIME_LIMIT, Action, AuditLog

        AuditLog(engine).record_safely(TIME_LIMIT, Action.RUN_STOP, ("run", run_id), after={
            "robot": path.stem, "startet_av": started_by, "årsak": f"lengste kjøretid ({timeout:.0f} s) nådd"})
    except BaseException:  # Ctrl+C or the service stopping: leave nothing running
        end_process_tree(process.pid)
        process.wait()
        raise
    finally:
        _active.discard(process.pid)
    echo.join(timeout=5)
    summary = {**_summary(output_dir, status, return_code), "started_by": started_by} | (
        {"reason": f"Stoppet av {stopped_by[0]}"} if stopped_by else {})
    (output_dir / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    with Session(engine) as s:
        run = s.get(Run, run_id)
        run.status, run.return_code, run.finished_at, run.summary = status, return_code, utcnow(), summary
        s.commit()
    return RunResult(robot=path.stem, run_id=run_id, output_dir=output_dir, return_code=return_code, status=status)
