"""An installation of release 0.1.0 (tables made by ``create_all``, no migrations) with data in
every table is upgraded by one command, ``saksrobot db upgrade``, on SQLite and PostgreSQL: every
row is kept, every figure of ``saksrobot report`` is the same, and the stores, the scheduler and the
control room work on it. Until then, the new release refuses to use it."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import release_0_1_0 as release
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from postgres import new_postgres_database
from saksrobot.audit import Action, AuditLog
from saksrobot.database import engine_for, make_engine
from saksrobot.database.schema import SchemaMismatch, differences, state
from saksrobot.scheduler import SchedulerService, ScheduleSpec, ScheduleStore
from saksrobot.settings import load_settings
from saksrobot.web.app import create_app
from saksrobot.web.users import UserStore
from saksrobot.workitems import State, WorkItemStore
from saksrobot.workitems.sealed import Sealer, new_key

NOW = datetime(2026, 11, 20, 12, 0)  # naive UTC, as saksrobot stores times
PASSWORD = "et-langt-passord-2026"
PERIODS = ("2025", "2026", "2026-T1", "2025-Q4")


@pytest.fixture(params=["sqlite", "postgresql"])
def installation(request, tmp_path):
    """(url of a 0.1.0 database with its rows, the rows, url of an empty database for comparison)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    if request.param == "sqlite":
        urls = [f"sqlite:///{tmp_path / 'old.db'}", f"sqlite:///{tmp_path / 'reference.db'}"]
        yield _fill(urls[0], cheap.hash(PASSWORD)), urls[1]
        return
    with new_postgres_database() as old, new_postgres_database() as reference:
        yield _fill(old, cheap.hash(PASSWORD)), reference


def _fill(url: str, password_hash: str) -> tuple[str, dict]:
    engine = engine_for(url)
    with engine.begin() as connection:
        data = release.create(connection, NOW, password_hash)
        # and attempts around midnight in Oslo (22:00 UTC in summer, 23:00 in winter), without a baseline
        late = [{**row, "id": 10_000 + n, "baseline_version": None if n % 2 else row["baseline_version"],
                 "finished_at": row["finished_at"].replace(hour=(21, 22, 23)[n % 3], minute=(59, 0, 30)[n % 3])}
                for n, row in enumerate(data["gevinst_log"])]
        connection.execute(release.metadata.tables["gevinst_log"].insert(), late)
        data["gevinst_log"] += late
    SQLAlchemyJobStore(engine=engine, tablename="apscheduler_jobs").jobs_t.create(engine)  # as 0.1.0's serve made it
    engine.dispose()
    return url, data


def snapshot(engine: Engine) -> dict[str, list[dict]]:
    """Every row of every 0.1.0 table, in key order, as the 0.1.0 columns read it."""
    with engine.connect() as connection:
        return {name: [dict(row._mapping) for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns))]
                for name, table in release.metadata.tables.items()}


def reports(saksrobot, url: str) -> dict[str, dict]:
    figures = {}
    for period in PERIODS:
        result = saksrobot(url, "report", "--period", period, "--format", "json")
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        report.pop("generated_at")
        figures[period] = report
    return figures


