"""Files in a delivery folder become work items, and go to ``processed/`` or ``rejected/`` when their
item is settled.

An item's payload holds ``source`` = ``{folder, file, sha256}`` (and ``problem`` when the file cannot
be used: not a regular file, too large, unreadable), never the file's content. The key is the
business key a :class:`KeyRule` (or the robot's own function) reads from the file, else the
file's hash. A file whose key an earlier delivery took becomes its own item ``<key>#<hash>`` with
``same_key_as``: it is a duplicate when that earlier item was done, and is handled itself when it
was not (a corrected file sent after a rejected one).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saksrobot import dryrun
from saksrobot.errors import ApplicationError, BusinessError, ConfigurationError, Duplicate
from saksrobot.intake.folder import Folder, NotAFile, file_sha256, kind_of, read_regular, sha256
from saksrobot.privacy import mask
from saksrobot.workitems import State, WorkItem, WorkItemStore

log = logging.getLogger(__name__)
KeyOf = Callable[[str, bytes], str | None]
MAX_KEY = 200  # the work-item key column
SETTLED = {State.DONE: "processed", State.MANUAL: "rejected", State.RESOLVED: "rejected"}


class FileRefused(BusinessError):
    """The delivered file cannot be used: archive staff get it with the reason."""

    code = "file_refused"


@dataclass(frozen=True)
class KeyRule:
    """How a file's business key is made: ``content`` (its SHA-256), ``name`` (the file name), or
    ``field:<name>`` (a top-level field of a JSON file)."""

    kind: str
    field: str | None = None

    @classmethod
    def parse(cls, text: str) -> KeyRule:
        kind, _, field = text.partition(":")
        if kind in ("content", "name") and not field:
            return cls(kind)
        if kind == "field" and field.strip():
            return cls(kind, field.strip())
        raise ConfigurationError(f"key={text!r}: use content, name or field:<field name>")

    def key_of(self, name: str, data: bytes) -> str | None:
        if self.kind == "content":
            return f"sha256:{sha256(data)[:32]}"
        if self.kind == "name":
            return name
        try:
            value = json.loads(data).get(self.field)
        except (ValueError, AttributeError):
            return None
        return str(value).strip() or None if value is not None else None


def _short(key: str, digest: str) -> str:
    """A key within the column's size: a long one keeps its start and gets its hash."""
    return key if len(key) <= MAX_KEY - 30 else f"{key[:MAX_KEY - 60]}~{sha256(key.encode())[:16]}"


@dataclass
class FileItems:
    """The items of one process fed from one delivery folder."""

    folder: Folder
    store: WorkItemStore
    process: str
    pattern: str = "*"
    settle_seconds: float = 5
    max_bytes: int = 20_000_000

    # -- producer ------------------------------------------------------------------------------
    def take_in(self, key_of: KeyOf) -> list[str]:
        """Make a work item of every file in the inbox; return the keys of the new items. A file
        whose item was settled before (a run that died before moving it) is moved now."""
        if not dryrun.recording():
            self.folder.create()
        new = []
        for entry in self.folder.entries(self.pattern, self.settle_seconds):
            try:
                if key := self._take_in(entry, key_of):
                    new.append(key)
            except OSError as exc:  # unreadable now (permissions, gone): it stays, and is tried next run
                log.warning("Could not take in %s (%s); it stays in the inbox", mask(entry.name), type(exc).__name__)
        return new

    def _take_in(self, entry: Path, key_of: KeyOf) -> str | None:
        problem, key, listed = None, None, entry.lstat()
        if odd := kind_of(entry):
            digest = sha256(f"{entry.name}:{listed.st_ino}".encode())
            problem = {"code": "not_a_file", "text": f"«{entry.name}» er {odd}, ikke en fil: den er ikke lest"}
        else:
            try:
                data = read_regular(entry, self.max_bytes, listed)
            except NotAFile:  # swapped (for a link, another file) since it was listed: the next run sees it
                return None
            if len(data) > self.max_bytes:
                digest = file_sha256(entry)  # hashed in chunks, never read whole
                problem = {"code": "too_large", "text": f"Filen er for stor (over {self.max_bytes // 1_000_000} MB)"}
            else:
                digest, key = sha256(data), key_of(entry.name, data)
        key = _short(key, digest) if key else f"sha256:{digest[:16]}"
        source: dict[str, Any] = {"folder": str(self.folder.root), "file": entry.name, "sha256": digest}
        if problem:
            source["problem"] = problem
        # the key, else (taken by another delivery) <key>#<hash>, <key>#<hash>-2, ...
        for n in range(1, 1000):
            candidate = key if n == 1 else f"{key}#{digest[:10]}" + (f"-{n - 1}" if n > 2 else "")
            existing = self.store.by_keys(self.process, [candidate]).get(candidate)
            if existing is None:
                self.store.add(self.process, candidate, {"source": source} | ({"same_key_as": key} if n > 1 else {}))
                return candidate
            theirs = existing.payload.get("source") or {}
            if theirs.get("sha256") == digest and theirs.get("file") == entry.name:
                if existing.state in SETTLED and not self.folder.find(entry.name, digest, ("processed", "rejected")):
                    settle(existing)  # settled by a run that died before moving the file: not a new delivery
                    return None
                if existing.state in (State.PENDING, State.IN_PROGRESS, State.FAILED):
                    return None  # waiting for (or with) a consumer, or an operator's retry
        raise AssertionError("unreachable: a thousand deliveries of one key")


