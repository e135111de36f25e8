"""Clients for the archive system (Public 360 style): one interface, ``api`` and ``ui`` back-ends."""

from saksrobot.archive.client import Archive, open_archive
from saksrobot.archive.models import (
    ArchiveCode,
    Case,
    CaseChanges,
    CaseQuery,
    CaseResult,
    Category,
    Enterprise,
    ExternalId,
    FileAttachment,
    JournalPostResult,
    NewCase,
    NewJournalPost,
    Party,
    PrivatePerson,
    UnregisteredParty,
    category_code,
    noark_category,
)

__all__ = [
    "Archive",
    "ArchiveCode",
    "Case",
    "CaseChanges",
    "CaseQuery",
    "CaseResult",
    "Category",
    "Enterprise",
    "ExternalId",
    "FileAttachment",
    "JournalPostResult",
    "NewCase",
    "NewJournalPost",
    "Party",
    "PrivatePerson",
    "UnregisteredParty",
    "category_code",
    "noark_category",
    "open_archive",
]
