"""The schema's version: created at the newest revision on first use, refused when outdated or
newer, upgraded in one transaction, and the migrations always in step with the models (the check
CI runs: it fails when a model changes without its migration)."""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import release_0_1_0 as release
from sqlalchemy import inspect, select, text

from postgres import new_postgres_database
from saksrobot.database import Base, engine_for, make_engine, schema
from saksrobot.database.schema import SchemaMismatch, Status, differences, state, upgrade

ALL_MODULES = """
import importlib, pkgutil, saksrobot
from saksrobot.database import Base
for module in pkgutil.walk_packages(saksrobot.__path__, "saksrobot."):
    if ".simulators" not in module.name and ".migrations" not in module.name:
        importlib.import_module(module.name)
print(" ".join(sorted(Base.metadata.tables)))
"""


def test_every_module_with_tables_is_known_to_the_schema():
    """A model in a module that ``MODEL_MODULES`` misses would be left out of new databases."""
    everything = subprocess.run([sys.executable, "-c", ALL_MODULES], capture_output=True, text=True, check=True)
    registered = sorted(schema.load_models().tables)
    assert everything.stdout.split() == registered


def test_revision_ids_follow_the_file_names_in_one_chain():
    scripts = schema._scripts()
    chain = [script.revision for script in reversed(list(scripts.walk_revisions()))]
    assert chain == schema.revisions()
    assert scripts.get_heads() == [schema.revisions()[-1]]
    for older, newer in zip(chain, chain[1:], strict=False):
        assert scripts.get_revision(newer).down_revision == older


def test_a_new_database_is_made_at_the_newest_revision_as_the_models_have_it(database_url):
    engine = make_engine(database_url)
    found = state(engine)
    assert (found.status, found.revision) == (Status.CURRENT, schema.revisions()[-1])
    with engine.connect() as connection:
        assert differences(connection) == []
    engine.dispose()


def test_the_migrations_build_exactly_the_models(database_url):
    """What CI checks: running every migration on an empty database gives the models' tables,
    columns, types, indexes and constraints (Alembic's autogenerate finds no difference)."""
    engine = engine_for(database_url)
    result = upgrade(engine)
    assert (result.before.status, result.after.status) == (Status.EMPTY, Status.CURRENT)
    with engine.connect() as connection:
        assert differences(connection) == []
        connection.execute(text("ALTER TABLE runs ADD COLUMN shard VARCHAR(50)"))  # a change without a migration
        assert [d[0] for d in differences(connection)] == ["remove_column"]  # ... is found
    engine.dispose()


def test_the_migrations_make_the_models_triggers_and_a_missing_one_is_found(database_url, tmp_path):
    """Alembic compares no triggers: the schema check does. The migrations make the same triggers,
    word for word, as a database created at the newest revision."""
    migrated = engine_for(database_url)
    upgrade(migrated)
    with postgres_or_sqlite(database_url, tmp_path) as other:
        created = make_engine(other)
        with created.connect() as connection:
            expected = schema.triggers(connection)
        created.dispose()
    with migrated.begin() as connection:
        assert schema.triggers(connection) == expected
        assert {"gevinst_totals_update", "gevinst_totals_follow"} & set(expected)
        name = "gevinst_totals_follow" if connection.dialect.name == "postgresql" else "gevinst_totals_update"
        connection.execute(text(f"DROP TRIGGER {name}" + (" ON gevinst_log" if "follow" in name else "")))
        assert differences(connection) == [("add_trigger", name)]
    migrated.dispose()


@contextmanager
def postgres_or_sqlite(url: str, tmp_path) -> Iterator[str]:  # noqa: ANN001 - a pytest tmp_path
    """Another empty database of the same kind as ``url``."""
    if url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
    else:
        with new_postgres_database() as other:
            yield other


def _first_use(url: str, results) -> None:  # noqa: ANN001 - a multiprocessing queue
    try:
        make_engine(url).dispose()
        results.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the test
        results.put(repr(exc))