def test_upgrade_keeps_every_row_and_every_report_figure(installation, saksrobot):
    (url, data), reference = installation
    engine = engine_for(url)
    before = snapshot(engine)
    assert {name: len(rows) for name, rows in before.items()} == {name: len(rows) for name, rows in data.items()}

    refused = saksrobot(url, "queue", "list")  # the new release will not work on the old schema
    assert refused.exit_code == 2 and "saksrobot db upgrade" in refused.output
    with pytest.raises(SchemaMismatch, match="before saksrobot had migrations"):
        make_engine(url)
    assert snapshot(engine) == before  # refusing changed nothing

    upgraded = saksrobot(url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert "0.1.0 (before migrations) ->" in upgraded.output
    assert "apscheduler_jobs): present" in upgraded.output
    current = state(engine)
    assert current.status == "current" and current.revision == current.head
    with engine.connect() as connection:
        assert differences(connection) == []  # the upgraded schema is exactly this release's models

    assert snapshot(engine) == before  # every row, every value
    # the report reads the upgraded database as it reads the same rows written by this release
    fresh = make_engine(reference)
    with fresh.begin() as connection:
        for name, rows in data.items():
            connection.execute(release.metadata.tables[name].insert(), rows)
    totals = "SELECT period_start, process, outcome, baseline_version, items, saved_minutes FROM gevinst_totals " \
             "ORDER BY period_start, process, outcome, baseline_version"
    with engine.connect() as upgraded, fresh.connect() as written:  # 0012's totals, as its triggers keep them
        assert [(*row[:5], pytest.approx(row[5])) for row in upgraded.execute(text(totals))] == list(
            written.execute(text(totals)))
    upgraded_figures = reports(saksrobot, url)
    assert upgraded_figures == reports(saksrobot, reference)
    year = {row["process"]: row for row in upgraded_figures["2025"]["views"][0]["rows"]}
    assert year["invoices"]["items_done"] > 0 and year["invoices"]["hours"] > 0  # figures, not zeros
    assert saksrobot(url, "db", "upgrade").output.startswith("Schema revision")  # a second upgrade: nothing to do
    engine.dispose()
    fresh.dispose()


def test_stores_scheduler_and_control_room_work_after_the_upgrade(installation, saksrobot, tmp_path, monkeypatch):
    (url, _), _ = installation
    assert saksrobot(url, "db", "upgrade").exit_code == 0
    engine = make_engine(url)  # no complaint now

    store = WorkItemStore(engine, sealer=Sealer(SecretStr(new_key())))
    item = store.reserve("archive_cases")
    assert item is not None and item.payload["nested"] == {"ø": [1, 2.5, None]}  # 0.1.0's payload as it was
    assert item.personal is None
    assert item.reservations >= 2  # 0005: an item from before may have been tried, so it is looked up first
    with engine.connect() as connection:  # 0006: the runs of before ran locally; no worker known yet
        assert connection.scalar(text("SELECT count(*) FROM runs WHERE worker IS NOT NULL")) == 0
        assert connection.scalar(text("SELECT count(*) FROM runs")) > 0
        assert connection.scalar(text("SELECT count(*) FROM workers")) == 0
        # 0007: items resolved before keep what they had; no note beside the reason yet
        assert connection.scalar(text("SELECT count(*) FROM work_items WHERE resolution_note IS NOT NULL")) == 0
        for table in ("alert_subscriptions", "alert_sent", "alert_watermarks"):  # 0010: defaults until chosen
            assert connection.scalar(text(f"SELECT count(*) FROM {table}")) == 0  # noqa: S608 - our names
        # 0008: an audit trail that refuses changes, its first row the upgrade; 0009: nobody has an e-mail
        # address or single sign-on yet
        assert connection.execute(text("SELECT action, object_type, after FROM audit_events")).all() == [
            ("database_upgrade", "database", f'{{"revisjon": "{state(engine).head}"}}')]
        assert connection.scalar(text("SELECT count(*) FROM web_users WHERE email IS NOT NULL "
                                      "OR oidc_subject IS NOT NULL")) == 0
        # 0012: the gevinst log's totals, filled from its rows and kept by triggers from now on
        per_outcome = "SELECT process, outcome, {} FROM {} GROUP BY process, outcome ORDER BY process, outcome"
        logged = connection.execute(text(per_outcome.format("count(*), sum(saved_minutes)", "gevinst_log"))).all()
        totals = connection.execute(text(per_outcome.format("sum(items), sum(saved_minutes)", "gevinst_totals"))).all()
        assert logged and [(*t[:3], pytest.approx(t[3])) for t in totals] == logged
        connection.execute(text("INSERT INTO gevinst_log (process, robot_version, business_key, outcome, target_refs, "
                                "manual_minutes, saving_share, followup_minutes, saved_minutes, finished_at) VALUES "
                                "('invoices', 'x', 'NEW', 'done', '{}', 1, 1, 0, 1, '2026-12-01 08:00:00')"))
        assert connection.scalar(text("SELECT sum(items) FROM gevinst_totals")) == sum(row[2] for row in logged) + 1
    AuditLog(engine).record("rt.admin", Action.LOGIN, ("user", "rt.admin"))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events"))
    assert store.complete(item, {"case_number": "26/00999"}).state == State.DONE
    store.add("archive_cases", "NEW-1", {"Tittel": "Søknad", "Parter": "03851598730"}, personal=["Parter"])
    fresh = store.by_keys("archive_cases", ["NEW-1"])["NEW-1"]  # 0002: personal fields sealed apart
    assert fresh.payload == {"Tittel": "Søknad"} and "03851598730" not in fresh.personal
    assert [s.robot for s in ScheduleStore(engine).all()] == ["archive_cases", "invoices", "ppt_referrals"]
    assert "07:00" in ScheduleSpec.of(ScheduleStore(engine).get(1)).describe()
    assert UserStore(engine).authenticate("kari", PASSWORD) is not None
    assert UserStore(engine).authenticate("ola", PASSWORD) is None  # deactivated in 0.1.0, still

    settings = load_settings(logs_dir=tmp_path / "logs", database={"url": url}, scheduler={"sync_seconds": 3600})
    service = SchedulerService(settings, engine)
    service.start()
    try:
        client = TestClient(create_app(settings, engine, service), follow_redirects=False)
        page = client.get("/logg-inn")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        assert client.post("/logg-inn", data={"username": "rt.admin", "password": PASSWORD, "csrf_token": token,
                                              "neste": "/"}).status_code == 303
        for path in ("/", "/roboter", "/kjoringer", "/manuell", "/gevinst", "/brukere", "/innstillinger",
                     "/tidsplaner/3"):
            assert client.get(path).status_code == 200, path
        # 0003: 0.1.0's run left "running" 7 days ago has no owner on record: shown lost, not running
        assert "Mistet (prosessen stoppet)" in client.get("/kjoringer").text
        with engine.connect() as connection:
            assert connection.execute(text("select status from runs where id = 'run0007'")).scalar() == "lost"
            assert connection.execute(text("select count(*) from robot_locks where run_id = 'run0007'")).scalar() == 0
        assert "Mangler samtykke fra foresatte" in client.get("/manuell").text  # the 0.1.0 hand-overs
    finally:
        service.shutdown()
        engine.dispose()
