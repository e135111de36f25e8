"""A simulator's tables: created when missing, and made anew (with a warning) when a database left by
an earlier saksrobot has other columns. A simulator's database is seed data, not a record to keep."""

from __future__ import annotations

import logging

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

log = logging.getLogger(__name__)


def fresh_tables(engine: Engine, base: type[DeclarativeBase]) -> Engine:
    found = inspect(engine)
    outdated = [table.name for table in base.metadata.sorted_tables if found.has_table(table.name) and
                {c["name"] for c in found.get_columns(table.name)} != set(table.columns.keys())]
    if outdated:
        log.warning("The simulator's database %s is from an earlier release (%s): made anew with seed data",
                    engine.url.render_as_string(hide_password=True), ", ".join(outdated))
        base.metadata.drop_all(engine)
    base.metadata.create_all(engine)
    return engine
