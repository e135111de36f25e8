"""What an item on its first attempt may skip: the look-up by external id before a create.

The look-up is what makes a re-run safe (a case made by an attempt that died is found, not made
twice), but an item's first attempt cannot have made anything yet. The work-item consumer says
which external ids belong to the item it runs, when that is the item's first reservation ever
(``reservations`` is written before the handler runs and never reset); the archive then creates
those once without looking up. Every later attempt (after a crash, a retry, a requeue) looks up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from saksrobot.archive.models import ExternalId

_unused: ContextVar[set[ExternalId] | None] = ContextVar("first_attempt", default=None)


@contextmanager
def first_attempt(*owned: ExternalId) -> Iterator[None]:
    """Within this block, ``owned`` (the external ids only this item makes) cannot exist yet."""
    token = _unused.set(set(owned))
    try:
        yield
    finally:
        _unused.reset(token)


def unused(external_id: ExternalId | None) -> bool:
    """Whether ``external_id`` is one that cannot exist yet: true once, for the first create of it."""
    owned = _unused.get()
    if external_id is None or not owned or external_id not in owned:
        return False
    owned.discard(external_id)
    return True
