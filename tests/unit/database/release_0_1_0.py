"""The schema of release 0.1.0 (the last made by ``create_all``, before migrations), frozen here as
it was, and rows of every kind a municipality would have in it: the starting point of the upgrade
tests. Never change this file: it is history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Double,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Connection

metadata = MetaData()

work_items = Table(
    "work_items", metadata,
    Column("id", Integer, primary_key=True),
    Column("process", String(100), nullable=False),
    Column("key", String(200), nullable=False),
    Column("state", String(20), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("files", JSON, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("not_before", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("lease_owner", String(100)),
    Column("lease_expires", DateTime),
    Column("result", JSON, nullable=False),
    Column("reason_code", String(100)),
    Column("reason_text", Text),
    Column("run_id", String(50)),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("resolved_by", String(100)),
    UniqueConstraint("process", "key", name="uq_work_items_process_key"),
    Index("ix_work_items_next", "process", "state", "priority", "id"),
)
work_item_content = Table(
    "work_item_content", metadata,
    Column("process", String(100), primary_key=True),
    Column("content_key", String(128), primary_key=True),
    Column("key", String(200), nullable=False),
    Column("claimed_at", DateTime, nullable=False),
)
gevinst_log = Table(
    "gevinst_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("process", String(100), nullable=False),
    Column("robot_version", String(50), nullable=False),
    Column("run_id", String(50)),
    Column("business_key", String(200), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("reason_code", String(100)),
    Column("target_refs", JSON, nullable=False),
    Column("baseline_version", String(50)),
    Column("manual_minutes", Double, nullable=False),
    Column("saving_share", Double, nullable=False),
    Column("followup_minutes", Double, nullable=False),
    Column("saved_minutes", Double, nullable=False),
    Column("arrived_at", DateTime),
    Column("finished_at", DateTime, nullable=False),
    Index("ix_gevinst_process_finished", "process", "finished_at"),
    Index("ix_gevinst_process_key", "process", "business_key"),
)
runs = Table(
    "runs", metadata,
    Column("id", String(50), primary_key=True),
    Column("robot", String(100), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("return_code", Integer),
    Column("output_dir", String(500), nullable=False),
    Column("summary", JSON, nullable=False),
)
robot_locks = Table(
    "robot_locks", metadata,
    Column("robot", String(100), primary_key=True),
    Column("run_id", String(50), nullable=False),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)
schedules = Table(
    "schedules", metadata,
    Column("id", Integer, primary_key=True),
    Column("robot", String(100), nullable=False, index=True),
    Column("days", String(40), nullable=False),
    Column("times", String(200), nullable=False),
    Column("cron", String(100)),
    Column("follow_calendar", Boolean, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("misfire_grace_minutes", Integer, nullable=False),
    Column("max_run_minutes", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_by", String(100), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
web_users = Table(
    "web_users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("session_epoch", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_login_at", DateTime),
)

BASELINES = {"archive_cases": 8.0, "school_cases": 6.0, "ppt_referrals": 15.0, "invoices": 12.0}
STATES = ("pending", "in_progress", "done", "manual", "failed", "resolved")


def _work_items(now: datetime) -> list[dict[str, Any]]:
    rows = []
    for n, (process, state) in enumerate((p, s) for p in BASELINES for s in STATES):
        created = now - timedelta(days=40 - n)
        settled = state in ("done", "manual", "failed", "resolved")
        rows.append({
            "id": n + 1, "process": process, "key": f"{process[:3].upper()}-{n:04d}", "state": state,
            "payload": {"row": n, "title": f"Søknad {n}", "nested": {"ø": [1, 2.5, None]}},
            "files": [f"/srv/inbox/{n}.xml"] if process == "invoices" else [],
            "priority": n % 3, "not_before": created, "attempts": {"failed": 3, "in_progress": 1}.get(state, 0),
            "lease_owner": "host:4242" if state == "in_progress" else None,
            "lease_expires": now + timedelta(minutes=10) if state == "in_progress" else None,
            "result": {"case_number": f"25/{n:05d}"} if state in ("done", "resolved") else {},
            "reason_code": {"manual": "missing_consent", "failed": "application", "resolved": "duplicate"}.get(state),
            "reason_text": {"manual": "Mangler samtykke fra foresatte", "failed": "Arkivet svarte ikke (HTTP 503)",
                            "resolved": "Samme henvisning er mottatt før"}.get(state),
            "run_id": f"run{n:04d}", "created_at": created, "updated_at": created + timedelta(minutes=5),
            "finished_at": created + timedelta(minutes=5) if settled else None,
            "resolved_by": "kari" if state == "resolved" else None,
        })
    return rows


def _gevinst(now: datetime) -> list[dict[str, Any]]:
    """Two years of attempts: first successes, repeats of a key (which count once), duplicates,
    hand-overs and failures, across tertial and year boundaries."""
    rows = []
    n = 0
    for year in (2025, 2026):
        for month in range(1, 13):
            for process, minutes in BASELINES.items():
                for k in range(3):
                    n += 1
                    outcome = ("done", "done", "manual", "failed", "duplicate", "retry")[(n + k) % 6]
                    key = f"{process}-{year}-{(n * 7) % 40}"  # keys repeat: only the first success counts
                    done = outcome == "done"
                    finished = datetime(year, month, 1 + (n % 27), 6 + k, 30)
                    if finished > now:
                        continue
                    rows.append({
                        "id": n, "process": process, "robot_version": "0.1.0", "run_id": f"r{n}",
                        "business_key": key, "outcome": outcome,
                        "reason_code": None if done else outcome,
                        "target_refs": {"case_number": f"{year % 100}/{n:05d}"} if done else {},
                        "baseline_version": "2026-01", "manual_minutes": minutes, "saving_share": 0.9,
                        "followup_minutes": 1.5, "saved_minutes": minutes * 0.9 - 1.5 if done else 0.0,
                        "arrived_at": finished - timedelta(hours=2 + k), "finished_at": finished,
                    })
    return rows


def rows(now: datetime, password_hash: str) -> dict[str, list[dict[str, Any]]]:
    """The rows of every 0.1.0 table, keyed by table name."""
    return {
        "work_items": _work_items(now),
        "work_item_content": [{"process": "invoices", "content_key": f"sha256:{n:064x}", "key": f"INV-{n:04d}",
                               "claimed_at": now - timedelta(days=n)} for n in range(1, 4)],
        "gevinst_log": _gevinst(now),
        "runs": [{"id": f"run{n:04d}", "robot": robot, "status": status, "started_at": now - timedelta(days=n),
                  "finished_at": None if status == "running" else now - timedelta(days=n) + timedelta(minutes=3),
                  "return_code": {"succeeded": 0, "failed": 1, "killed": -9}.get(status),
                  "output_dir": f"logs/{robot}/2026-{n}" if status not in ("missed", "skipped") else "",
                  "summary": {"status": status, "items": {"done": n}, "started_by": "tidsplan 1"}}
                 for n, (robot, status) in enumerate(zip(
                     ("archive_cases", "school_cases", "ppt_referrals", "invoices") * 2,
                     ("succeeded", "failed", "killed", "timed_out", "missed", "skipped", "succeeded", "running"),
                     strict=True))],
        "robot_locks": [{"robot": "invoices", "run_id": "run0007", "host": "runner-2", "pid": 4242,
                         "expires_at": now + timedelta(hours=1)}],
        "schedules": [
            {"id": 1, "robot": "archive_cases", "days": "mon,tue,wed,thu,fri", "times": "07:00", "cron": None,
             "follow_calendar": True, "enabled": True, "misfire_grace_minutes": 60, "max_run_minutes": 120,
             "version": 3, "updated_by": "kari", "updated_at": now - timedelta(days=3)},
            {"id": 2, "robot": "invoices", "days": "mon,wed,fri", "times": "07:00,13:30", "cron": None,
             "follow_calendar": False, "enabled": False, "misfire_grace_minutes": 30, "max_run_minutes": 60,
             "version": 1, "updated_by": "ola", "updated_at": now - timedelta(days=2)},
            {"id": 3, "robot": "ppt_referrals", "days": "", "times": "", "cron": "*/30 7-15 * * mon-fri",
             "follow_calendar": True, "enabled": True, "misfire_grace_minutes": 15, "max_run_minutes": 30,
             "version": 2, "updated_by": "kommandolinje", "updated_at": now - timedelta(days=1)}],
        "web_users": [{"id": n, "username": name, "name": name.capitalize(), "role": role,
                       "password_hash": password_hash, "active": active, "session_epoch": n,
                       "created_at": now - timedelta(days=100),
                       "last_login_at": now - timedelta(hours=n) if n else None}
                      for n, (name, role, active) in enumerate((
                          ("rt.admin", "admin", True), ("kari", "operator", True), ("leder", "manager", True),
                          ("ola", "operator", False)))],
    }


def create(connection: Connection, now: datetime, password_hash: str) -> dict[str, list[dict[str, Any]]]:
    """Make the 0.1.0 schema with its rows (as ``create_all`` and the 0.1.0 code did); return the rows."""
    metadata.create_all(connection)
    data = rows(now, password_hash)
    for name, values in data.items():
        connection.execute(metadata.tables[name].insert(), values)
    if connection.dialect.name == "postgresql":  # the rows carry their ids: move the sequences past them,
        for name in ("work_items", "gevinst_log", "schedules", "web_users"):  # as the application's inserts did
            connection.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                       f"(SELECT max(id) FROM {name}))")
    return data
