"""saksrobot's own database (work items, runs, gevinst log, schedules, users): one SQLAlchemy URL,
SQLite by default, PostgreSQL in production. All access goes through SQLAlchemy so the choice is
configuration. The schema is versioned with Alembic (:mod:`saksrobot.database.schema`)."""

from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import SingletonThreadPool, StaticPool


class Base(DeclarativeBase):
    """Declarative base of saksrobot's own tables."""


def engine_for(url: str) -> Engine:
    """An engine for ``url``, nothing created. SQLite gets WAL and a busy timeout so that several
    processes (and threads) can share the file."""
    sqlite = url.startswith("sqlite")
    engine = create_engine(url, connect_args={"timeout": 30} if sqlite else {}, pool_pre_ping=not sqlite)
    if sqlite:
        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # noqa: ANN001 - DB-API connection
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
    return engine


def one_connection(engine: Engine) -> bool:
    """Whether every user of ``engine`` shares one connection (an in-memory SQLite database, e.g. a
    dry run's): other threads would not see its data, and a connection held apart would share it."""
    return isinstance(engine.pool, SingletonThreadPool | StaticPool)


def make_engine(url: str) -> Engine:
    """An engine on saksrobot's database, its schema checked: an empty database is created at the
    newest revision; an outdated or newer one raises :class:`~saksrobot.database.schema.SchemaMismatch`
    naming what to do (``saksrobot db upgrade``). What every command and robot opens."""
    from saksrobot.database.schema import ensure_current

    engine = engine_for(url)
    ensure_current(engine)
    return engine


__all__ = ["Base", "engine_for", "make_engine", "one_connection"]
