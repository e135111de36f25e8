"""The audit trail of the command line: every command that changes something leaves exactly one row,
named after the operating-system user who ran it; a command that only reads leaves none. Checked
against the command table itself: a new command must say which it is."""

from __future__ import annotations

from datetime import timedelta

import pytest
import typer.main
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from saksrobot import cli
from saksrobot.audit import AuditLog, Filter, cli_actor
from saksrobot.database import make_engine
from saksrobot.runner import Run, RunResult, RunStatus, lock
from saksrobot.scheduler import ScheduleStore, parse_spec
from saksrobot.web.users import Role, UserStore
from saksrobot.workitems import WorkItemStore
from saksrobot.workitems.store import RetryPolicy, utcnow

runner = CliRunner()
PASSWORD = "et-langt-passord-2026"

# command → (arguments, the action of its one audit row); ``None``: reads, serves or writes files only
CHANGES: dict[str, tuple[list[str], str] | None] = {
    "run": (["archive_cases"], "run_start"),
    "runs stop": (["{running}"], "run_stop"),
    "queue retry": (["{failed}"], "item_retry"),
    "queue requeue": (["{manual}"], "item_requeue"),
    "queue resolve": (["{manual2}", "--by", "kari", "--note", "Sak laget for hånd"], "item_resolve"),
    "user add": (["nils", "--role", "manager", "--email", "nils@kommune.no", "--password-stdin"], "user_create"),
    "user passwd": (["mona"], "user_password"),
    "user set": (["mona", "--role", "operator"], "user_role"),
    "user rename": (["mona", "mona.lokal"], "user_rename"),  # with --email too: a row for each change
    "schedule add": (["archive_cases", "--times", "08:00"], "schedule_create"),
    "schedule edit": (["{schedule}", "--times", "09:00"], "schedule_update"),
    "schedule pause": (["{schedule}"], "schedule_pause"),
    "schedule resume": (["{schedule}"], "schedule_resume"),
    "schedule remove": (["{schedule}"], "schedule_delete"),
    "db upgrade": None,  # audited when it upgrades (tests/unit/database/test_upgrade_from_0_1_0.py); here up to date
}
READS = ["config show", "queue list", "queue new-key", "queue show {manual}", "report", "report summary --period 2026",
         "user list", "schedule list", "schedule next {schedule}", "runs list", "db current", "db history",
         "workers list", "audit list", "invoices rules", "db upgrade"]
# services, commands that write files only or send mail (their own tests run them)
NOT_RUN_HERE = {"sim", "worker", "demo", "docs", "serve", "browser install", "new robot", "db revision", "alerts check",
                "alerts test"}


def commands(group=None, prefix: tuple[str, ...] = ()) -> list[str]:  # noqa: ANN001 - a click group
    group = group or typer.main.get_command(cli.app)
    found = []
    for name, command in group.commands.items():
        if getattr(command, "commands", None):
            if getattr(command, "invoke_without_command", False):
                found.append(" ".join((*prefix, name)))
            found += commands(command, (*prefix, name))
        else:
            found.append(" ".join((*prefix, name)))
    return found


@pytest.fixture
def world(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'saksrobot.db'}"
    monkeypatch.setenv("SAKSROBOT_DATABASE__URL", url)
    monkeypatch.setenv("SAKSROBOT_LOGS_DIR", str(tmp_path / "logs"))
    engine = make_engine(url)
    UserStore(engine).add("mona", PASSWORD, Role.MANAGER)
    store = WorkItemStore(engine, retry=RetryPolicy(max_attempts=1))
    ids = {}
    for key in ("failed", "manual", "manual2"):
        store.add("archive_cases", key, {})
        item = store.reserve("archive_cases")
        ids[key] = str((store.fail(item, "down", "Arkivet svarte ikke") if key == "failed"
                        else store.hand_over(item, "unknown", "Ukjent kontakt")).id)
    schedule = ScheduleStore(engine).create(parse_spec(["archive_cases"], robot="archive_cases"), "test")
    ids["schedule"] = str(schedule.id)
    with Session(engine) as s:  # a run going on on another machine (asking it to stop only writes a row)
        s.add(Run(id="running-1", robot="archive_cases", status="running", started_at=utcnow(), heartbeat_at=utcnow(),
                  output_dir=str(tmp_path),
                  host="another-machine", pid=1))
        s.commit()
    ids["running"] = "running-1"
    fake = RunResult("archive_cases", "run-1", tmp_path, 0, RunStatus.SUCCEEDED)  # the run itself: not this test's
    monkeypatch.setattr("saksrobot.runner.run_robot", lambda *args, **kwargs: fake)
    yield engine, ids
    engine.dispose()


