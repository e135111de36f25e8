"""The manager report's figures against hand-calculated fixtures (on SQLite and PostgreSQL).

The fixture (big minutes, so that rounding cannot hide a wrong rule):

- baseline v1 from 01.01.2026: 600 min × 0.5 − 0 = 300 min (5 h) per item; re-measured as v2 from
  01.06.2026: 300 min × 1.0 − 60 = 240 min (4 h) per item; both planned 1 200 items a year;
- rate r1 from 01.01.2026: 1 695 h per årsverk, 600 kr/h; rate r2 from 15.05.2026: 1 750 h, 900 kr/h.

Rows (UTC; Oslo is UTC+2 in summer):

    K7 done    15.04 10:00          April, T1       5 h  at 600 kr      arrived 1 h before
    K1 done    30.04 22:30 (=01.05 00:30 Oslo)  May, T2  5 h at 600     arrived 2 h before
    K1 done    02.05 10:00          rerun: duplicate, saves nothing
    K2 done    14.05 21:30 (=14.05 23:30 Oslo)  r1: 5 h at 600          arrived 4 h before
    K3 done    14.05 22:30 (=15.05 00:30 Oslo)  r2: 5 h at 900          arrived 6 h before
    K4 manual  20.05 10:00          saves nothing
    K5 failed  21.05 10:00          saves nothing (after a retry on 20.05)
    K6 done    10.06 10:00          v2: 4 h at 900                       arrived 10 h before
"""

from datetime import date, datetime, timedelta

import pytest

from postgres import new_postgres_database
from saksrobot.database import make_engine
from saksrobot.gevinst import GevinstLog, GevinstPlan, GevinstRow, build_report, parse_period
from saksrobot.gevinst.report import SAMPLE_CAP, months_between, report_views, weighted_median
from saksrobot.settings import GevinstSettings

SETTINGS = GevinstSettings.model_validate({
    "baselines": {"archive_cases": [
        {"version": "v1", "valid_from": "2026-01-01", "manual_minutes": 600, "saving_share": 0.5,
         "planned_items_per_year": 1200, "gevinstansvarlig": "Leder, byarkivet"},
        {"version": "v2", "valid_from": "2026-06-01", "manual_minutes": 300, "saving_share": 1.0,
         "followup_minutes": 60, "planned_items_per_year": 1200, "gevinstansvarlig": "Leder, byarkivet"}]},
    "rates": [{"valid_from": "2026-01-01", "hours_per_arsverk": 1695, "hourly_cost_nok": 600, "source": "r1"},
              {"valid_from": "2026-05-15", "hours_per_arsverk": 1750, "hourly_cost_nok": 900, "source": "r2"}],
})
NO_PLAN = GevinstPlan()


def _done(log, key, finished, arrived_hours_before):
    return log.record("archive_cases", key, "done", finished_at=finished,
                      arrived_at=finished - timedelta(hours=arrived_hours_before))


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    log = GevinstLog(engine, SETTINGS, robot_version="test")
    _done(log, "K7", datetime(2026, 4, 15, 10), 1)
    _done(log, "K1", datetime(2026, 4, 30, 22, 30), 2)
    assert _done(log, "K1", datetime(2026, 5, 2, 10), 1).outcome == "duplicate"
    _done(log, "K2", datetime(2026, 5, 14, 21, 30), 4)
    _done(log, "K3", datetime(2026, 5, 14, 22, 30), 6)
    log.record("archive_cases", "K4", "manual", finished_at=datetime(2026, 5, 20, 10), reason_code="invalid_request")
    log.record("archive_cases", "K5", "retry", finished_at=datetime(2026, 5, 20, 10), reason_code="server_error")
    log.record("archive_cases", "K5", "failed", finished_at=datetime(2026, 5, 21, 10), reason_code="server_error")
    _done(log, "K6", datetime(2026, 6, 10, 10), 10)
    return engine


def report(engine, period, plan=NO_PLAN, today=date(2026, 6, 30), settings=SETTINGS, robot=None):
    return build_report(engine, settings, plan, parse_period(period), robot, today=today)


def line(result, view="period", process="archive_cases"):
    (found,) = [x for v in result.views if v.key == view for x in v.lines if x.process == process]
    return found


