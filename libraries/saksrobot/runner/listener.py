"""A Robot Framework listener (API v3) on every run: it masks every fødselsnummer (every 11-digit
run) in every message, argument and status Robot Framework writes to ``output.xml``, ``log.html``
and ``report.html`` - whatever a robot reads or a keyword logs - and records, as the run goes, each
task's result and each work item's outcome to ``items.jsonl`` in the run folder."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from saksrobot.privacy import mask

ITEM = re.compile(r"^Work item (?P<key>\S+): (?P<outcome>done|manual|retry|failed)\b(?: \((?P<reason>.*)\))?", re.S)
NOTE = re.compile(r"^Run note: (?P<text>.+)", re.S)  # a line for the run's summary (what it validated with ...)


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
        result.message = mask(result.message)
        self._write(kind="task", task=data.name, status=result.status, elapsed_s=result.elapsed_time.total_seconds())

    def end_keyword(self, data: Any, result: Any) -> None:
        result.message = mask(result.message)
        result.args = tuple(mask(a) if isinstance(a, str) else a for a in result.args)

    def end_suite(self, data: Any, result: Any) -> None:
        result.message = mask(result.message)

    def log_message(self, message: Any) -> None:
        message.message = mask(message.message)
        if match := ITEM.match(message.message):
            self._write(kind="item", task=self._task, key=match["key"], outcome=match["outcome"],
                        **({"reason": match["reason"]} if match["reason"] else {}))
        elif match := NOTE.match(message.message):
            self._write(kind="note", task=self._task, text=match["text"])

    def message(self, message: Any) -> None:
        """Robot Framework's own messages (syntax errors, and warnings once more, not counted twice)."""
        message.message = mask(message.message)

    def close(self) -> None:
        self._file.close()
