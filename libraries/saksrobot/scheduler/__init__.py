"""When robots run: schedules in our own table, synced to APScheduler 3.11, with the Norwegian
calendar (public holidays and the organisation's closed days) and Europe/Oslo wall-clock times."""

from saksrobot.scheduler.calendar import WorkCalendar
from saksrobot.scheduler.model import Schedule
from saksrobot.scheduler.service import SchedulerService
from saksrobot.scheduler.spec import ScheduleSpec
from saksrobot.scheduler.store import InvalidSchedule, NoSuchSchedule, ScheduleStore, parse_spec
from saksrobot.scheduler.triggers import Upcoming, trigger_for, upcoming

__all__ = ["InvalidSchedule", "NoSuchSchedule", "Schedule", "ScheduleSpec", "ScheduleStore", "SchedulerService",
           "Upcoming", "WorkCalendar", "parse_spec", "trigger_for", "upcoming"]