def test_processes_starting_together_on_an_empty_database_create_it_once(database_url):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [context.Process(target=_first_use, args=(database_url, results)) for _ in range(4)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join()
    assert outcomes == ["ok"] * 4
    engine = engine_for(database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [
            schema.revisions()[-1]]
    engine.dispose()


def test_a_database_of_a_newer_release_is_refused_and_left_alone(database_url, saksrobot):
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9001'"))
    with pytest.raises(SchemaMismatch, match="9001, newer than this saksrobot knows"):
        make_engine(database_url)
    refused = saksrobot(database_url, "db", "upgrade")
    assert refused.exit_code == 2 and "newer release" in refused.output
    shown = saksrobot(database_url, "db", "current")
    assert shown.exit_code == 1 and "9001 (newer)" in shown.output
    assert state(engine).revision == "9001"
    engine.dispose()


def test_the_service_and_robots_refuse_a_database_from_before_migrations(tmp_path, saksrobot):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = engine_for(url)
    with engine.begin() as connection:
        release.metadata.create_all(connection)
    for command in (["serve", "--port", "0"], ["run", "archive_cases"], ["schedule", "list"], ["report"]):
        result = saksrobot(url, *command)
        assert result.exit_code == 2, command
        assert "run `saksrobot db upgrade`" in " ".join(result.output.split()), command
    shown = saksrobot(url, "db", "current")
    assert shown.exit_code == 1 and "(legacy)" in shown.output
    assert not inspect(engine).has_table("alembic_version")  # nothing was written
    assert "0001" in saksrobot(url, "db", "history").output and HEAD in saksrobot(url, "db", "history").output
    engine.dispose()


# --- a later release: migrations added to a copy of ours ---------------------------------------

HEAD = schema.revisions()[-1]
NEXT = f"{int(HEAD) + 1:04d}"


@pytest.fixture
def next_release(tmp_path, monkeypatch):
    """``add(body)``: our migrations plus a revision NEXT (after HEAD) whose upgrade() is ``body``."""
    folder = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(schema, "MIGRATIONS", folder)
    schema._scripts.cache_clear()

    def add(body: str) -> None:
        (folder / "versions" / f"{NEXT}_next.py").write_text(
            f'import sqlalchemy as sa\nfrom alembic import op\n\nrevision = "{NEXT}"\ndown_revision = "{HEAD}"\n\n\n'
            "def upgrade():\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n")
        schema._scripts.cache_clear()

    yield add
    schema._scripts.cache_clear()


def _rows(engine, table):  # noqa: ANN001, ANN202
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(table).order_by(*table.primary_key.columns))]


def test_an_outdated_database_stops_start_up_then_upgrades_keeping_its_rows(database_url, next_release):
    engine = make_engine(database_url)  # at HEAD
    with engine.begin() as connection:
        data = release.rows(release.datetime(2026, 11, 20), "hash")
        for name in ("work_items", "schedules"):
            connection.execute(release.metadata.tables[name].insert(), data[name])
    items = _rows(engine, release.work_items)
    next_release("""
        with op.batch_alter_table("work_items", recreate="always"):  # SQLite: copy the table, as an ALTER would
            pass
        op.execute("UPDATE schedules SET updated_by = 'migrert'")
    """)
    with pytest.raises(SchemaMismatch, match=f"revision {HEAD}; this saksrobot needs {NEXT}"):
        make_engine(database_url)

    result = upgrade(engine)
    assert (result.before.revision, result.after.revision) == (HEAD, NEXT)
    assert _rows(engine, release.work_items) == items
    assert {row["updated_by"] for row in _rows(engine, release.schedules)} == {"migrert"}
    make_engine(database_url).dispose()  # usable now
    engine.dispose()


@pytest.mark.parametrize("body, message", [
    ('op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))\nraise RuntimeError("disk full")',
     "disk full"),
    ('op.add_column("runs", sa.Column("shard", sa.String(50)))', "would still differ"),
])
def test_an_upgrade_that_fails_leaves_the_database_as_it_was(database_url, next_release, body, message):
    engine = make_engine(database_url)
    next_release(body)
    with pytest.raises((RuntimeError, SchemaMismatch), match=message):
        upgrade(engine)
    assert state(engine).revision == HEAD
    tables = set(inspect(engine).get_table_names())
    assert "half_done" not in tables
    assert "shard" not in {c["name"] for c in inspect(engine).get_columns("runs")}
    assert set(Base.metadata.tables) <= tables
    engine.dispose()


def test_the_index_a_reservation_reads_is_in_its_order(database_url):
    """Highest priority first, then oldest: the order of ``reserve`` (SQLite does not report the sort
    order to the models check, so it is read here)."""
    engine = make_engine(database_url)
    query = ("select sql from sqlite_master where name = 'ix_work_items_free'" if database_url.startswith("sqlite")
             else "select indexdef from pg_indexes where indexname = 'ix_work_items_free'")
    with engine.connect() as connection:
        definition = connection.execute(text(query)).scalar()
    engine.dispose()
    assert definition is not None and "priority DESC" in definition.replace('"', "")