def test_month_counts_each_item_once_and_applies_the_rate_from_its_oslo_date(engine):
    may = line(report(engine, "2026-05"))
    # K1 (its rerun is a duplicate), K2, K3 count; K4 manual and K5 failed save nothing
    assert (may.items_done, may.handed_over, may.failed) == (3, 1, 1)
    assert may.hours == 15.0
    # K1, K2 at 600 kr before 15 May; K3 finished 00:30 on 15 May in Oslo: 900 kr
    assert may.value_nok == 5 * 600 + 5 * 600 + 5 * 900 == 10_500
    # årsverk with the hours per årsverk of each rate: (10/1695 + 5/1750) × 12 months / 1 month
    assert may.arsverk == round((10 / 1695 + 5 / 1750) * 12, 3) == 0.105
    assert may.handed_over_share_pct == 20.0  # 1 of 5 settled items
    assert may.median_lead_time_hours == 4.0  # K1 2 h, K2 4 h, K3 6 h
    # plan: the baseline's 1 200 items a year at 5 h, one month of twelve
    assert (may.planned_hours, may.plan_source) == (500.0, "nullpunktsmåling")
    assert may.realisation_pct == 3.0


def test_april_ends_at_midnight_in_oslo(engine):
    april = line(report(engine, "2026-04"))
    assert (april.items_done, april.hours, april.value_nok) == (1, 5.0, 3000)  # K7 only: K1 is May in Oslo


def test_tertials_use_oslo_time_and_a_remeasured_baseline_only_from_its_date(engine):
    t1, t2 = report(engine, "2026-T1"), report(engine, "2026-T2")
    assert (line(t1).items_done, line(t1).hours) == (1, 5.0)  # K7; K1 at 30.04 22:30 UTC is 1 May in Oslo
    second = line(t2)
    assert second.items_done == 4  # K1, K2, K3, K6
    assert second.hours == 5 + 5 + 5 + 4 == 19.0  # K6 after the re-measurement: 4 h, the others 5 h
    assert second.baseline_versions == ["v1", "v2"]
    assert second.value_nok == 10_500 + 4 * 900 == 14_100
    assert second.arsverk == round((10 / 1695 + 9 / 1750) * 12 / 4, 3) == 0.033
    # planned: May at v1 (1 200 × 5 h / 12) + June–August at v2 (1 200 × 4 h × 3/12)
    assert second.planned_hours == 500 + 1200 == 1700.0
    assert second.realisation_pct == round(19 / 1700 * 100, 1) == 1.1
    assert second.median_lead_time_hours == 5.0  # 2, 4, 6, 10 h: mean of the middle two
    assert second.handed_over_share_pct == round(1 / 6 * 100, 1)


def test_failed_and_handed_over_rows_never_save_time_even_if_a_row_says_so(engine):
    from sqlalchemy.orm import Session

    with Session(engine) as s:  # a row written by hand (or an old bug) with minutes on a manual outcome
        s.add(GevinstRow(process="archive_cases", robot_version="x", business_key="K9", outcome="manual",
                         saved_minutes=999, finished_at=datetime(2026, 5, 25, 10)))
        s.commit()
    may = line(report(engine, "2026-05"))
    assert (may.handed_over, may.hours) == (2, 15.0)


def test_year_view_adds_year_to_date_and_previous_year(engine):
    result = report(engine, "2026", today=date(2026, 6, 30))
    assert [(v.key, v.name, v.start, v.end) for v in result.views] == [
        ("period", "Periode", date(2026, 1, 1), date(2027, 1, 1)),
        ("ytd", "Hittil i år", date(2026, 1, 1), date(2026, 7, 1)),
        ("previous_year", "Fjoråret", date(2025, 1, 1), date(2026, 1, 1))]
    year, ytd = line(result), line(result, "ytd")
    assert (year.items_done, year.hours, year.value_nok) == (5, 24.0, 3000 + 10_500 + 3600)
    assert ytd.hours == 24.0
    # plan to date: January–May at 5 h, June at 4 h; the whole year: June–December at 4 h
    assert ytd.planned_hours == 1200 * 5 * 5 / 12 + 1200 * 4 / 12 == 2900.0
    assert year.planned_hours == 2500 + 1200 * 4 * 7 / 12 == 5300.0
    assert ytd.arsverk == round((5 / 1695 + 10 / 1695 + 5 / 1750 + 4 / 1750) * 12 / 6, 3)
    assert result.views[2].lines == [] and result.views[2].total.items_done == 0
    assert [v.months for v in result.views] == [12, 6, 12]


