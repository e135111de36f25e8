"""A Robot Framework listener (API v3) that records, as the run goes, each task's result and each
work item's outcome to ``items.jsonl`` in the run folder. It sees only what the keyword
libraries log, which never holds personal data."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ITEM = re.compile(r"^Work item (?P<key>\S+): (?P<outcome>done|manual|retry|failed)\b")


class RunListener:
    ROBOT_LISTENER_API_VERSION = 3

    def __init__(self, path: str) -> None:
        self._file = Path(path).open("a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self._task: str | None = None

    def _write(self, **record: Any) -> None:
        self._file.write(json.dumps({"at": datetime.now(UTC).isoformat(timespec="seconds"), **record},
                                    ensure_ascii=False) + "\n")
        self._file.flush()

    def start_test(self, data: Any, result: Any) -> None:
        self._task = data.name

    def end_test(self, data: Any, result: Any) -> None:
        self._write(kind="task", task=data.name, status=result.status, elapsed_s=result.elapsed_time.total_seconds())

    def log_message(self, message: Any) -> None:
        if match := ITEM.match(message.message):
            self._write(kind="item", task=self._task, key=match["key"], outcome=match["outcome"])

    def close(self) -> None:
        self._file.close()
