"""The version of saksrobot's schema. Alembic migrations in ``migrations/versions`` (one linear
chain, revision ids ``0001``, ``0002``, ... as the file names begin) take a database from any
earlier release to this one; ``saksrobot db upgrade`` runs them, then the schema tools of the
third-party libraries that keep tables in the same database (APScheduler's job store).

Every command, service and robot opens the database through :func:`ensure_current`: an empty
database is created at the newest revision; a database of an earlier release, or one created
before migrations existed (0.1.0, ``create_all``), stops them with a message naming
``saksrobot db upgrade``; a database of a newer release is refused. The check reads one row and
does not import Alembic, so start-up stays fast.

Schema changes hold an exclusive lock for their whole transaction (SQLite ``BEGIN IMMEDIATE``,
a PostgreSQL advisory lock), so two processes starting on an empty database create it once, and an
upgrade that fails half-way leaves the database as it was.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine

from saksrobot.database import Base
from saksrobot.errors import ConfigurationError

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
# every module that defines saksrobot tables (a test checks that none is missing)
MODEL_MODULES = ("saksrobot.workitems.model", "saksrobot.gevinst.model", "saksrobot.runner.model",
                 "saksrobot.runner.lock", "saksrobot.scheduler.model", "saksrobot.web.users",
                 "saksrobot.workers.model", "saksrobot.audit.model", "saksrobot.alerts.model")
# the tables of 0.1.0, the last release without migrations: frozen, whatever the models become
LEGACY_TABLES = frozenset({"work_items", "work_item_content", "gevinst_log", "runs", "robot_locks", "schedules",
                           "web_users"})
# tables of other tools in the same database: not ours to compare or migrate
FOREIGN_PREFIXES = (VERSION_TABLE, "apscheduler_", "procrastinate_")
_PG_LOCK = 0x5AC5_0DB0  # advisory lock key held while the schema changes
UPGRADE = "saksrobot db upgrade"


class SchemaMismatch(ConfigurationError):
    """The database's schema is not the one this saksrobot was made for."""

    code = "schema"


class Status(StrEnum):
    EMPTY = "empty"        # none of our tables: created at head on first use
    LEGACY = "legacy"      # made by 0.1.0's create_all, never stamped: needs `db upgrade`
    OUTDATED = "outdated"  # an earlier revision: needs `db upgrade`
    CURRENT = "current"
    NEWER = "newer"        # a revision this release does not know: made by a newer release


@dataclass(frozen=True)
class SchemaState:
    status: Status
    revision: str | None
    head: str

    def problem(self) -> str | None:
        """What is wrong and what to do, for an operator; None when the database can be used."""
        if self.status is Status.LEGACY:
            return (f"The database was created before saksrobot had migrations (release 0.1.0). Back it up and run "
                    f"`{UPGRADE}`: it is recognised, recorded as the baseline and upgraded to {self.head}; "
                    f"nothing is lost.")
        if self.status is Status.OUTDATED:
            return (f"The database is at schema revision {self.revision}; this saksrobot needs {self.head}. Back it "
                    f"up and run `{UPGRADE}`.")
        if self.status is Status.NEWER:
            return (f"The database is at schema revision {self.revision}, newer than this saksrobot knows (newest "
                    f"{self.head}): it was upgraded by a newer release. Run that release, or restore the backup "
                    f"taken before the upgrade.")
        return None


def revisions() -> list[str]:
    """Revision ids, oldest first (from the file names; a test checks that Alembic agrees)."""
    return sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def read_state(connection: Connection) -> SchemaState:
    known = revisions()
    head = known[-1]
    names = set(inspect(connection).get_table_names())
    revision = None
    if VERSION_TABLE in names:
        revision = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()  # noqa: S608
    if revision is None:
        return SchemaState(Status.LEGACY if names & LEGACY_TABLES else Status.EMPTY, None, head)
    status = (Status.CURRENT if revision == head else Status.OUTDATED if revision in known else Status.NEWER)
    return SchemaState(status, revision, head)


def state(engine: Engine) -> SchemaState:
    with engine.connect() as connection:
        return read_state(connection)


