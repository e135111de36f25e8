"""The working calendar: Norwegian public holidays and the organisation's own closed days."""

import pickle
from datetime import date

import pytest

from saksrobot.scheduler import WorkCalendar
from saksrobot.settings import load_settings


@pytest.mark.parametrize(("day", "name"), [
    ("2027-05-17", "Grunnlovsdag"),
    ("2026-12-25", "Første juledag"),
    ("2026-12-26", "Andre juledag"),
    ("2026-04-06", "Andre påskedag"),       # Easter Monday 2026
    ("2027-03-29", "Andre påskedag"),       # Easter Monday 2027
    ("2026-05-14", "Kristi himmelfartsdag"),
    ("2026-05-25", "Andre pinsedag"),       # Whit Monday 2026
    ("2027-01-01", "Første nyttårsdag"),
    ("2026-05-01", "Arbeidernes dag"),
    ("2027-03-28", "Første påskedag"),      # a holiday that is a Sunday is named
])
def test_public_holidays_are_closed_with_their_norwegian_name(day, name):
    assert name in WorkCalendar().closed_reason(date.fromisoformat(day))


@pytest.mark.parametrize("day", ["2026-03-01", "2026-11-15", "2027-05-23"])
def test_an_ordinary_sunday_is_not_a_holiday(day):
    assert date.fromisoformat(day).isoweekday() == 7
    assert WorkCalendar().closed_reason(date.fromisoformat(day)) is None


@pytest.mark.parametrize("day", ["2027-05-18", "2026-12-23", "2026-12-30", "2027-01-04"])
def test_working_days_are_open(day):
    assert WorkCalendar().closed_reason(date.fromisoformat(day)) is None


def test_christmas_eve_and_new_years_eve_are_closed_by_default():
    calendar = WorkCalendar()
    assert calendar.closed_reason(date(2026, 12, 24)) == "julaften (stengt)"
    assert calendar.closed_reason(date(2026, 12, 31)) == "nyttårsaften (stengt)"
    assert calendar.closed_reason(date(2030, 12, 24)) == "julaften (stengt)"  # every year


def test_closed_days_are_configurable():
    open_all_year = WorkCalendar(closed_days=[])
    assert open_all_year.closed_reason(date(2026, 12, 24)) is None
    assert open_all_year.closed_reason(date(2026, 12, 31)) is None
    assert open_all_year.closed_reason(date(2026, 12, 25)) == "Første juledag"  # holidays still count
    summer = WorkCalendar(closed_days=["07-15"])
    assert summer.closed_reason(date(2026, 7, 15)) == "fast stengt dag (stengt)"
    assert summer.closed_reason(date(2026, 12, 24)) is None


def test_closed_dates_add_single_days():
    calendar = WorkCalendar(closed_dates=[date(2027, 6, 18)])
    assert calendar.closed_reason(date(2027, 6, 18)) == "stengt dag"
    assert calendar.closed_reason(date(2028, 6, 18)) is None  # that date only, not every year
    assert calendar.closed_reason(date(2026, 12, 24)) == "julaften (stengt)"  # the defaults stay


def test_the_calendar_of_the_settings():
    settings = load_settings(scheduler={"closed_days": ["12-24"], "closed_dates": ["2027-06-18"]})
    calendar = WorkCalendar.of(settings)
    assert calendar.closed_reason(date(2027, 6, 18)) == "stengt dag"
    assert calendar.closed_reason(date(2026, 12, 24)) == "julaften (stengt)"
    assert calendar.closed_reason(date(2026, 12, 31)) is None


def test_a_calendar_pickles_without_its_holiday_table():
    calendar = WorkCalendar(closed_days=["12-24"], closed_dates=[date(2027, 6, 18)])
    assert calendar.closed_reason(date(2027, 5, 17))  # the holiday table is loaded now
    assert "_holidays" in vars(calendar)
    data = pickle.dumps(calendar)
    assert b"Grunnlovsdag" not in data and b"holidays" not in data
    copy = pickle.loads(data)
    assert "_holidays" not in vars(copy)
    assert (copy.closed_days, copy.closed_dates) == (("12-24",), frozenset({date(2027, 6, 18)}))
    assert "Grunnlovsdag" in copy.closed_reason(date(2027, 5, 17))  # loaded again when asked
    assert copy.closed_reason(date(2027, 6, 18)) == "stengt dag"
    assert copy.closed_reason(date(2026, 12, 31)) is None
