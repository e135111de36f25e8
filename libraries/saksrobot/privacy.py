"""Masking of personal data: no fødselsnummer leaves the process unmasked.

Every run of exactly 11 digits (optionally written ``DDMMYY NNNNN``) is treated as a
fødselsnummer / D-number and replaced by ``***********``. Case numbers (``26/01234``),
document numbers, organisation numbers (9 digits) and dates are left alone.
"""

from __future__ import annotations

import logging
import re

MASK = "***********"
FNR_RUN = re.compile(r"(?<!\d)\d{6}[ ]?\d{5}(?!\d)")


def mask(text: object) -> str:
    """Return ``text`` as a string with every 11-digit run masked."""
    return FNR_RUN.sub(MASK, str(text))


class MaskingFilter(logging.Filter):
    """A logging filter that masks the formatted message and any exception text of a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install_log_mask(level: int | str = logging.INFO) -> None:
    """Configure the root logger once, at an entry point, with the fødselsnummer mask.

    The filter is put on every handler of the root logger (and on the loggers of uvicorn),
    so records from any library are masked before they are written.
    """
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    for logger in (root, *(logging.getLogger(n) for n in ("uvicorn", "uvicorn.error", "uvicorn.access"))):
        for handler in logger.handlers:
            if not any(isinstance(f, MaskingFilter) for f in handler.filters):
                handler.addFilter(MaskingFilter())
