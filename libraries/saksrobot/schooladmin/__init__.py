"""Clients for the school-admin system (Public Oppvekst style): one interface, ``api`` and ``ui`` back-ends."""

from saksrobot.schooladmin.client import SchoolAdmin, open_school_admin
from saksrobot.schooladmin.models import (
    Attachment,
    AttachmentInfo,
    Child,
    ChildKind,
    Guardian,
    Reason,
    Referral,
    ReferredChild,
    Referrer,
    Unit,
)

__all__ = [
    "Attachment",
    "AttachmentInfo",
    "Child",
    "ChildKind",
    "Guardian",
    "Reason",
    "ReferredChild",
    "Referral",
    "Referrer",
    "SchoolAdmin",
    "Unit",
    "open_school_admin",
]
