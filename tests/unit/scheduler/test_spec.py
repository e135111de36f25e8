"""Schedule specs in the words archive staff use, validated with Norwegian messages."""

from datetime import UTC, datetime, time

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from saksrobot.database import make_engine
from saksrobot.scheduler import Schedule, ScheduleSpec
from saksrobot.scheduler.spec import parse_days, parse_times

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


@pytest.mark.parametrize(("text", "days"), [
    ("hverdager", WEEKDAYS),
    ("  Hverdager ", WEEKDAYS),
    ("man-fre", WEEKDAYS),
    ("man - fre", WEEKDAYS),
    ("man–fre", WEEKDAYS),  # en dash
    ("mon-fri", WEEKDAYS),
    ("man, ons, fre", ["mon", "wed", "fri"]),
    ("fre ons man", ["mon", "wed", "fri"]),
    ("mandag, onsdag", ["mon", "wed"]),
    ("lør, søn", ["sat", "sun"]),
    ("helg", ["sat", "sun"]),
    ("alle", [*WEEKDAYS, "sat", "sun"]),
    ("fre-man", ["mon", "fri", "sat", "sun"]),  # wraps around the week
    ("man-ons, fre", ["mon", "tue", "wed", "fri"]),
    ("ons, man, ons", ["mon", "wed"]),
])
def test_parse_days(text, days):
    assert parse_days(text) == days


def test_an_unknown_day_is_named_in_norwegian():
    with pytest.raises(ValueError, match="ukjent dag «xyz»") as caught:
        parse_days("man, xyz")
    assert "bruk man, tir, ons, tor, fre, lør, søn" in str(caught.value)
    with pytest.raises(ValueError, match="ukjent dag"):
        parse_days("man-foo")


def test_no_days_is_an_error():
    with pytest.raises(ValueError, match="velg minst én dag"):
        parse_days(" , ")


@pytest.mark.parametrize(("text", "times"), [
    ("07:00", [time(7, 0)]),
    ("7.30", [time(7, 30)]),
    ("13:30, 07:00", [time(7, 0), time(13, 30)]),
    ("07:00; 7:00 07.00", [time(7, 0)]),
    ("23:59,00:00", [time(0, 0), time(23, 59)]),
])
def test_parse_times_sorts_and_removes_repeats(text, times):
    assert parse_times(text) == times


@pytest.mark.parametrize("text", ["25:00", "07:60", "7", "kl 7", "07:00:00", "ab:cd"])
def test_a_wrong_time_is_an_error(text):
    with pytest.raises(ValueError, match="er ikke et klokkeslett"):
        parse_times(f"06:00, {text}")


def test_no_times_is_an_error():
    with pytest.raises(ValueError, match="minst ett klokkeslett"):
        parse_times(" , ")


def test_a_spec_from_form_text():
    spec = ScheduleSpec(robot="archive_cases", days="man, ons", times="13.30, 7:00")
    assert spec.days == ["mon", "wed"] and spec.times == [time(7, 0), time(13, 30)]
    assert spec.cron is None and spec.follow_calendar and spec.enabled
    assert (spec.misfire_grace_minutes, spec.max_run_minutes) == (60, 120)


def test_the_defaults_are_weekdays_at_seven():
    spec = ScheduleSpec(robot="archive_cases")
    assert (spec.days, spec.times) == (WEEKDAYS, [time(7, 0)])


@pytest.mark.parametrize("cron", ["*/20 * * * *", "0 7 * * mon-fri", "30 6,13 1 * *"])
def test_a_valid_cron_expression(cron):
    assert ScheduleSpec(robot="r", cron=f"  {cron} ").cron == cron


@pytest.mark.parametrize("cron", ["", "   ", None])
def test_an_empty_cron_expression_is_none(cron):
    assert ScheduleSpec(robot="r", cron=cron).cron is None


@pytest.mark.parametrize("cron", ["* * * *", "61 * * * *", "0 25 * * *", "hver dag"])
def test_an_invalid_cron_expression(cron):
    with pytest.raises(ValidationError, match="ugyldig cron-uttrykk") as caught:
        ScheduleSpec(robot="r", cron=cron)
    assert "fem felt: minutt time dag måned ukedag" in str(caught.value)


