"""saksrobot's own database (work items, runs, gevinst log): one SQLAlchemy URL, SQLite by default,
PostgreSQL in production. All access goes through SQLAlchemy so the choice is configuration."""

from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of saksrobot's own tables."""


def make_engine(url: str, base: type[DeclarativeBase] = Base) -> Engine:
    """An engine for ``url``; ``base``'s tables are created when missing. SQLite gets WAL and a
    busy timeout so that several processes (and threads) can share the file."""
    sqlite = url.startswith("sqlite")
    engine = create_engine(url, connect_args={"timeout": 30} if sqlite else {}, pool_pre_ping=not sqlite)
    if sqlite:
        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # noqa: ANN001 - DB-API connection
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
    base.metadata.create_all(engine)
    return engine
