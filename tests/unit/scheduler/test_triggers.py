"""Triggers: the calendar's closed days skipped (and shown), Europe/Oslo wall-clock times through
both DST changes, and a trigger that survives APScheduler's pickling job store."""

import pickle
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from saksrobot.scheduler import ScheduleSpec, Upcoming, WorkCalendar, trigger_for, upcoming

OSLO = ZoneInfo("Europe/Oslo")


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def fires(trigger, start: datetime, until: datetime, lag: timedelta = timedelta(milliseconds=500)) -> list[datetime]:
    """The fire instants (UTC) from ``start`` to ``until``, asked for as APScheduler does: after each
    fire, ``get_next_fire_time(previous, now)`` with ``now`` a little after the previous fire."""
    found: list[datetime] = []
    previous, now = None, start
    while (moment := trigger.get_next_fire_time(previous, now)) is not None and moment.astimezone(UTC) <= until:
        assert moment.tzinfo is not None
        if previous is not None:
            assert moment.astimezone(UTC) > previous.astimezone(UTC), f"{moment} is not after {previous}"
        found.append(moment.astimezone(UTC))
        previous, now = moment, (moment.astimezone(UTC) + lag).astimezone(OSLO)
        assert len(found) < 1000
    return found


def test_weekdays_skip_constitution_day_and_show_why():
    shown = upcoming(ScheduleSpec(robot="r"), WorkCalendar(), oslo(2027, 5, 14, 8, 0), 5)
    assert [u.at.date() for u in shown] == [date(2027, 5, d) for d in (17, 18, 19, 20, 21, 24)]
    assert "Grunnlovsdag" in shown[0].skipped
    assert [u.skipped for u in shown[1:]] == [None] * 5
    assert all(u.at.hour == 7 and u.at.minute == 0 and u.at.utcoffset() == timedelta(hours=2) for u in shown)


def test_christmas_and_new_year_skipped_visibly():
    shown = upcoming(ScheduleSpec(robot="r"), WorkCalendar(), oslo(2026, 12, 22, 8, 0), 5)
    assert shown == [
        Upcoming(oslo(2026, 12, 23, 7, 0)),
        Upcoming(oslo(2026, 12, 24, 7, 0), "julaften (stengt)"),
        Upcoming(oslo(2026, 12, 25, 7, 0), "Første juledag"),
        Upcoming(oslo(2026, 12, 28, 7, 0)),
        Upcoming(oslo(2026, 12, 29, 7, 0)),
        Upcoming(oslo(2026, 12, 30, 7, 0)),
        Upcoming(oslo(2026, 12, 31, 7, 0), "nyttårsaften (stengt)"),
        Upcoming(oslo(2027, 1, 1, 7, 0), "Første nyttårsdag"),
        Upcoming(oslo(2027, 1, 4, 7, 0)),
    ]


def test_the_trigger_skips_what_upcoming_shows_skipped():
    trigger = trigger_for(ScheduleSpec(robot="r"), WorkCalendar())
    assert trigger.get_next_fire_time(None, oslo(2026, 12, 23, 8, 0)) == oslo(2026, 12, 28, 7, 0)
    assert trigger.get_next_fire_time(oslo(2026, 12, 30, 7, 0), oslo(2026, 12, 30, 7, 0, 1)) == oslo(2027, 1, 4, 7, 0)


def test_a_closed_date_of_the_calendar_is_skipped():
    calendar = WorkCalendar(closed_dates=[date(2027, 6, 18)])
    shown = upcoming(ScheduleSpec(robot="r"), calendar, oslo(2027, 6, 17, 8, 0), 1)
    assert shown == [Upcoming(oslo(2027, 6, 18, 7, 0), "stengt dag"), Upcoming(oslo(2027, 6, 21, 7, 0))]


def test_not_following_the_calendar_runs_on_holidays():
    spec = ScheduleSpec(robot="r", follow_calendar=False)
    shown = upcoming(spec, WorkCalendar(), oslo(2026, 12, 22, 8, 0), 5)
    assert shown == [Upcoming(oslo(2026, 12, d, 7, 0)) for d in (23, 24, 25, 28, 29)]
    trigger = trigger_for(spec, WorkCalendar())
    assert trigger.calendar is None
    assert trigger.get_next_fire_time(None, oslo(2027, 5, 14, 8, 0)) == oslo(2027, 5, 17, 7, 0)