def rows(engine) -> list:  # noqa: ANN001
    return AuditLog(engine).find(Filter(limit=10_000))


def test_every_command_is_classified():
    assert set(commands()) == set(CHANGES) | {c.split(" {")[0].split(" --")[0] for c in READS} | NOT_RUN_HERE, (
        "a command was added or removed: say in CHANGES or READS whether it changes something")


def test_each_change_leaves_exactly_one_row_by_the_os_user(world):
    engine, ids = world
    for command, change in CHANGES.items():
        if change is None:
            continue
        arguments, action = change
        before = len(rows(engine))
        result = runner.invoke(cli.app, [*command.split(), *(a.format(**ids) for a in arguments)],
                               input=f"{PASSWORD}\n{PASSWORD}\n")
        assert result.exit_code == 0, f"{command}: {result.output}"
        new = rows(engine)[: len(rows(engine)) - before]
        assert [(e.actor, e.action) for e in new] == [(cli_actor(), action)], command


def test_reading_commands_leave_nothing(world):
    engine, ids = world
    for command in READS:
        result = runner.invoke(cli.app, command.format(**ids).split())
        assert result.exit_code == 0, f"{command}: {result.output}"
    assert rows(engine) == []


def test_a_refused_change_leaves_nothing(world):
    engine, ids = world
    assert runner.invoke(cli.app, ["schedule", "add", "archive_cases", "--times", "25:00"]).exit_code == 2
    assert runner.invoke(cli.app, ["queue", "retry", ids["manual"]]).exit_code == 2  # not a failed item
    assert runner.invoke(cli.app, ["user", "set", "ingen", "--role", "admin"]).exit_code == 2
    assert runner.invoke(cli.app, ["run", "archive_cases", "--queue", "--dry-run"]).exit_code == 2
    lock.acquire(engine, "archive_cases", "another-run", timedelta(minutes=5))
    busy = runner.invoke(cli.app, ["run", "archive_cases"])
    assert busy.exit_code == 2 and "kjører allerede" in busy.output
    assert rows(engine) == []


def test_audit_list_shows_and_exports_the_rows(world):
    engine, ids = world
    runner.invoke(cli.app, ["schedule", "pause", ids["schedule"]])
    shown = runner.invoke(cli.app, ["audit", "list", "--object", "schedule"], env={"COLUMNS": "250"})
    assert "Tidsplan satt på pause" in shown.output and cli_actor() in shown.output
    exported = runner.invoke(cli.app, ["audit", "list", "--csv", "--id", ids["schedule"]]).output.splitlines()
    assert exported[0].startswith("tidspunkt;hvem;handling") and len(exported) == 2
    assert runner.invoke(cli.app, ["audit", "list", "--person", "noen-andre", "--csv"]).output.count("\n") == 1


def test_user_set_with_several_changes_records_each(world):
    engine, _ = world
    result = runner.invoke(cli.app, ["user", "set", "mona", "--role", "operator", "--email", "mona@kommune.no"])
    assert result.exit_code == 0, result.output
    assert [e.action for e in rows(engine)] == ["user_email", "user_role"]  # newest first
    assert '"e-post": "…@kommune.no"' in rows(engine)[0].after and "mona@" not in rows(engine)[0].after
