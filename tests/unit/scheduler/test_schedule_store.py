"""Schedules in our own table: create, change (the version goes up), pause, delete; form input
checked with Norwegian problems."""

from datetime import time, timedelta

import pytest

from saksrobot.database import make_engine
from saksrobot.scheduler import InvalidSchedule, NoSuchSchedule, ScheduleSpec, ScheduleStore, parse_spec
from saksrobot.workitems.store import utcnow

ROBOTS = ["archive_cases", "invoices", "ppt_referrals", "school_cases"]


@pytest.fixture
def store(database_url):
    return ScheduleStore(make_engine(database_url))


def test_create_and_read(store):
    before = utcnow() - timedelta(seconds=1)
    created = store.create(ScheduleSpec(robot="invoices", days="man, ons", times="06:30"), by="kari")
    assert created.id is not None and created.version == 1
    stored = store.get(created.id)
    assert (stored.robot, stored.days, stored.times, stored.cron) == ("invoices", "mon,wed", "06:30", None)
    assert stored.follow_calendar and stored.enabled and stored.updated_by == "kari"
    assert before <= stored.updated_at <= utcnow() + timedelta(seconds=1)
    assert ScheduleSpec.of(stored).times == [time(6, 30)]


def test_all_in_robot_order(store):
    ids = [store.create(ScheduleSpec(robot=robot), by="kari").id for robot in ("school_cases", "archive_cases",
                                                                             "school_cases")]
    assert [(s.robot, s.id) for s in store.all()] == [("archive_cases", ids[1]), ("school_cases", ids[0]),
                                                      ("school_cases", ids[2])]


def test_update_changes_the_columns_and_increments_the_version(store):
    created = store.create(ScheduleSpec(robot="invoices"), by="kari")
    updated = store.update(created.id, ScheduleSpec(robot="invoices", cron="*/20 6-16 * * mon-fri",
                                                    misfire_grace_minutes=5), by="ola")
    assert (updated.version, updated.cron, updated.misfire_grace_minutes, updated.updated_by) == \
        (2, "*/20 6-16 * * mon-fri", 5, "ola")
    again = store.update(created.id, ScheduleSpec(robot="invoices", times="08:00"), by="kari")
    stored = store.get(created.id)
    assert again.version == stored.version == 3
    assert (stored.cron, stored.times, stored.misfire_grace_minutes) == (None, "08:00", 60)


def test_set_enabled(store):
    created = store.create(ScheduleSpec(robot="invoices"), by="kari")
    paused = store.set_enabled(created.id, False, by="ola")
    assert not paused.enabled and paused.version == 2 and paused.updated_by == "ola"
    assert not store.get(created.id).enabled
    resumed = store.set_enabled(created.id, True, by="kari")
    assert resumed.enabled and resumed.version == 3 and store.get(created.id).enabled


def test_delete(store):
    kept = store.create(ScheduleSpec(robot="invoices"), by="kari")
    gone = store.create(ScheduleSpec(robot="school_cases"), by="kari")
    store.delete(gone.id)
    assert [s.id for s in store.all()] == [kept.id]
    with pytest.raises(NoSuchSchedule, match=f"Ingen tidsplan med nummer {gone.id}"):
        store.get(gone.id)


@pytest.mark.parametrize("change", [
    lambda store: store.get(999),
    lambda store: store.update(999, ScheduleSpec(robot="invoices"), by="kari"),
    lambda store: store.set_enabled(999, False, by="kari"),
    lambda store: store.delete(999),
])
def test_no_such_schedule(store, change):
    with pytest.raises(NoSuchSchedule, match="Ingen tidsplan med nummer 999") as caught:
        change(store)
    assert caught.value.code == "no_such_schedule"


def test_parse_spec_from_form_fields():
    spec = parse_spec(ROBOTS, robot="school_cases", days="man-fre", times="7.30, 13:00", follow_calendar=False)
    assert spec == ScheduleSpec(robot="school_cases", times=[time(7, 30), time(13, 0)], follow_calendar=False)


def test_parse_spec_with_an_unknown_robot():
    with pytest.raises(InvalidSchedule) as caught:
        parse_spec(ROBOTS, robot="payroll", days="hverdager", times="07:00")
    assert caught.value.problems == [f"Ukjent robot «payroll» (kjente: {', '.join(ROBOTS)})"]
    assert caught.value.code == "invalid_schedule"


def test_parse_spec_lists_every_problem_in_norwegian():
    with pytest.raises(InvalidSchedule) as caught:
        parse_spec(ROBOTS, robot="invoices", days="man, xyz", times="25:00")
    problems = caught.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("Ukjent dag «xyz»")
    assert problems[1] == "«25:00» er ikke et klokkeslett (skriv TT:MM, f.eks. 07:00)"
    assert not any(p.startswith("Value error") for p in problems)
    assert str(caught.value) == "; ".join(problems)


def test_parse_spec_with_invalid_times():
    with pytest.raises(InvalidSchedule) as caught:
        parse_spec(ROBOTS, robot="invoices", times="07:00, 7")
    assert caught.value.problems == ["«7» er ikke et klokkeslett (skriv TT:MM, f.eks. 07:00)"]


def test_parse_spec_with_an_invalid_cron_expression():
    with pytest.raises(InvalidSchedule) as caught:
        parse_spec(ROBOTS, robot="invoices", cron="0 25 * * *")
    assert len(caught.value.problems) == 1 and caught.value.problems[0].startswith("Ugyldig cron-uttrykk")