def test_several_times_a_day_in_order():
    spec = ScheduleSpec(robot="r", days="man", times="13:30, 07:00")
    shown = upcoming(spec, WorkCalendar(), oslo(2027, 5, 10, 8, 0), 3)
    # a closed day is shown once, at its first fire time
    assert [u.at for u in shown] == [oslo(2027, 5, 10, 13, 30), oslo(2027, 5, 17, 7, 0), oslo(2027, 5, 24, 7, 0),
                                     oslo(2027, 5, 24, 13, 30)]
    assert [u.skipped is not None for u in shown] == [False, True, False, False]


def test_a_frequent_schedule_shows_each_closed_day_once():
    shown = upcoming(ScheduleSpec(robot="r", cron="*/5 * * * *"), WorkCalendar(), oslo(2026, 12, 24, 10, 0), 2)
    assert [(u.at, u.skipped) for u in shown] == [
        (oslo(2026, 12, 24, 10, 0), "julaften (stengt)"), (oslo(2026, 12, 25, 0, 0), "Første juledag"),
        (oslo(2026, 12, 26, 0, 0), "Andre juledag"), (oslo(2026, 12, 27, 0, 0), None), (oslo(2026, 12, 27, 0, 5), None)]


@pytest.mark.parametrize(("cron", "last"), [("* * * * *", 59), ("*/5 * * * *", 55), ("*/20 * * * *", 40)])
def test_a_frequent_cron_expression_goes_on_after_closed_days(cron, last):
    """Christmas 2026 is closed three days in a row: 4320 fire times of "* * * * *" are skipped."""
    trigger = trigger_for(ScheduleSpec(robot="r", cron=cron), WorkCalendar())
    assert trigger.get_next_fire_time(None, oslo(2026, 12, 24, 0, 0)) == oslo(2026, 12, 27, 0, 0)
    before_christmas = oslo(2026, 12, 23, 23, last)
    assert trigger.get_next_fire_time(before_christmas, before_christmas + timedelta(seconds=1)) == \
        oslo(2026, 12, 27, 0, 0)
    before_ascension = oslo(2027, 5, 5, 23, last)
    assert trigger.get_next_fire_time(before_ascension, before_ascension + timedelta(seconds=1)) == \
        oslo(2027, 5, 7, 0, 0)
    hourly = 60 // (60 - last)
    found = fires(trigger, oslo(2027, 5, 5, 23, 0), oslo(2027, 5, 7, 0, 59))  # 23:00–23:59, then 00:00–00:59
    assert len(found) == 2 * hourly and found[hourly - 1:hourly + 1] == [before_ascension, oslo(2027, 5, 7, 0, 0)]


def test_a_schedule_on_closed_days_only_never_fires():
    spec = ScheduleSpec(robot="r", cron="0 7 24 12 *")  # julaften only
    assert trigger_for(spec, WorkCalendar()).get_next_fire_time(None, oslo(2026, 12, 1)) is None
    assert trigger_for(spec, WorkCalendar(closed_days=[])).get_next_fire_time(None, oslo(2026, 12, 1)) == \
        oslo(2026, 12, 24, 7, 0)


@pytest.mark.parametrize("lag", [timedelta(milliseconds=1), timedelta(milliseconds=500), timedelta(seconds=5),
                                 timedelta(minutes=10), timedelta(minutes=59)])
def test_a_0230_job_runs_once_in_the_autumn_night(lag):
    """25 October 2026: 02:00–03:00 comes twice (CEST, then CET); APScheduler's own cron trigger fires
    a 02:30 job in both."""
    trigger = trigger_for(ScheduleSpec(robot="r", days="alle", times="02:30", follow_calendar=False), WorkCalendar())
    found = fires(trigger, oslo(2026, 10, 23, 12, 0), utc(2026, 10, 28, 0, 0), lag)
    assert found == [utc(2026, 10, 24, 0, 30),   # 02:30 CEST
                     utc(2026, 10, 25, 0, 30),   # 02:30 CEST, the first pass; not 01:30 UTC (02:30 CET) as well
                     utc(2026, 10, 26, 1, 30),   # 02:30 CET
                     utc(2026, 10, 27, 1, 30)]
    assert all(b - a >= timedelta(hours=23) for a, b in zip(found, found[1:], strict=False))
    assert [f.astimezone(OSLO).strftime("%H:%M") for f in found] == ["02:30"] * 4


