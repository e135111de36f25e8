"""The one exception tree of saksrobot.

    SaksrobotError            base; carries a stable ``code`` and a human ``message``
    ├── BusinessError         the data is wrong: hand the item to manual handling, never retry
    │   └── Duplicate         the same item came before
    ├── ApplicationError      the system is in trouble (down, slow, 5xx, changed screen): retry
    └── ConfigurationError    a setting is missing or invalid: stop at start-up

Messages are meant for archive staff (Norwegian) and are always masked: a fødselsnummer
never reaches an exception text.

Robot Framework does not keep an exception's chain of causes when a failure passes through a user
keyword, so :func:`errors_made` records every saksrobot error made while a block runs, and
:func:`typed_error` finds the one behind a failure, however deep in user keywords it was raised.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from saksrobot.privacy import mask

_made: ContextVar[list[SaksrobotError] | None] = ContextVar("saksrobot_errors_made", default=None)


class SaksrobotError(Exception):
    """Base of every error saksrobot raises on purpose."""

    code = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        self.message = mask(message)
        if code:
            self.code = code
        super().__init__(self.message)
        if (made := _made.get()) is not None:
            made.append(self)

    def __str__(self) -> str:
        return self.message


class BusinessError(SaksrobotError):
    """Bad input data. The item goes to manual handling with this reason; retrying cannot help."""

    code = "business"


class Duplicate(BusinessError):
    """The item was received before (the same referral, the same invoice): handed over, not filed twice."""

    code = "duplicate"


class ApplicationError(SaksrobotError):
    """The target system or the machine failed. The item may be retried with back-off."""

    code = "application"


class ConfigurationError(SaksrobotError):
    """A setting is missing or wrong. Raised at start-up, naming the setting."""

    code = "configuration"


@contextmanager
def errors_made() -> Iterator[list[SaksrobotError]]:
    """The saksrobot errors made while the block runs (in this thread), oldest first."""
    made: list[SaksrobotError] = []
    token = _made.set(made)
    try:
        yield made
    finally:
        _made.reset(token)


def typed_error(failure: BaseException, made: Sequence[SaksrobotError] = ()) -> SaksrobotError | None:
    """The saksrobot error behind a failure: along its chain of causes (a library keyword), else
    the latest of ``made`` whose message the failure carries (one raised inside user keywords,
    where Robot Framework reports only its message)."""
    seen: set[int] = set()
    error: BaseException | None = failure
    while error is not None and id(error) not in seen:
        if isinstance(error, SaksrobotError):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    text = str(failure)
    return next((e for e in reversed(made) if e.message and e.message in text), None)
