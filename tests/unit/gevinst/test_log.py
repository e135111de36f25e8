from datetime import date, datetime

import pytest

from saksrobot.database import make_engine
from saksrobot.errors import ConfigurationError
from saksrobot.gevinst import GevinstLog, parse_period, summarize
from saksrobot.settings import GevinstSettings

SETTINGS = GevinstSettings.model_validate({"baselines": {"archive_cases": [
    {"version": "v1", "valid_from": "2026-01-01", "manual_minutes": 10, "saving_share": 0.9, "followup_minutes": 1},
    {"version": "v2", "valid_from": "2026-06-01", "manual_minutes": 6, "saving_share": 1.0},
]}})


@pytest.fixture
def gevinst(database_url):
    engine = make_engine(database_url)
    return GevinstLog(engine, SETTINGS, robot_version="test"), engine


def test_first_success_counts_with_the_baseline_in_force(gevinst):
    log, _ = gevinst
    row = log.record("archive_cases", "R1", "done", finished_at=datetime(2026, 3, 1, 9), run_id="a",
                     target_refs={"case_number": "26/00001"})
    assert (row.saved_minutes, row.baseline_version, row.manual_minutes, row.robot_version) == (8.0, "v1", 10, "test")
    later = log.record("archive_cases", "R2", "done", finished_at=datetime(2026, 7, 1, 9))
    assert (later.saved_minutes, later.baseline_version) == (6.0, "v2")  # re-measured baseline from its date


def test_duplicates_manual_failed_and_retries_save_nothing(gevinst):
    log, _ = gevinst
    when = datetime(2026, 3, 1, 9)
    log.record("archive_cases", "R1", "done", finished_at=when)
    rows = [log.record("archive_cases", "R1", "done", finished_at=when),
            log.record("archive_cases", "R2", "manual", finished_at=when, reason_code="invalid_request"),
            log.record("archive_cases", "R3", "retry", finished_at=when, reason_code="server_error"),
            log.record("archive_cases", "R3", "failed", finished_at=when, reason_code="server_error")]
    assert [(r.outcome, r.saved_minutes) for r in rows] == [
        ("duplicate", 0), ("manual", 0), ("retry", 0), ("failed", 0)]


def test_an_item_handed_over_again_counts_as_handed_over_once(gevinst):
    """Sent back to the robot by staff and handed over again: one hand-over in the report."""
    from saksrobot.gevinst import build_report
    from saksrobot.gevinst.plan import GevinstPlan

    log, engine = gevinst
    first = log.record("archive_cases", "R1", "manual", finished_at=datetime(2026, 3, 1, 9), reason_code="x")
    again = log.record("archive_cases", "R1", "manual", finished_at=datetime(2026, 3, 2, 9), reason_code="x")
    other = log.record("archive_cases", "R2", "manual", finished_at=datetime(2026, 3, 2, 9), reason_code="x")
    done = log.record("archive_cases", "R3", "done", finished_at=datetime(2026, 3, 2, 9))
    assert [r.outcome for r in (first, again, other, done)] == ["manual", "manual_again", "manual", "done"]
    (line,) = build_report(engine, SETTINGS, GevinstPlan(), parse_period("2026-03"), today=date(2026, 3, 31)
                           ).views[0].lines
    assert (line.handed_over, line.items_done, line.handed_over_share_pct) == (2, 1, 66.7)


def test_no_baseline_saves_nothing_but_is_logged(gevinst):
    log, _ = gevinst
    row = log.record("unknown_process", "X", "done", finished_at=datetime(2026, 3, 1))
    assert (row.saved_minutes, row.baseline_version) == (0, None)


def test_summary_by_period_in_oslo_time(gevinst):
    log, engine = gevinst
    # 31 Aug 22:30 UTC is 1 Sep 00:30 in Oslo: tertial 3, not tertial 2.
    log.record("archive_cases", "A", "done", finished_at=datetime(2026, 8, 31, 22, 30))
    log.record("archive_cases", "B", "done", finished_at=datetime(2026, 5, 2, 10))
    log.record("archive_cases", "C", "manual", finished_at=datetime(2026, 5, 2, 10))
    (t2,) = summarize(engine, parse_period("2026-T2"))
    (t3,) = summarize(engine, parse_period("2026-T3"))
    assert (t2.items_done, t2.handed_over, t2.hours_saved) == (1, 1, round(8 / 60, 2))
    assert (t3.items_done, t3.hours_saved) == (1, round(6 / 60, 2))
    assert summarize(engine, parse_period("2026"), process="archive_cases")[0].items_done == 2


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026", date(2026, 1, 1), date(2027, 1, 1)), ("2026-T3", date(2026, 9, 1), date(2027, 1, 1)),
    ("2026-Q2", date(2026, 4, 1), date(2026, 7, 1)), ("2026-12", date(2026, 12, 1), date(2027, 1, 1)),
    ("2026-02-01..2026-02-28", date(2026, 2, 1), date(2026, 3, 1)),
])
def test_periods(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2026-T4", "26", "last year", "1890", "2026-02-30..2026-03-01", "9999",
                                  "2026-01-01..9999-12-31"])
def test_unknown_periods_are_refused(text):
    with pytest.raises(ConfigurationError):
        parse_period(text)