def test_apschedulers_own_cron_trigger_would_fire_twice():
    """What the wrapper is for (if APScheduler changes this, the wrapper's special case may go)."""
    trigger = trigger_for(ScheduleSpec(robot="r", days="alle", times="02:30", follow_calendar=False), WorkCalendar())
    raw = fires(trigger.inners[0], oslo(2026, 10, 24, 12, 0), utc(2026, 10, 25, 12, 0))
    assert raw == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)]


def test_every_20_minutes_runs_once_per_wall_clock_time_in_the_autumn_night():
    trigger = trigger_for(ScheduleSpec(robot="r", cron="*/20 * * * *", follow_calendar=False), WorkCalendar())
    found = fires(trigger, oslo(2026, 10, 25, 1, 30), utc(2026, 10, 25, 3, 30))
    wall = [f.astimezone(OSLO).strftime("%H:%M") for f in found]
    assert wall == ["01:40", "02:00", "02:20", "02:40", "03:00", "03:20", "03:40", "04:00", "04:20"]
    assert len(set(wall)) == len(wall)
    # the repeated hour (01:00–02:00 UTC) is skipped: 02:40 CEST is followed by 03:00 CET
    assert found[3:5] == [utc(2026, 10, 25, 0, 40), utc(2026, 10, 25, 2, 0)]
    assert not [f for f in found if utc(2026, 10, 25, 1, 0) <= f < utc(2026, 10, 25, 2, 0)]


def test_started_inside_the_repeated_hour_waits_for_new_wall_clock_times():
    trigger = trigger_for(ScheduleSpec(robot="r", cron="*/20 * * * *", follow_calendar=False), WorkCalendar())
    now = utc(2026, 10, 25, 1, 10).astimezone(OSLO)  # 02:10 CET, the second pass
    assert now.fold == 1
    assert trigger.get_next_fire_time(None, now) == utc(2026, 10, 25, 2, 0)  # 03:00 CET


def test_a_0230_job_runs_once_at_0330_in_the_spring_night():
    """29 March 2026: 02:00–03:00 does not exist; the 02:30 run is at 03:30 CEST (01:30 UTC)."""
    trigger = trigger_for(ScheduleSpec(robot="r", days="alle", times="02:30", follow_calendar=False), WorkCalendar())
    found = fires(trigger, oslo(2026, 3, 27, 12, 0), utc(2026, 3, 31, 0, 0))
    assert found == [utc(2026, 3, 28, 1, 30),   # 02:30 CET
                     utc(2026, 3, 29, 1, 30),   # 03:30 CEST
                     utc(2026, 3, 30, 0, 30)]   # 02:30 CEST
    night = found[1].astimezone(OSLO)
    assert (night.hour, night.minute, night.utcoffset()) == (3, 30, timedelta(hours=2))


def test_weekday_times_keep_their_wall_clock_time_across_dst():
    shown = upcoming(ScheduleSpec(robot="r"), WorkCalendar(), oslo(2026, 10, 22, 8, 0), 3)
    assert [u.at.astimezone(UTC) for u in shown] == [utc(2026, 10, 23, 5, 0), utc(2026, 10, 26, 6, 0),
                                                     utc(2026, 10, 27, 6, 0)]


def test_a_trigger_survives_pickling():
    spec = ScheduleSpec(robot="r", days="man-fre", times="07:00, 13:30")
    calendar = WorkCalendar(closed_dates=[date(2027, 5, 18)])
    trigger = trigger_for(spec, calendar)
    trigger.get_next_fire_time(None, oslo(2027, 5, 14, 8, 0))  # the holiday table is loaded
    copy = pickle.loads(pickle.dumps(trigger))
    assert str(copy) == str(trigger)
    previous, now = None, oslo(2027, 5, 14, 14, 0)
    for expected in (oslo(2027, 5, 19, 7, 0), oslo(2027, 5, 19, 13, 30), oslo(2027, 5, 20, 7, 0)):
        previous = copy.get_next_fire_time(previous, now)
        assert previous == expected  # 17 May (holiday) and 18 May (closed date) skipped
        now = previous + timedelta(seconds=1)
    dst = pickle.loads(pickle.dumps(trigger_for(ScheduleSpec(robot="r", days="alle", times="02:30",
                                                             follow_calendar=False), WorkCalendar())))
    assert len(fires(dst, oslo(2026, 10, 24, 12, 0), utc(2026, 10, 25, 12, 0))) == 1