@contextmanager
def exclusive(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that no other schema change (or SQLite writer) runs beside;
    committed when the block ends, rolled back when it raises."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now, not at the first write
        elif engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
        yield connection
        connection.commit()


def ensure_current(engine: Engine) -> None:
    """Create an empty database at the newest revision; raise :class:`SchemaMismatch` for any
    database that is not at it."""
    found = state(engine)
    if found.status is Status.EMPTY:
        with exclusive(engine) as connection:
            found = read_state(connection)  # another process may have been first
            if found.status is Status.EMPTY:
                _create_at_head(connection)
                return
    problem = found.problem()
    if problem:
        raise SchemaMismatch(problem)


def load_models() -> Any:
    """Import every module with saksrobot tables; return their metadata."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return Base.metadata


def _create_at_head(connection: Connection) -> None:
    """The tables as the models have them, stamped with the newest revision (Alembic's cookbook
    recipe for a new database; a test checks that the migrations build the same schema)."""
    from alembic.migration import MigrationContext

    load_models().create_all(connection)
    MigrationContext.configure(connection).stamp(_scripts(), "head")


def alembic_config(connection: Connection | None = None) -> Any:
    """Alembic's configuration for our migrations, run on ``connection`` (no alembic.ini)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def include_name(name: str | None, type_: str, _parent: dict[str, Any]) -> bool:
    """Autogenerate and checks look at our tables only, not other tools' tables in the same database."""
    return not (type_ == "table" and name is not None and name.startswith(FOREIGN_PREFIXES))


def differences(connection: Connection) -> list[Any]:
    """How the database differs from the models (Alembic's autogenerate comparison); empty when equal."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
    found = compare_metadata(context, load_models())
    dialect = connection.dialect.name
    expected = {name for module in MODEL_MODULES
                for name in getattr(importlib.import_module(module), "TRIGGERS", {}).get(dialect, ())}
    present = set(triggers(connection))
    found += [("add_trigger", name) for name in sorted(expected - present)]
    found += [("remove_trigger", name) for name in sorted(present - expected)]
    return _without_sort_order(found) if dialect == "sqlite" else found


def triggers(connection: Connection) -> dict[str, str]:
    """The triggers on our tables (Alembic compares none), by name: their definition, whitespace
    collapsed (on PostgreSQL with their function's body). A model module lists its own in ``TRIGGERS``."""
    if connection.dialect.name == "postgresql":
        query = ("SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) || ' ' || p.prosrc FROM pg_trigger t "
                 "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
                 "WHERE NOT t.tgisinternal AND c.relnamespace = to_regnamespace(current_schema())")
    else:
        query = "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger'"
    return {name: " ".join(sql.split()) for table, name, sql in connection.execute(text(query))
            if not table.startswith(FOREIGN_PREFIXES)}


def _without_sort_order(found: list[Any]) -> list[Any]:
    """SQLite does not report an index column's sort order (``priority DESC``): an index removed and
    added again under the same name and columns is no difference there (PostgreSQL compares it)."""
    def columns(index: Any) -> list[str]:
        found = [getattr(e, "element", e) for e in index.expressions]  # desc("priority") wraps its name
        return [getattr(e, "name", None) or str(getattr(e, "element", e)) for e in found]

    changed = {(d[0], d[1].name): columns(d[1]) for d in found if isinstance(d, tuple) and d[0] in ("add_index",
                                                                                                      "remove_index")}
    same = {name for (kind, name), cols in changed.items() if kind == "add_index"
            and changed.get(("remove_index", name)) == cols}
    return [d for d in found if not (isinstance(d, tuple) and d[0] in ("add_index", "remove_index")
                                     and d[1].name in same)]


def _apscheduler_jobs(connection: Connection) -> str:
    """APScheduler 3's job store has no migrations: its own table definition, created when missing."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    table = SQLAlchemyJobStore(engine=connection.engine, tablename="apscheduler_jobs").jobs_t
    existed = inspect(connection).has_table(table.name)
    table.create(connection, checkfirst=True)
    return f"APScheduler job store ({table.name}): {'present' if existed else 'created'}"


def procrastinate_jobs(connection: Connection) -> str:
    """procrastinate's tables (the job queue of workers), on PostgreSQL: created when missing."""
    if connection.dialect.name != "postgresql":
        return "procrastinate job queue: not used on this database (runs are local)"
    if inspect(connection).has_table("procrastinate_jobs"):
        return "procrastinate job queue: present"
    from procrastinate.schema import SchemaManager

    connection.connection.cursor().execute(SchemaManager.get_schema())  # no parameters: its % are text
    return "procrastinate job queue: created"


# other tools' schema steps, run in this order after our migrations
THIRD_PARTY: tuple[Callable[[Connection], str], ...] = (_apscheduler_jobs, procrastinate_jobs)


@dataclass
class Upgrade:
    before: SchemaState
    after: SchemaState
    steps: list[str] = field(default_factory=list)


def upgrade(engine: Engine) -> Upgrade:
    """Bring the database to the newest revision in one transaction: our migrations (a 0.1.0
    database is recognised by its tables and recorded as the baseline), then the third-party
    schemas. A database of a newer release, or one that would not match the models afterwards, is
    left as it was and :class:`SchemaMismatch` raised."""
    from alembic import command

    with exclusive(engine) as connection:
        before = read_state(connection)
        if before.status is Status.NEWER:
            raise SchemaMismatch(before.problem() or "")
        command.upgrade(alembic_config(connection), "head")
        steps = [step(connection) for step in THIRD_PARTY]
        left = differences(connection)
        if left:
            raise SchemaMismatch("The database would still differ from this release's tables after the upgrade, so "
                                 "it was left unchanged: " + "; ".join(map(str, left)))
        return Upgrade(before, read_state(connection), steps)


def history() -> list[tuple[str, str]]:
    """(revision, message) for every migration, oldest first."""
    scripts = _scripts()
    return [(script.revision, script.doc) for script in reversed(list(scripts.walk_revisions()))]


def new_revision(message: str) -> Path:
    """For saksrobot's developers: write the next migration, generated from how the models differ
    from a scratch database at the newest revision. Read and complete it before committing."""
    import tempfile

    from alembic import command

    from saksrobot.database import engine_for

    with tempfile.TemporaryDirectory() as folder:
        engine = engine_for(f"sqlite:///{folder}/scratch.db")
        with exclusive(engine) as connection:
            config = alembic_config(connection)
            command.upgrade(config, "head")
            script = command.revision(config, message=message, autogenerate=True,
                                      rev_id=f"{int(revisions()[-1]) + 1:04d}")
        engine.dispose()
    return Path(script.path)
