"""Whether a process of this machine lives: the one check behind leases, locks and run owners."""

from __future__ import annotations

from datetime import UTC, datetime

import psutil


def process_alive(pid: int | None, since: datetime | None = None) -> bool:
    """Whether process ``pid`` lives (not a zombie) and, given ``since`` (naive UTC), is the one that
    existed then, not a later process that got the same number (after a reboot)."""
    if not pid:
        return False
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return since is None or process.create_time() <= since.replace(tzinfo=UTC).timestamp() + 1
    except psutil.Error:
        return False
