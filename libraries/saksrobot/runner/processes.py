"""Processes of runs: ending one with everything it started."""

from __future__ import annotations

import signal

import psutil

GRACE_SECONDS = 10


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
