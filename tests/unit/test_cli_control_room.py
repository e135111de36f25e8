"""The control room's actions from the command line: schedules, users, runs."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from saksrobot.cli import app
from saksrobot.database import make_engine
from saksrobot.runner import RunStatus, record_event
from saksrobot.scheduler import ScheduleStore
from saksrobot.web.users import User

runner = CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'saksrobot.db'}"
    monkeypatch.setenv("SAKSROBOT_DATABASE__URL", url)
    monkeypatch.setenv("COLUMNS", "200")
    return make_engine(url)


def test_schedule_add_next_pause_resume_edit_remove(database):
    added = runner.invoke(app, ["schedule", "add", "archive_cases", "--days", "man-fre", "--times", "07:00"])
    assert added.exit_code == 0, added.output
    [schedule] = ScheduleStore(database).all()
    assert (schedule.robot, schedule.days, schedule.times, schedule.updated_by) == (
        "archive_cases", "mon,tue,wed,thu,fri", "07:00", "kommandolinje")
    upcoming = runner.invoke(app, ["schedule", "next", str(schedule.id), "--from", "2027-05-14", "--count", "3"])
    assert upcoming.exit_code == 0
    lines = upcoming.output.splitlines()
    assert lines[0].endswith("14.05.2027 07:00")
    assert "17.05.2027 07:00" in lines[1] and "hoppes over" in lines[1] and "Grunnlovsdag" in lines[1]
    assert len(lines) == 4
    assert runner.invoke(app, ["schedule", "pause", str(schedule.id)]).exit_code == 0
    assert ScheduleStore(database).get(schedule.id).enabled is False
    assert runner.invoke(app, ["schedule", "resume", str(schedule.id)]).exit_code == 0
    assert ScheduleStore(database).get(schedule.id).enabled is True
    edited = runner.invoke(app, ["schedule", "edit", str(schedule.id), "--times", "02:30"])
    assert edited.exit_code == 0 and "03:30" in edited.output  # the DST-gap warning
    assert ScheduleStore(database).get(schedule.id).version == 4
    assert runner.invoke(app, ["schedule", "remove", str(schedule.id)]).exit_code == 0
    assert ScheduleStore(database).all() == []


@pytest.mark.parametrize("arguments", [["no_such_robot"], ["archive_cases", "--times", "25:00"],
                                       ["archive_cases", "--days", "fredag og lørdag"]])
def test_schedule_add_refuses_bad_input_in_norwegian(database, arguments):
    result = runner.invoke(app, ["schedule", "add", *arguments])
    assert result.exit_code == 2
    assert "Ukjent" in result.output or "klokkeslett" in result.output  # a sentence, in Norwegian
    assert ScheduleStore(database).all() == []


def test_user_add_stores_an_argon2_hash_and_refuses_a_short_password(database):
    result = runner.invoke(app, ["user", "add", "Kari", "--role", "admin", "--password-stdin"],
                           input="et-langt-passord-2026\n")
    assert result.exit_code == 0, result.output
    with Session(database) as s:
        user = s.scalar(select(User))
    assert (user.username, user.role) == ("kari", "admin")
    assert user.password_hash.startswith("$argon2id$") and "et-langt-passord" not in user.password_hash
    short = runner.invoke(app, ["user", "add", "ola", "--password-stdin"], input="kort\n")
    assert short.exit_code == 2 and "minst 12 tegn" in short.output
    assert runner.invoke(app, ["user", "set", "kari", "--disabled"]).exit_code == 0
    assert "nei" in runner.invoke(app, ["user", "list"]).output


def test_runs_list_shows_runs_that_did_not_start(database):
    record_event(database, "invoices", RunStatus.MISSED, "Kjøringen ble ikke startet: tjenesten var nede",
                 "tidsplan #1")
    result = runner.invoke(app, ["runs", "list"])
    assert result.exit_code == 0
    assert "Ikke kjørt" in result.output and "tidsplan #1" in result.output


def test_schedule_edit_changes_only_what_is_given(database):
    assert runner.invoke(app, ["schedule", "add", "invoices", "--days", "man, ons", "--times", "06:15", "--all-days",
                               "--grace", "10"]).exit_code == 0
    [schedule] = ScheduleStore(database).all()
    assert runner.invoke(app, ["schedule", "edit", str(schedule.id), "--max-minutes", "30"]).exit_code == 0
    edited = ScheduleStore(database).get(schedule.id)
    assert (edited.days, edited.times, edited.follow_calendar, edited.misfire_grace_minutes,
            edited.max_run_minutes) == ("mon,wed", "06:15", False, 10, 30)
    assert runner.invoke(app, ["schedule", "edit", str(schedule.id), "--cron", "0 5 * * *"]).exit_code == 0
    assert ScheduleStore(database).get(schedule.id).cron == "0 5 * * *"
    assert runner.invoke(app, ["schedule", "edit", str(schedule.id), "--cron", "", "--follow-calendar"]).exit_code == 0
    edited = ScheduleStore(database).get(schedule.id)
    assert (edited.cron, edited.days, edited.follow_calendar) == (None, "mon,wed", True)
