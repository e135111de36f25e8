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
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from saksrobot.domain.identity import contains_fnr
from saksrobot.errors import ApplicationError, SaksrobotError
from saksrobot.pids import process_alive
from saksrobot.privacy import mask
from saksrobot.workitems.model import STATE_NAMES, ContentClaim, State, WorkItem
from saksrobot.workitems.sealed import Sealer

log = logging.getLogger(__name__)
Also = Callable[[Session, WorkItem], object]  # more writes in the transaction that records an outcome


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
        again, first) and pending ones whose ``not_before`` has passed. One statement in one
        transaction: PostgreSQL skips rows other consumers are taking (``FOR UPDATE SKIP LOCKED``),
        SQLite runs it under its write lock; each kind of free item is one step of the index.
        """
        now = utcnow()
        next_id = func.coalesce(self._next(process, WorkItem.state == State.IN_PROGRESS, WorkItem.lease_expires < now),
                                self._next(process, WorkItem.state == State.PENDING, WorkItem.not_before <= now))
        with self._sessions() as s:
            taken = s.scalars(update(WorkItem).where(WorkItem.id == next_id).values(
                state=State.IN_PROGRESS, lease_owner=self.owner, lease_expires=now + self.lease,
                attempts=WorkItem.attempts + 1, run_id=run_id, updated_at=now,
            ).returning(WorkItem).execution_options(synchronize_session=False)).first()
            s.commit()
        return self._opened(taken) if taken is not None else None

    @staticmethod
    def _next(process: str, *free: Any) -> Any:
        return (select(WorkItem.id).where(WorkItem.process == process, *free)
                .order_by(WorkItem.priority.desc(), WorkItem.id).limit(1)
                .with_for_update(skip_locked=True).scalar_subquery())

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
        with self._sessions() as s:
            finished = s.scalars(update(WorkItem).where(
                WorkItem.id == item.id, WorkItem.state == State.IN_PROGRESS, WorkItem.lease_owner == self.owner,
            ).values(lease_owner=None, lease_expires=None, updated_at=utcnow(), **values)
                .returning(WorkItem).execution_options(synchronize_session=False)).first()
            if finished is None:
                s.rollback()
                raise LeaseLost(f"Work item {item.id} is no longer reserved by this consumer")
            if also is not None:  # e.g. the gevinst row: committed with the outcome, or not at all
                also(s, finished)
            s.commit()
            return finished

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
        return self._finish(item, state=State.PENDING, attempts=WorkItem.attempts - 1, not_before=utcnow(),
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
        """Archive staff handled a manual item by hand: who and when are recorded."""
        return self._move(item_id, [State.MANUAL], state=State.RESOLVED, resolved_by=by,
                          reason_text=mask(note) if note else WorkItem.reason_text, finished_at=utcnow())