def check_source(item: WorkItem, store: WorkItemStore) -> None:
    """Before an item taken in from a folder is handled: :class:`FileRefused` when its file cannot
    be used, :class:`~saksrobot.errors.Duplicate` when its key was delivered and done before."""
    if _source(item) is None:
        return
    if problem := _source(item).get("problem"):
        raise FileRefused(problem["text"], code=problem["code"])
    original = item.payload.get("same_key_as")
    if original and (first := store.by_keys(item.process, [original]).get(original)) and first.state == State.DONE:
        texts = {k: v for k, v in (first.result or {}).items() if isinstance(v, str)}
        refs = ", ".join([v for k, v in texts.items() if "number" in k] or list(texts.values())[:2])  # its numbers
        raise Duplicate(f"Samme nøkkel ({original}) er levert og behandlet før" + (f" ({refs})" if refs else "")
                        + "; denne filen er ikke behandlet")


def _source(item: WorkItem) -> dict[str, Any] | None:
    source = (item.payload or {}).get("source")
    return source if isinstance(source, dict) and source.get("folder") else None


def file_of(item: WorkItem) -> Path:
    """The file of an item taken in from a folder, or :class:`FileRefused` why it cannot be used."""
    source = _source(item)
    if source is None:
        raise ConfigurationError(f"Work item {item.key} was not taken in from a folder")
    if problem := source.get("problem"):
        raise FileRefused(problem["text"], code=problem["code"])
    found = Folder(Path(source["folder"])).find(source["file"], source["sha256"])
    if found is None:
        raise FileRefused(f"Filen «{source['file']}» finnes ikke lenger i innboksen", code="file_missing")
    return found


def read(item: WorkItem, max_bytes: int) -> bytes:
    """The content of the item's file, read without following links."""
    try:
        data = read_regular(file_of(item), max_bytes)
    except NotAFile:
        raise FileRefused("Filen er byttet ut med noe som ikke er en fil", code="not_a_file") from None
    if len(data) > max_bytes:
        raise FileRefused(f"Filen er for stor (over {max_bytes // 1_000_000} MB)", code="too_large")
    return data


def settle(item: WorkItem) -> None:
    """Move a settled item's file: done → ``processed/``; handed over → ``rejected/`` with the
    reason. Nothing for other items, or for items not taken in from a folder."""
    if _source(item) is not None and item.state in SETTLED:
        move_file(item, processed=item.state == State.DONE, reason=f"{item.reason_code}: {item.reason_text}")


def move_file(item: WorkItem, *, processed: bool, reason: str = "") -> None:
    """Move the item's file (wherever it is now) to ``processed/``, or to ``rejected/`` with
    ``reason``. A folder that cannot be written is the system's trouble (an application error)."""
    source = _source(item)
    if source is None:
        return
    folder = Folder(Path(source["folder"]))
    target = folder.processed if processed else folder.rejected
    entry = folder.inbox / source["file"]
    current = entry if source.get("problem") and (entry.exists() or entry.is_symlink()) else (
        folder.find(source["file"], source["sha256"]))
    if current is None or current.parent == target:
        return
    try:
        if processed:
            folder.move_processed(current)
        else:
            folder.move_rejected(current, reason)
    except OSError as exc:
        raise ApplicationError(f"Kunne ikke flytte filen til {target.name}/ ({type(exc).__name__})",
                               code="folder_error") from exc
