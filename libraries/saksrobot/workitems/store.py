"""The durable work-item queue: idempotent adds, leased reservations, outcomes with retry.

One code path for SQLite and PostgreSQL: a reservation is one ``UPDATE`` of the next free row
(``WHERE id = (SELECT ... LIMIT 1 FOR UPDATE SKIP LOCKED)``); PostgreSQL's row locks and SQLite's
write lock guarantee that only one consumer takes a row, whatever the number of processes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Update, bindparam, func, literal_column, null, select, update
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, configure_mappers, sessionmaker

from saksrobot.database import one_connection
from saksrobot.domain.identity import contains_fnr
from saksrobot.errors import ApplicationError, SaksrobotError
from saksrobot.pids import process_alive
from saksrobot.privacy import mask
from saksrobot.workitems.model import STATE_NAMES, ContentClaim, State, WorkItem
from saksrobot.workitems.sealed import Sealer

log = logging.getLogger(__name__)
Also = Callable[[Session, WorkItem], object]  # more writes in the transaction that records an outcome
T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class LeaseLost(ApplicationError):
    """The item's lease expired and another consumer may have it; this outcome was not recorded."""

    code = "lease_lost"


class NoSuchItem(SaksrobotError):
    code = "no_such_item"


@dataclass(frozen=True)
class RetryPolicy:
    """How application errors are retried: ``max_attempts`` in all, back-off doubling from ``backoff``."""

    max_attempts: int = 3
    backoff: timedelta = timedelta(seconds=30)

    def delay(self, attempt: int) -> timedelta:
        return self.backoff * 2 ** max(attempt - 1, 0)


_ITEMS = WorkItem.__table__.c


def _in(state: State) -> Any:
    """The state as a constant in the SQL, not a parameter: the plan of a prepared statement is
    then made for it (PostgreSQL's generic plan would otherwise guess)."""
    return _ITEMS.state == literal_column(f"'{state.value}'")


def _next_free(*free: Any) -> Any:
    return (select(_ITEMS.id).where(_ITEMS.process == bindparam("of_process"), *free)
            .order_by(_ITEMS.priority.desc(), _ITEMS.id).limit(literal_column("1"))
            .with_for_update(skip_locked=True).scalar_subquery())


# built once: the next free item (an expired lease first, then a pending one) taken in one statement
_RESERVE = update(WorkItem.__table__).where(_ITEMS.id == func.coalesce(
    _next_free(_in(State.IN_PROGRESS), _ITEMS.lease_expires < bindparam("now")),
    _next_free(_in(State.PENDING), _ITEMS.not_before <= bindparam("now")),
)).values(state=State.IN_PROGRESS, lease_owner=bindparam("owner"), lease_expires=bindparam("until"),
          attempts=_ITEMS.attempts + 1, reservations=_ITEMS.reservations + 1, run_id=bindparam("run"),
          updated_at=bindparam("now")).returning(*_ITEMS)
_FINISHING: dict[tuple[str, ...], Update] = {}


def _finishing(names: tuple[str, ...]) -> Update:
    """The statement that records an outcome setting the columns ``names`` (built once per outcome)."""
    if names not in _FINISHING:
        _FINISHING[names] = update(WorkItem.__table__).where(
            _ITEMS.id == bindparam("item_id"), _in(State.IN_PROGRESS),
            _ITEMS.lease_owner == bindparam("owner"),
        ).values(lease_owner=null(), lease_expires=null(), updated_at=bindparam("now"),
                 **{name: bindparam(f"set_{name}") for name in names})
    return _FINISHING[names]


def _loaded(row: Row) -> WorkItem:
    """The item a row holds, as the ORM loads one (no attribute events: the values are the database's)."""
    item = WorkItem.__mapper__.class_manager.new_instance()
    item.__dict__.update(row._mapping)
    return item


