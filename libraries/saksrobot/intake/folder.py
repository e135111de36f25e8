"""A delivery folder: ``inbox/`` where files arrive, ``processed/`` and ``rejected/`` where they
go when their work item is settled (with ``<name>.reason.txt`` beside a rejected one). A file is
never deleted, and never followed: an inbox entry that is not a regular file (a link, a folder, a
device, a pipe) is moved aside as it is, and files are opened without following links."""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import logging
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from saksrobot import dryrun

log = logging.getLogger(__name__)

PARTIAL = (".tmp", ".part", ".filepart", ".partial")  # transfers not finished
NAME_MAX = 255  # bytes in one file name on the file systems a site uses (ext4, xfs, NTFS shares)
REASON = ".reason.txt"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def reason_file_of(file: Path) -> Path:
    """Where the reason of a file in ``rejected/`` is written: beside it, under its name and
    ``.reason.txt``, or a short name when that would be longer than the file system allows."""
    reason_file = file.with_name(file.name + REASON)
    if len(reason_file.name.encode()) > NAME_MAX:
        reason_file = file.with_name(f"{sha256(file.name.encode())[:16]}{REASON}")
    return reason_file


def file_sha256(file: Path) -> str:
    """A file's SHA-256, read in chunks (inbox files may be large), never through a link."""
    fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class NotAFile(OSError):
    """The entry is not a regular file (or became a link after it was listed)."""


def read_regular(file: Path, max_bytes: int | None = None, listed: os.stat_result | None = None) -> bytes:
    """The content of a regular file, opened without following a link; :class:`NotAFile` when it is
    anything else (also when it was swapped for a link after listing) or, given ``listed`` (its
    ``lstat`` when listed), another file than the one listed. ``max_bytes`` + 1 bytes at most are read."""
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotAFile(errno.ELOOP, "a symbolic link", str(file)) from None
        raise
    with os.fdopen(fd, "rb") as f:
        opened = os.fstat(f.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise NotAFile(errno.EINVAL, "not a regular file", str(file))
        if listed is not None and (opened.st_dev, opened.st_ino) != (listed.st_dev, listed.st_ino):
            raise NotAFile(errno.ESTALE, "not the file that was listed", str(file))
        return f.read() if max_bytes is None else f.read(max_bytes + 1)


def kind_of(entry: Path) -> str | None:
    """What an inbox entry is when it is not a regular file (for archive staff), else ``None``."""
    mode = entry.lstat().st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "en snarvei (symbolsk lenke)"
    if stat.S_ISDIR(mode):
        return "en mappe"
    return "en spesialfil (enhet, rør eller socket)"


@dataclass(frozen=True)
class Folder:
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

    def entries(self, pattern: str = "*", settle_seconds: float = 0) -> list[Path]:
        """Inbox entries matching ``pattern``, oldest first. Left alone for now: hidden entries,
        partial transfers (``.tmp``, ``.part``, ``.filepart``, ``.partial``), and entries changed
        less than ``settle_seconds`` ago (perhaps still being written)."""
        if not self.inbox.is_dir():
            return []
        now, found, settling = time.time(), [], 0
        for entry in self.inbox.iterdir():
            if entry.name.startswith(".") or entry.suffix in PARTIAL or not fnmatch.fnmatch(entry.name, pattern):
                continue
            try:
                changed = entry.lstat().st_mtime
            except FileNotFoundError:  # gone meanwhile
                continue
            if now - changed >= settle_seconds:
                found.append((changed, entry.name, entry))
            else:
                settling += 1
        if settling:
            log.warning("%d file(s) in %s changed less than %g s ago (perhaps still being written): left for the "
                        "next run", settling, self.inbox, settle_seconds)
        return [entry for *_, entry in sorted(found)]

    def find(self, name: str, digest: str,
             folders: tuple[str, ...] = ("inbox", "processed", "rejected")) -> Path | None:
        """Where the file with this name and content is now: in the inbox, or already moved (by a
        run that died after moving it; possibly renamed there, see :meth:`_move`); in ``folders``."""
        for folder in (getattr(self, f) for f in folders):
            for candidate in (folder / name, folder / _renamed(name, digest)):
                try:
                    if candidate.is_file() and not candidate.is_symlink() and file_sha256(candidate) == digest:
                        return candidate
                except OSError:
                    continue
        return None

    def move_processed(self, file: Path) -> Path:
        if dryrun.planned(f"flytte {file.name} til processed/"):
            return file
        return self._move(file, self.processed)

    def move_rejected(self, file: Path, reason: str) -> Path:
        """Move ``file`` (whatever it is) to ``rejected/`` with the reason beside it. The reason
        file's name stays within the file system's limit: a long name gets a short reason-file name
        and the full name inside."""
        if dryrun.planned(f"flytte {file.name} til rejected/ ({reason})"):
            return file
        target = self._move(file, self.rejected)
        reason_file = reason_file_of(target)
        text = reason + "\n" if reason_file.name == target.name + REASON else f"Fil: {target.name}\n{reason}\n"
        if reason_file.is_symlink():  # never written through a link a sender left there
            reason_file.unlink()
        fd = os.open(reason_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        return target

    def _move(self, file: Path, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / file.name
        if file.parent.resolve() == folder.resolve():
            return target
        if target.exists() or target.is_symlink():  # the same name delivered again later: keep both
            target = folder / _renamed(file.name, file_sha256(file) if file.is_file() and not file.is_symlink()
                                       else sha256(str(time.time_ns()).encode()))
        os.replace(file, target)  # atomic within one file system; a link is moved, not followed
        return target


def _renamed(name: str, digest: str) -> str:
    """A second file of the same name: ``<stem>.<8 hex>.<suffix>``, cut to fit the name limit."""
    stem, suffix = Path(name).stem, Path(name).suffix
    room = NAME_MAX - len(f".{digest[:8]}{suffix}".encode())
    while len(stem.encode()) > room:
        stem = stem[:-1]
    return f"{stem}.{digest[:8]}{suffix}"
