"""The one exception tree of saksrobot.

    SaksrobotError            base; carries a stable ``code`` and a human ``message``
    ├── BusinessError         the data is wrong: hand the item to manual handling, never retry
    │   └── Duplicate         the same item came before
    ├── ApplicationError      the system is in trouble (down, slow, 5xx, changed screen): retry
    └── ConfigurationError    a setting is missing or invalid: stop at start-up

Messages are meant for archive staff (Norwegian) and are always masked: a fødselsnummer
never reaches an exception text.
"""

from __future__ import annotations

from saksrobot.privacy import mask


class SaksrobotError(Exception):
    """Base of every error saksrobot raises on purpose."""

    code = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        self.message = mask(message)
        if code:
            self.code = code
        super().__init__(self.message)

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