def test_plan_file_replaces_the_baseline_plan_and_budget_gains_are_separate(engine):
    plan = GevinstPlan.model_validate({
        "plan": [{"process": "archive_cases", "year": 2026, "planned_items": 600, "gevinstansvarlig": "Arkivleder"}],
        "budget_gains": [{"process": "archive_cases", "amount_nok": 50_000, "date": "2026-06-15",
                          "vedtak": "KST-sak 12/26", "description": "Vikarbudsjett redusert"}]})
    t2 = report(engine, "2026-T2", plan)
    second = line(t2)
    assert second.planned_hours == 600 * 5 / 12 + 600 * 4 * 3 / 12 == 850.0
    assert (second.plan_source, second.gevinstansvarlig) == ("plan", "Arkivleder")
    assert second.budget_gains_nok == 50_000
    assert second.value_nok == 14_100  # the calculated value is not changed by a budget gain
    assert t2.budget_gains[0]["vedtak"] == "KST-sak 12/26"
    assert line(report(engine, "2026-05", plan)).budget_gains_nok == 0
    hours_plan = GevinstPlan.model_validate(
        {"plan": [{"process": "archive_cases", "year": 2026, "planned_hours": 2400}]})
    assert line(report(engine, "2026-T2", hours_plan)).planned_hours == 800.0


def test_footer_states_the_constants_with_source_and_date(engine):
    result = report(engine, "2026-T2")
    assert [(r["valid_from"], r["hours_per_arsverk"], r["hourly_cost_nok"], r["source"]) for r in result.rates] == [
        ("2026-01-01", 1695, 600, "r1"), ("2026-05-15", 1750, 900, "r2")]
    assert [(b["version"], b["valid_from"], b["saved_minutes_per_item"]) for b in result.baselines] == [
        ("v1", "2026-01-01", 300), ("v2", "2026-06-01", 240)]
    assert any("ikke en budsjettgevinst" in note for note in result.notes)
    assert result.tertials == [{"label": "2026-T1", "planned_hours": 2000.0, "hours": 5.0},
                               {"label": "2026-T2", "planned_hours": 1700.0, "hours": 19.0},
                               {"label": "2026-T3", "planned_hours": 1600.0, "hours": 0.0}]
    assert [(m["month"], m["hours"]) for m in result.monthly_hours] == [
        ("2026-05", 15.0), ("2026-06", 4.0), ("2026-07", 0.0), ("2026-08", 0.0)]


def test_no_rate_means_no_calculated_value(engine):
    unrated = SETTINGS.model_copy(update={"rates": []})
    may = line(report(engine, "2026-05", settings=unrated))
    assert may.value_nok is None and may.arsverk == round(15 / 1695 * 12, 3)
    assert any("ingen timesats" in note for note in report(engine, "2026-05", settings=unrated).notes)


def test_robot_filter_and_processes_without_baseline(engine):
    log = GevinstLog(engine, SETTINGS)
    log.record("new_robot", "N1", "done", finished_at=datetime(2026, 5, 5, 10))  # no baseline: counts, saves 0
    both = report(engine, "2026-05")
    assert [x.process for x in both.views[0].lines] == ["archive_cases", "new_robot"]
    assert (line(both, process="new_robot").items_done, line(both, process="new_robot").hours) == (1, 0.0)
    only = report(engine, "2026-05", robot="new_robot")
    assert [x.process for x in only.views[0].lines] == ["new_robot"]


def test_median_from_a_sample_above_the_cap(engine, monkeypatch):
    monkeypatch.setattr("saksrobot.gevinst.report.SAMPLE_CAP", 10)
    log = GevinstLog(engine, SETTINGS)
    for n in range(60):  # lead times 0 … 59 h in July
        finished = datetime(2026, 7, 1, 12) + timedelta(minutes=n)
        log.record("archive_cases", f"S{n}", "done", finished_at=finished, arrived_at=finished - timedelta(hours=n))
    july = line(report(engine, "2026-07"))
    assert july.items_done == 60 and july.hours == 240.0  # counts and hours are always exact
    assert 0 <= july.median_lead_time_hours <= 59  # the median of a fixed sample of about 10 rows
    assert any("utvalg" in note for note in report(engine, "2026-07").notes)


