"""A target several items share (a supplier's invoice case for the year, a child's PPT case) is
looked up and created by one consumer at a time, on every machine: two consumers that both find
nothing would otherwise both create it. The work-item consumer names the lock to use
(:func:`locked_by`); the archive holds it, named by the target's external id, across the look-up and
the create (:func:`serialised`). An item's own case on its first attempt needs no lock: nothing else
makes it (:mod:`saksrobot.archive.first_attempt`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar

from saksrobot.archive.models import ExternalId

Locker = Callable[[str], AbstractContextManager[None]]
_locker: ContextVar[Locker | None] = ContextVar("target_locker", default=None)


@contextmanager
def locked_by(locker: Locker) -> Iterator[None]:
    """Within this block, finds-or-creates hold ``locker(name)``."""
    token = _locker.set(locker)
    try:
        yield
    finally:
        _locker.reset(token)


def serialised(external_id: ExternalId | None) -> AbstractContextManager[None]:
    """The lock of the target with this external id (no lock outside :func:`locked_by`)."""
    locker = _locker.get()
    if locker is None or external_id is None:
        return nullcontext()
    return locker(f"archive-target:{external_id.type}:{external_id.id}")
