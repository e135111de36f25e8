"""Processes of runs: whether one is alive, and ending one with everything it started."""

from __future__ import annotations

import signal
from datetime import UTC, datetime

import psutil

GRACE_SECONDS = 10


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


def end_process_tree(pid: int) -> int:
    """Terminate a process and everything it started (Playwright's browsers start their own
    process group, so the group alone is not enough), then kill what is left. Returns how
    many processes there were."""
    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for process in tree:
        try:
            process.send_signal(signal.SIGTERM)
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(tree, timeout=GRACE_SECONDS)
    for process in alive:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=GRACE_SECONDS)
    return len(tree)