class _HeldConnection:
    """The connection a consumer keeps across items: each statement its own transaction, so no
    ping, no BEGIN and no COMMIT round trip per item. A statement that finds the connection
    dropped (a database restart, an administrator) is sent once more on a new one: it did not run.
    (Were the connection lost after the database ran it, the reservation waits for its lease to
    expire, and a recorded outcome raises :class:`LeaseLost`, as any lost answer would.)"""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def run(self, work: Callable[[Connection], T]) -> T:
        """``work`` on the held connection (statements in it are not one transaction)."""
        if one_connection(self.engine):  # nothing to hold apart
            with self.engine.begin() as connection:
                return work(connection)
        with self._lock:
            try:
                return work(self._open())
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                self._close()
            return work(self._open())  # the database had dropped it: once more, on a new one

    def _open(self) -> Connection:
        if self._connection is None or self._connection.invalidated:
            self._connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self._connection

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.close()


def storable_key(key: str) -> str:
    """A business key as stored: keys are logged and shown everywhere, so one that holds a
    fødselsnummer is replaced by its hash (the same key finds the same item again)."""
    if not contains_fnr(key):
        return key
    return f"fnr-sha256:{hashlib.sha256(key.encode()).hexdigest()[:24]}"


class WorkItemStore:
    """Work items of all processes in one database."""

    def __init__(self, engine: Engine, *, lease: timedelta = timedelta(minutes=10),
                 retry: RetryPolicy = RetryPolicy(), owner: str | None = None, sealer: Sealer | None = None) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.lease, self.retry = lease, retry
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.sealer = sealer or Sealer(None)
        self._consumer = _HeldConnection(engine)
        configure_mappers()  # for _loaded

    def close(self) -> None:
        """Give back the connection this consumer held (the store can still be used after)."""
        self._consumer.close()

    # -- producer ------------------------------------------------------------------------------
    def add(self, process: str, key: str, payload: dict[str, Any] | None = None, *, priority: int = 0,
            not_before: datetime | None = None, files: Sequence[str] = (),
            personal: Iterable[str] = ()) -> tuple[WorkItem, bool]:
        """Add an item unless one with this (process, key) exists; return it and whether it is new.
        The ``personal`` fields of ``payload`` are sealed apart from it (never stored in clear)."""
        now = utcnow()
        payload, hidden, key = dict(payload or {}), {}, storable_key(key)
        for name in personal:
            if name in payload:
                hidden[name] = payload.pop(name)
        with self._sessions() as s:
            existing = s.scalar(select(WorkItem).where(WorkItem.process == process, WorkItem.key == key))
            if existing is not None:
                return existing, False
            item = WorkItem(process=process, key=key, payload=payload, files=list(files), priority=priority,
                            personal=self.sealer.seal(hidden) if hidden else None,
                            not_before=not_before or now, state=State.PENDING, attempts=0, result={},
                            created_at=now, updated_at=now)
            s.add(item)
            try:
                s.commit()
            except IntegrityError:  # another producer added it at the same moment
                s.rollback()
                return s.scalars(select(WorkItem).where(WorkItem.process == process, WorkItem.key == key)).one(), False
            return item, True

    def claim_content(self, process: str, content_key: str, key: str) -> str:
        """Record that item ``key`` carries ``content_key`` unless an item did before; return the key
        of the first item that carried it (``key`` itself when this is the first, or a re-run)."""
        with self._sessions() as s:
            s.add(ContentClaim(process=process, content_key=content_key, key=key, claimed_at=utcnow()))
            try:
                s.commit()
                return key
            except IntegrityError:
                s.rollback()
        with self._sessions() as s:
            return s.scalars(select(ContentClaim.key).where(
                ContentClaim.process == process, ContentClaim.content_key == content_key)).one()

    # -- consumer ------------------------------------------------------------------------------
    def reserve(self, process: str, run_id: str | None = None) -> WorkItem | None:
        """Lease the next item of ``process`` (highest priority, oldest first), or ``None``.

        Free items are reserved ones whose lease has expired (their consumer died: processed
        again, first) and pending ones whose ``not_before`` has passed. One statement, its own
        transaction: PostgreSQL skips rows other consumers are taking (``FOR UPDATE SKIP LOCKED``),
        SQLite runs it under its write lock; each kind of free item is one step of the index.
        ``reservations`` counts every reservation and is never reset: 1 means the item's first attempt.
        """
        now = utcnow()
        params = {"of_process": process, "now": now, "owner": self.owner, "until": now + self.lease, "run": run_id}
        row = self._consumer.run(lambda connection: connection.execute(_RESERVE, params).first())
        return self._opened(_loaded(row)) if row is not None else None

    def _opened(self, item: WorkItem) -> WorkItem:
        """The item with its personal fields back in its payload, for the consumer (in memory only)."""
        if item.personal:
            item.payload = {**item.payload, **self.sealer.open(item.personal)}
        return item

    def release_orphans(self, process: str) -> int:
        """Free the items of ``process`` reserved by consumers on this machine that have died
        (killed, crashed), without waiting for their leases to expire. Returns how many."""
        host = socket.gethostname()
        released = 0
        with self._sessions() as s:
            for item_id, owner in s.execute(select(WorkItem.id, WorkItem.lease_owner).where(
                    WorkItem.process == process, WorkItem.state == State.IN_PROGRESS)).all():
                owner_host, _, rest = (owner or "").partition(":")
                pid = rest.partition(":")[0]
                if owner_host != host or not pid.isdigit() or process_alive(int(pid)):
                    continue
                freed = s.execute(update(WorkItem).where(
                    WorkItem.id == item_id, WorkItem.state == State.IN_PROGRESS, WorkItem.lease_owner == owner,
                ).values(state=State.PENDING, lease_owner=None, lease_expires=None, not_before=utcnow(),
                         updated_at=utcnow()))
                released += freed.rowcount
            s.commit()
        if released:
            log.warning("Released %d work item(s) of %s left by a consumer that died", released, process)
        return released

    def _finish(self, item: WorkItem, also: Also | None = None, **values: Any) -> WorkItem:
        """Record an outcome of ``item``, which this consumer holds, and return it so changed: one
        statement; with ``also``, one transaction of the outcome and what ``also`` writes (never one
        without the other)."""
        now = utcnow()
        statement = _finishing(tuple(values))
        params = {"item_id": item.id, "owner": self.owner, "now": now} | {f"set_{k}": v for k, v in values.items()}
        if also is None:
            recorded = self._consumer.run(lambda connection: connection.execute(statement, params).rowcount)
        else:
            with self._sessions() as s:
                if recorded := s.execute(statement, params).rowcount:
                    also(s, self._changed(item, now, values))
                    s.commit()
        if recorded != 1:
            raise LeaseLost(f"Work item {item.id} is no longer reserved by this consumer")
        return self._changed(item, now, values)

    @staticmethod
    def _changed(item: WorkItem, now: datetime, values: dict[str, Any]) -> WorkItem:
        """``item`` as the database now holds it (set as loaded values: the item is in no session)."""
        item.__dict__.update(lease_owner=None, lease_expires=None, updated_at=now, **values)
        return item

    def complete(self, item: WorkItem, result: dict[str, Any] | None = None, also: Also | None = None) -> WorkItem:
        """Mark done with target references, e.g. ``{"case_number": "26/00012"}``; ``also`` writes
        more in the same transaction."""
        return self._finish(item, also, state=State.DONE, result=result or {}, reason_code=None, reason_text=None,
                            finished_at=utcnow())

    def hand_over(self, item: WorkItem, reason_code: str, reason_text: str, also: Also | None = None) -> WorkItem:
        """Business error: to manual handling by archive staff, with a reason. Never retried."""
        return self._finish(item, also, state=State.MANUAL, reason_code=reason_code, reason_text=mask(reason_text),
                            finished_at=utcnow())

    def release(self, item: WorkItem, reason_text: str) -> WorkItem:
        """Give a reserved item back untouched (the run is stopping): pending again, the attempt not
        counted, nothing settled."""
        return self._finish(item, state=State.PENDING, attempts=item.attempts - 1, not_before=utcnow(),
                            reason_code="released", reason_text=mask(reason_text))

    def fail(self, item: WorkItem, reason_code: str, reason_text: str, also: Also | None = None) -> WorkItem:
        """Application error: back to pending after a back-off, or ``failed`` after the last attempt."""
        if item.attempts >= self.retry.max_attempts:
            return self._finish(item, also, state=State.FAILED, reason_code=reason_code,
                                reason_text=mask(reason_text), finished_at=utcnow())
        return self._finish(item, also, state=State.PENDING, reason_code=reason_code, reason_text=mask(reason_text),
                            not_before=utcnow() + self.retry.delay(item.attempts))

    def purge_personal(self, retention: timedelta) -> int:
        """Remove the sealed personal fields of items settled (done, or handled by hand) longer
        than ``retention`` ago; return how many. Items that may still come back keep theirs."""
        with self._sessions() as s:
            purged = s.execute(update(WorkItem).where(
                WorkItem.personal.is_not(None), WorkItem.state.in_([State.DONE, State.RESOLVED]),
                WorkItem.finished_at < utcnow() - retention).values(personal=None))
            s.commit()
        return purged.rowcount

    # -- archive staff and operators -----------------------------------------------------------
    def get(self, item_id: int) -> WorkItem:
        with self._sessions() as s:
            item = s.get(WorkItem, item_id)
            if item is None:
                raise NoSuchItem(f"No work item {item_id}")
            return item

    def find(self, process: str | None = None, states: Iterable[State] = (), limit: int = 200) -> list[WorkItem]:
        query = select(WorkItem).order_by(WorkItem.id.desc()).limit(limit)
        if process:
            query = query.where(WorkItem.process == process)
        if states := list(states):
            query = query.where(WorkItem.state.in_(states))
        with self._sessions() as s:
            return list(s.scalars(query))

    def by_keys(self, process: str, keys: Iterable[str]) -> dict[str, WorkItem]:
        """The items of ``process`` with these business keys, by the key asked for (a key with a
        fødselsnummer finds the item stored under its hash)."""
        asked = {key: storable_key(key) for key in keys}
        stored = list(dict.fromkeys(asked.values()))
        found: dict[str, WorkItem] = {}
        with self._sessions() as s:
            for start in range(0, len(stored), 500):
                found |= {i.key: i for i in s.scalars(select(WorkItem).where(
                    WorkItem.process == process, WorkItem.key.in_(stored[start:start + 500])))}
        return {key: found[hashed] for key, hashed in asked.items() if hashed in found}

    def _move(self, item_id: int, allowed: Iterable[State], **values: Any) -> WorkItem:
        with self._sessions() as s:
            moved = s.execute(update(WorkItem).where(WorkItem.id == item_id, WorkItem.state.in_(list(allowed)))
                              .values(updated_at=utcnow(), **values))
            s.commit()
            item = s.get(WorkItem, item_id)
            if item is None:
                raise NoSuchItem(f"Finner ikke arbeidsoppgave {item_id}")
            if moved.rowcount != 1:
                raise NoSuchItem(f"Arbeidsoppgave {item_id} har status «{STATE_NAMES.get(item.state, item.state)}»; "
                                 f"det går bare med status {' eller '.join(f'«{STATE_NAMES[a]}»' for a in allowed)}")
            return item

    def retry_failed(self, item_id: int) -> WorkItem:
        """A failed item goes back to pending with a fresh count of attempts."""
        return self._move(item_id, [State.FAILED], state=State.PENDING, attempts=0, not_before=utcnow(),
                          finished_at=None)

    def requeue(self, item_id: int) -> WorkItem:
        """A manual (or failed) item goes back to the robot, e.g. after the source data was fixed."""
        return self._move(item_id, [State.MANUAL, State.FAILED], state=State.PENDING, attempts=0,
                          not_before=utcnow(), finished_at=None)

    def resolve(self, item_id: int, by: str, note: str | None = None) -> WorkItem:
        """Archive staff handled a manual item by hand: who, when and their note are recorded beside the
        reason the robot gave, which stays."""
        return self._move(item_id, [State.MANUAL], state=State.RESOLVED, resolved_by=by,
                          resolution_note=mask(note) if note else None, finished_at=utcnow())
