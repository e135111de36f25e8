"""The invoice inbox: the folder an access point delivers EHF files into, and the folders files
move to when the robot is done with them. A file is never deleted: it stays in ``inbox/`` until
its work item has an outcome, then moves to ``processed/`` or to ``rejected/`` with a
``<name>.reason.txt`` next to it."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

PARTIAL = (".tmp", ".part", ".filepart", ".partial")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(file: Path) -> str:
    """A file's SHA-256, read in chunks (inbox files may be large)."""
    with file.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


@dataclass(frozen=True)
class Inbox:
    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def processed(self) -> Path:
        return self.root / "processed"

    @property
    def rejected(self) -> Path:
        return self.root / "rejected"

    def create(self) -> None:
        for folder in (self.inbox, self.processed, self.rejected):
            folder.mkdir(parents=True, exist_ok=True)

    def waiting(self, settle_seconds: float = 0) -> list[Path]:
        """Files in the inbox, oldest first. Left alone: hidden files, partial transfers
        (``.tmp``, ``.part``, ``.filepart``, ``.partial``), symbolic links, and files changed less
        than ``settle_seconds`` ago (perhaps still being written)."""
        if not self.inbox.is_dir():
            return []
        now = time.time()
        files = [p for p in self.inbox.iterdir() if p.is_file() and not p.is_symlink()
                 and not p.name.startswith(".") and p.suffix not in PARTIAL
                 and now - p.stat().st_mtime >= settle_seconds]
        return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))

    def find(self, name: str, digest: str) -> Path | None:
        """Where the file with this name and content is now: in the inbox, or already moved (by a
        run that died after moving it; possibly renamed there, see :meth:`_move`)."""
        stem, suffix = Path(name).stem, Path(name).suffix
        for folder in (self.inbox, self.processed, self.rejected):
            for candidate in (folder / name, folder / f"{stem}.{digest[:8]}{suffix}"):
                if candidate.is_file() and file_sha256(candidate) == digest:
                    return candidate
        return None

    def move_processed(self, file: Path) -> Path:
        return self._move(file, self.processed)

    def move_rejected(self, file: Path, reason: str) -> Path:
        target = self._move(file, self.rejected)
        reason_file = target.with_name(target.name + ".reason.txt")
        reason_file.write_text(reason + "\n", encoding="utf-8")
        return target

    def _move(self, file: Path, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / file.name
        if file.resolve() == target.resolve():
            return target
        if target.exists():  # the same name delivered again later: keep both
            target = folder / f"{file.stem}.{file_sha256(file)[:8]}{file.suffix}"
        os.replace(file, target)  # atomic within one file system
        return target