def test_days_given_as_a_list_must_be_known():
    assert ScheduleSpec(robot="r", days=["mon", "sun"]).days == ["mon", "sun"]
    for days, message in (([], "velg minst én dag"), (["monday"], "ukjent dag")):
        with pytest.raises(ValidationError, match=message):
            ScheduleSpec(robot="r", days=days)


def test_a_cron_expression_needs_no_days_or_times():
    spec = ScheduleSpec(robot="r", days="", times="", cron="15 6 * * 1-5")
    assert (spec.days, spec.times) == ([], [])
    assert ScheduleSpec.of(Schedule(**spec.columns(), updated_at=datetime(2026, 1, 1))) == spec
    with pytest.raises(ValidationError, match="skriv minst ett klokkeslett"):
        ScheduleSpec(robot="r", days="hverdager", times="")


@pytest.mark.parametrize("fields", [{"robot": ""}, {"misfire_grace_minutes": -1}, {"max_run_minutes": 0},
                                    {"max_run_minutes": 24 * 60 + 1}])
def test_limits(fields):
    with pytest.raises(ValidationError):
        ScheduleSpec(**{"robot": "r", **fields})


@pytest.mark.parametrize(("fields", "text"), [
    ({}, "hverdager kl. 07:00, ikke på helligdager og stengte dager"),
    ({"days": "man, ons, fre", "times": "13:30, 07:00"},
     "man, ons, fre kl. 07:00, 13:30, ikke på helligdager og stengte dager"),
    ({"days": "alle", "times": "02:30", "follow_calendar": False}, "alle kl. 02:30, også på helligdager"),
    ({"days": "helg"}, "helg kl. 07:00, ikke på helligdager og stengte dager"),
    ({"cron": "*/20 * * * *"}, "cron «*/20 * * * *», ikke på helligdager og stengte dager"),
])
def test_describe(fields, text):
    assert ScheduleSpec(robot="r", **fields).describe() == text


def test_a_time_in_the_spring_forward_gap_is_warned_about():
    warning = ScheduleSpec(robot="r", times="02:30, 07:00").dst_warning()
    assert warning is not None
    assert "Kl. 02:30 finnes ikke" in warning and "kl. 03:30" in warning
    assert "07:00" not in warning
    assert "bare én gang" in warning  # the autumn night


@pytest.mark.parametrize("times", ["07:00", "01:59, 03:00", "00:00"])
def test_no_warning_outside_the_gap(times):
    assert ScheduleSpec(robot="r", times=times).dst_warning() is None


@pytest.mark.parametrize(("cron", "warned"), [
    ("30 2 * * *", True), ("*/20 * * * *", True), ("0 1-3 * * *", True), ("0 */2 * * *", True), ("0 0,2 * * *", True),
    ("0 2-4/2 * * *", True),
    ("0 7 * * *", False), ("0 12 * * *", False), ("0 22 * * *", False), ("0 0-1,3-5 * * *", False),
    ("0 */5 * * *", False), ("0 3/2 * * *", False),
])
def test_dst_warning_of_a_cron_expression(cron, warned):
    assert (ScheduleSpec(robot="r", cron=cron).dst_warning() is not None) is warned


def test_columns_and_of_round_trip_through_the_schedules_table(tmp_path):
    spec = ScheduleSpec(robot="school_cases", days="man, ons, fre", times="13:30, 07:05", follow_calendar=False,
                        enabled=False, misfire_grace_minutes=15, max_run_minutes=30)
    columns = spec.columns()
    assert columns["days"] == "mon,wed,fri" and columns["times"] == "07:05,13:30"
    engine = make_engine(f"sqlite:///{tmp_path / 'saksrobot.db'}")
    with Session(engine) as s:
        s.add(Schedule(**columns, updated_by="test", updated_at=datetime.now(UTC).replace(tzinfo=None)))
        s.commit()
    with Session(engine) as s:
        stored = s.get(Schedule, 1)
        assert ScheduleSpec.of(stored) == spec
    cron = ScheduleSpec(robot="invoices", cron="*/20 6-16 * * mon-fri")
    assert ScheduleSpec.of(Schedule(**cron.columns())) == cron
