"""Retry with exponential back-off, for application errors only."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from saksrobot.errors import ApplicationError

T = TypeVar("T")
log = logging.getLogger(__name__)


class Retry:
    """Call a function, retrying :class:`ApplicationError` up to ``retries`` times.

    The pause doubles for each retry, starting at ``backoff`` seconds. Business errors and
    everything else pass straight through.
    """

    def __init__(self, retries: int, backoff: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self.retries, self.backoff, self._sleep = retries, backoff, sleep

    def __call__(self, fn: Callable[..., T], *args: object) -> T:
        for attempt in range(self.retries + 1):
            try:
                return fn(*args)
            except ApplicationError as exc:
                if attempt == self.retries:
                    raise
                pause = self.backoff * 2**attempt
                log.warning("%s (attempt %d of %d); retrying in %.1f s", exc, attempt + 1,
                            self.retries + 1, pause)
                self._sleep(pause)
        raise AssertionError("unreachable")
