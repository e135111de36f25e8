"""A lock by name, held by one process at a time on every machine that uses the database."""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from hashlib import blake2b
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine


def _key(name: str) -> int:
    return int.from_bytes(blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def named_lock(engine: Engine, name: str) -> Iterator[None]:
    """Wait for the lock ``name``, hold it while the block runs. PostgreSQL: a session advisory lock
    on a connection of its own (freed by the server when the holder dies); SQLite, which serves one
    machine: an exclusive ``flock`` on a file of the machine's temporary folder named by the database
    and the lock (freed when the holder dies); an in-memory database (a dry run's) is one process: no lock."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _key(name)})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _key(name)})
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    folder = Path(tempfile.gettempdir()) / "saksrobot-locks"
    folder.mkdir(exist_ok=True)
    file_name = f"{_key(str(Path(database).resolve())) & (2**64 - 1):016x}-{_key(name) & (2**64 - 1):016x}"
    with (folder / file_name).open("a+b") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)
