"""FolderIntakeLibrary: a folder-fed robot in Robot Framework alone."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

from robot.api import logger
from robot.api.deco import keyword, library

from saksrobot.intake import FileItems, Folder, KeyRule
from saksrobot.intake.take_in import file_of, read
from saksrobot.keywords._context import suite_library
from saksrobot.keywords.workitems import WorkItemsLibrary
from saksrobot.privacy import mask
from saksrobot.settings import Settings, load_settings
from saksrobot.workitems import WorkItem


class FileFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    BYTES = "bytes"


@library(scope="SUITE", version="0.2.0", doc_format="ROBOT")
class FolderIntakeLibrary:
    """Files delivered into a folder become work items, one per file.

    The folder has ``inbox/`` (where files arrive), ``processed/`` and ``rejected/``. `Add Work
    Items For Files` makes an item of every settled file in the inbox matching ``pattern``, keyed
    by ``key``: ``content`` (the file's hash), ``name`` (its name) or ``field:<name>`` (a
    top-level field of a JSON file). The same key delivered again is handled once: a re-delivery
    is handed over as a duplicate when the first was done. When an item is settled by
    `Process Work Items`, its file moves by itself: done → ``processed/``; handed over →
    ``rejected/`` with ``<name>.reason.txt`` (the reason). Nothing is deleted.

    Entries that are not regular files (links, folders, devices), files larger than ``max_bytes``
    and files that disappear are handed to archive staff with the reason, never followed or read.
    The work item holds the file's name and hash, never its content.

    Import with the folder (relative to the project) and the rules:
    ``Library    saksrobot.keywords.FolderIntakeLibrary    var/soknader    pattern=*.json    key=field:nummer``

    Example:
    | `Add Work Items For Files` |
    | ${application}= | `Read Work Item File` | ${item} | format=json |
    """

    def __init__(self, folder: str, pattern: str = "*", key: str = "content", settle_seconds: float = 5,
                 max_bytes: int = 20_000_000, settings: Settings | None = None) -> None:
        self._settings = settings or load_settings()
        self.folder = Folder(self._settings.path(folder))
        self.rule = KeyRule.parse(key)
        self.pattern, self.settle_seconds, self.max_bytes = pattern, float(settle_seconds), int(max_bytes)

    def _items(self) -> FileItems:
        work = suite_library(WorkItemsLibrary)
        return FileItems(self.folder, work.store, work.process, self.pattern, self.settle_seconds, self.max_bytes)

    @keyword
    def add_work_items_for_files(self) -> int:
        """Makes a work item of every file in the inbox (once per key); returns how many were new.

        Files changed less than ``settle_seconds`` ago are left for the next run (they may still be
        being written), as are hidden files and partial transfers (``.tmp``, ``.part``).

        Example:
        | ${new}= | `Add Work Items For Files` |
        """
        new = self._items().take_in(self.rule.key_of)
        logger.info(f"{len(new)} new file(s) in {self.folder.inbox}")
        return len(new)

    @keyword
    def read_work_item_file(self, item: WorkItem, format: FileFormat = FileFormat.TEXT) -> Any:  # noqa: A002
        """Returns the content of the item's file: ``text`` (UTF-8), ``json`` (parsed) or ``bytes``.

        A file that cannot be used (not a file, too large, gone, not UTF-8 or not JSON) fails with a
        business error, so `Process Work Items` hands the item to archive staff with the reason.

        Example:
        | ${application}= | `Read Work Item File` | ${item} | format=json |
        | Log | ${application}[soknadsnummer] |
        """
        from saksrobot.intake.take_in import FileRefused

        data = read(item, self.max_bytes)
        if format is FileFormat.BYTES:
            return data
        try:
            text = data.decode("utf-8-sig")
            return json.loads(text) if format is FileFormat.JSON else text
        except UnicodeDecodeError:
            raise FileRefused("Filen er ikke tekst i UTF-8", code="not_text") from None
        except ValueError as exc:
            raise FileRefused(f"Filen er ikke gyldig JSON ({mask(exc)})", code="not_json") from None

    @keyword
    def path_of_work_item_file(self, item: WorkItem) -> Path:
        """Returns where the item's file is now (to attach it to a journal post, for example).

        Example:
        | ${file}= | `Path Of Work Item File` | ${item} |
        | `Create Journal Post` | ${case} | title=Søknad | files=${{ [$file] }} |
        """
        return file_of(item)
