"""The gevinst log's totals, kept by the database's triggers (on SQLite and PostgreSQL): after any
insert, update or delete of log rows they equal the log summed per period, and the report's buckets
equal the rows counted between Norwegian midnights."""

from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from saksrobot.database import make_engine
from saksrobot.gevinst import GevinstRow, GevinstTotal, Period, summarize
from saksrobot.gevinst.queries import buckets_of
from saksrobot.gevinst.summary import utc_of

# around midnight in Oslo in winter (23:00 UTC) and in summer (22:00 UTC), and on the days DST changes
EDGES = [datetime(2026, 1, 14, 21, 59, 59, 999999), datetime(2026, 1, 14, 22), datetime(2026, 1, 14, 22, 59, 59),
         datetime(2026, 1, 14, 23), datetime(2026, 1, 14, 23, 59, 59, 999999), datetime(2026, 1, 15),
         datetime(2026, 3, 28, 22, 30), datetime(2026, 3, 28, 23, 0), datetime(2026, 3, 29, 21, 59),
         datetime(2026, 3, 29, 22, 0), datetime(2026, 7, 1, 21, 59, 59), datetime(2026, 7, 1, 22),
         datetime(2026, 7, 1, 23, 30), datetime(2026, 10, 24, 22, 15), datetime(2026, 10, 25, 22, 59),
         datetime(2026, 10, 25, 23)]
OUTCOMES = ["done", "done", "manual", "failed", "retry", "duplicate"]


def _period(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0, hour=at.hour if at.hour >= 22 else 0)


def _rows() -> list[dict]:
    return [{"process": process, "robot_version": "t", "run_id": None, "business_key": f"{process}-{n}",
             "outcome": OUTCOMES[n % len(OUTCOMES)], "reason_code": None, "target_refs": {},
             "baseline_version": (None, "v1", "v2")[n % 3], "manual_minutes": 10, "saving_share": 1,
             "followup_minutes": 0, "saved_minutes": 0.25 * (n % 7), "arrived_at": None, "finished_at": at}
            for n, (process, at) in enumerate((p, at) for p in ("invoices", "archive_cases") for at in EDGES)]


def _expected(connection) -> dict:
    items, minutes = Counter(), Counter()
    for p, o, v, m, at in connection.execute(select(GevinstRow.process, GevinstRow.outcome,
                                                    GevinstRow.baseline_version, GevinstRow.saved_minutes,
                                                    GevinstRow.finished_at)):
        key = (_period(at), p, o, v or "")
        items[key] += 1
        minutes[key] += m
    return {key: (n, minutes[key]) for key, n in items.items()}


def _totals(connection) -> dict:
    return {(t, p, o, v): (n, pytest.approx(m)) for t, p, o, v, n, m in connection.execute(select(
        GevinstTotal.period_start, GevinstTotal.process, GevinstTotal.outcome, GevinstTotal.baseline_version,
        GevinstTotal.items, GevinstTotal.saved_minutes).where(GevinstTotal.items != 0))}


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(insert(GevinstRow), _rows())
    yield engine
    engine.dispose()


def test_the_totals_follow_inserts_updates_and_deletes(engine):
    with engine.begin() as connection:
        assert _totals(connection) == _expected(connection)
        assert len(_expected(connection)) > 20
        connection.execute(update(GevinstRow).where(GevinstRow.business_key == "invoices-1").values(
            outcome="manual", finished_at=datetime(2026, 1, 14, 22, 30), baseline_version=None, saved_minutes=3))
        connection.execute(delete(GevinstRow).where(GevinstRow.business_key.in_(["invoices-3", "archive_cases-7"])))
        assert _totals(connection) == _expected(connection)
        connection.execute(delete(GevinstRow))
        assert _totals(connection) == {}
        assert connection.scalar(select(func.max(func.abs(GevinstTotal.saved_minutes)))) == 0  # no residue


def test_a_truncated_log_leaves_no_totals(postgres_database):
    engine = make_engine(postgres_database)
    with engine.begin() as connection:
        connection.execute(insert(GevinstRow), _rows())
        connection.execute(text("TRUNCATE gevinst_log"))
        assert connection.scalar(select(GevinstTotal.process).limit(1)) is None
    engine.dispose()


def test_buckets_and_summaries_count_the_rows_between_norwegian_midnights(engine):
    days = [utc_of(datetime(2026, 1, 13).date() + timedelta(days=n)) for n in range(300)]
    buckets = buckets_of(engine, days)
    with engine.connect() as connection:
        log = connection.execute(select(GevinstRow.process, GevinstRow.outcome, GevinstRow.finished_at)).all()
    for i in range(len(days) - 1):
        for process in ("invoices", "archive_cases"):
            rows = Counter(o for p, o, at in log if p == process and days[i] <= at < days[i + 1])
            bucket = buckets.get((process, i))
            assert ((bucket.done, bucket.manual, bucket.failed) if bucket else (0, 0, 0)) == (
                rows["done"], rows["manual"], rows["failed"]), (process, days[i])
    assert buckets_of(engine, days[1:3]) == {key[:1] + (0,): buckets[key] for key in buckets if key[1] == 1}
    winter = Period("14.01", datetime(2026, 1, 14).date(), datetime(2026, 1, 15).date())
    assert [(s.process, s.items_done, s.handed_over, s.failed) for s in summarize(engine, winter)] == [
        (p, *(sum(1 for q, o, at in log if q == p and o == outcome and utc_of(winter.start) <= at < utc_of(
            winter.end)) for outcome in ("done", "manual", "failed"))) for p in ("archive_cases", "invoices")]


def test_bounds_that_are_not_norwegian_midnights_are_refused(engine):
    with pytest.raises(ValueError, match="midnights in Oslo"):
        buckets_of(engine, [datetime(2026, 1, 1, 22), datetime(2026, 1, 2, 12)])