def test_the_sample_is_spread_over_the_whole_log(engine, monkeypatch):
    """Only the sample's blocks are read, and they are spread: a sample of the first rows alone would
    give a median near 10 h here, not near 500 h."""
    monkeypatch.setattr("saksrobot.gevinst.report.SAMPLE_CAP", 50)
    log = GevinstLog(engine, SETTINGS)
    for n in range(1000):  # lead times 0 … 999 h, growing with the row id
        finished = datetime(2026, 8, 1, 12) + timedelta(minutes=n)
        log.record("archive_cases", f"B{n}", "done", finished_at=finished, arrived_at=finished - timedelta(hours=n))
    august = line(report(engine, "2026-08"))
    assert august.items_done == 1000  # counts are always exact
    assert 350 <= august.median_lead_time_hours <= 650


def test_weighted_median():
    assert weighted_median([]) is None
    assert weighted_median([(3, 1), (1, 1), (2, 1)]) == 2
    assert weighted_median([(1, 1), (2, 1), (3, 1), (10, 1)]) == 2.5
    assert weighted_median([(1, 1), (5, 3)]) == 5


def test_months_and_views():
    assert months_between(date(2026, 1, 1), date(2027, 1, 1)) == 12
    assert months_between(date(2026, 2, 1), date(2026, 3, 1)) == 1
    assert months_between(date(2026, 1, 1), date(2026, 11, 24)) == pytest.approx(10 + 23 / 30)
    assert [v[0] for v in report_views(parse_period("2026-T2"), date(2026, 11, 1))] == ["period", "ytd"]
    assert [v[0] for v in report_views(parse_period("2026-T1"), date(2026, 11, 1))] == ["period"]
    assert [v[0] for v in report_views(parse_period("2025-11-01..2026-02-28"), date(2026, 11, 1))] == ["period"]
    # a year in the future has no year-to-date yet
    assert [v[0] for v in report_views(parse_period("2027"), date(2026, 11, 1))] == ["period", "previous_year"]
    assert SAMPLE_CAP >= 1000


def test_an_in_memory_database_is_read_on_its_one_connection():
    engine = make_engine("sqlite://")
    _done(GevinstLog(engine, SETTINGS), "M1", datetime(2026, 3, 2, 10), 3)
    march = line(report(engine, "2026-03"))
    assert (march.items_done, march.hours, march.value_nok, march.median_lead_time_hours) == (1, 5.0, 3000, 3.0)


def test_the_console_table_of_a_first_year_without_a_previous_year(engine):
    """A site's first year: the previous year has no rows and no baseline, so its view has no line
    (the console table used to fail on it with an IndexError)."""
    from io import StringIO

    from rich.console import Console

    from saksrobot.gevinst.report import render_table

    result = report(engine, "2026")
    previous = [v for v in result.views if v.key == "previous_year"]
    assert previous and previous[0].lines == []
    out = StringIO()
    render_table(result, Console(file=out, width=160))
    assert "Fjoråret 2025" in out.getvalue() and "Periode 2026" in out.getvalue()


def test_the_sample_and_its_medians_are_the_same_on_sqlite_and_postgresql(tmp_path, monkeypatch):
    """PostgreSQL filters and thins the sample in its query, SQLite here: the same rows either way."""
    monkeypatch.setattr("saksrobot.gevinst.report.SAMPLE_CAP", 40)
    settings = GevinstSettings.model_validate({"baselines": {
        name: [{"version": "v1", "valid_from": "2026-01-01", "manual_minutes": 30}] for name in ("a", "b")}})
    medians = []
    with new_postgres_database() as postgres:
        for url in (f"sqlite:///{tmp_path / 'log.db'}", postgres):
            engine = make_engine(url)
            log = GevinstLog(engine, settings)
            for n in range(900):  # two robots, every 7th handed over, lead times spread by a hash of n
                finished = datetime(2026, 9, 1, 8) + timedelta(minutes=n)
                arrived = finished - timedelta(minutes=(n * 7919) % 5000)
                log.record("ab"[n % 2], f"K{n}", "manual" if n % 7 == 0 else "done", finished_at=finished,
                           arrived_at=arrived)
            result = build_report(engine, settings, NO_PLAN, parse_period("2026-09"), today=date(2026, 9, 30))
            medians.append({x.process: (x.items_done, x.median_lead_time_hours) for v in result.views
                            for x in v.lines if v.key == "period"})
            engine.dispose()
    assert medians[0] == medians[1] and medians[0]["a"][0] > 40  # sampled (more rows than the cap), the same
