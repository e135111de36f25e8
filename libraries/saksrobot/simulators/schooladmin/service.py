"""The school-admin system's business rules, shared by the JSON API and the web UI.

A refused request raises :class:`Refused` with an HTTP status (404, 409, 422) and a Norwegian
message; nothing is written then. Messages never contain a fødselsnummer.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, undefer

from saksrobot.privacy import mask
from saksrobot.simulators.schooladmin import db

CASE_NUMBER = re.compile(r"^\d{2}/\d{5}$")
MALFORMED = "Saksnummer må ha formen ÅÅ/NNNNN"
KINDS = ("elev", "barn")
STATUSES = ("ny", "behandlet")


class Refused(Exception):
    """The system refuses the request: an HTTP status and one Norwegian message (masked)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = mask(message)
        super().__init__(self.message)


def check_case_number(value: Any) -> str:
    """The case number, stripped; 422 when it is not ``ÅÅ/NNNNN``."""
    text = value.strip() if isinstance(value, str) else ""
    if not CASE_NUMBER.fullmatch(text):
        raise Refused(422, MALFORMED)
    return text


class SchoolAdminService:
    """Units, the register of children and the referral inbox on one session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    # -- register ------------------------------------------------------------------------------
    def units(self) -> list[db.Unit]:
        return list(self.s.scalars(select(db.Unit).order_by(db.Unit.id)))

    def children(self, without_folder: bool = False, kind: str | None = None,
                 fnr: str | None = None) -> list[db.Child]:
        query = select(db.Child).order_by(db.Child.kind.desc(), db.Child.id)  # pupils first
        if without_folder:
            query = query.where(db.Child.folder_case_number.is_(None))
        if kind:
            if kind not in KINDS:
                raise Refused(422, f"Ukjent type «{kind}» (elev eller barn)")
            query = query.where(db.Child.kind == kind)
        if fnr:
            query = query.where(db.Child.fnr == fnr.strip())
        return list(self.s.scalars(query))

    def child(self, child_id: str) -> db.Child:
        child = self.s.get(db.Child, child_id)
        if child is None:
            raise Refused(404, f"Fant ikke eleven eller barnet «{child_id}»")
        return child

    def register_folder(self, child_id: str, case_number: Any) -> db.Child:
        """Record the folder's case number; the same number again is accepted, another is 409."""
        child = self.child(child_id)
        number = check_case_number(case_number)
        if child.folder_case_number and child.folder_case_number != number:
            raise Refused(409, f"{child_id} har allerede mappe med saksnummer {child.folder_case_number}")
        child.folder_case_number = number
        return child

    # -- referrals -----------------------------------------------------------------------------
    def referrals(self, status: str | None = None) -> list[db.Referral]:
        query = select(db.Referral).order_by(db.Referral.received, db.Referral.id)
        if status:
            if status not in STATUSES:
                raise Refused(422, f"Ukjent status «{status}» (ny eller behandlet)")
            query = query.where(db.Referral.status == status)
        return list(self.s.scalars(query))

    def referral(self, referral_id: str) -> db.Referral:
        referral = self.s.get(db.Referral, referral_id)
        if referral is None:
            raise Refused(404, f"Fant ikke henvisningen «{referral_id}»")
        return referral

    def attachment(self, referral_id: str, n: int) -> db.Attachment:
        self.referral(referral_id)
        attachment = self.s.scalar(select(db.Attachment).options(undefer(db.Attachment.data)).where(
            db.Attachment.referral_id == referral_id, db.Attachment.n == n))
        if attachment is None:
            raise Refused(404, f"Henvisningen «{referral_id}» har ikke vedlegg {n}")
        return attachment

    def mark_processed(self, referral_id: str, case_number: Any, user: str, now: datetime) -> db.Referral:
        """Mark the referral processed in a case; the same number again is accepted, another is 409."""
        referral = self.referral(referral_id)
        number = check_case_number(case_number)
        if referral.case_number and referral.case_number != number:
            raise Refused(409, f"Henvisningen er allerede behandlet med saksnummer {referral.case_number}")
        if referral.status != "behandlet" or referral.case_number != number:
            referral.status, referral.case_number = "behandlet", number
            referral.processed_at, referral.processed_by = now, user
        return referral

    # -- search --------------------------------------------------------------------------------
    def search(self, q: str) -> tuple[list[db.Child], list[db.Referral]]:
        """Children and referrals whose name contains ``q`` or whose id (or fødselsnummer) is ``q``."""
        q = q.strip()
        if not q:
            return [], []
        like = f"%{q.lower()}%"
        child_name = func.lower(db.Child.first_name + " " + db.Child.last_name)
        children = self.s.scalars(select(db.Child).where(or_(
            child_name.like(like), func.lower(db.Child.id).like(like), db.Child.fnr == q)).order_by(
            db.Child.kind.desc(), db.Child.id))
        referral_name = func.lower(db.Referral.child_first_name + " " + db.Referral.child_last_name)
        referrals = self.s.scalars(select(db.Referral).where(or_(
            referral_name.like(like), func.lower(db.Referral.id).like(like), db.Referral.child_fnr == q,
            db.Referral.case_number == q)).order_by(db.Referral.received))
        return list(children), list(referrals)


def child_json(child: db.Child) -> dict[str, Any]:
    return {"id": child.id, "kind": child.kind, "first_name": child.first_name, "last_name": child.last_name,
            "fnr": child.fnr, "address": child.address, "unit": unit_json(child.unit),
            "grade": child.grade, "enrolled": child.enrolled.isoformat(),
            "folder_case_number": child.folder_case_number}


def unit_json(unit: db.Unit) -> dict[str, Any]:
    return {"id": unit.id, "name": unit.name, "orgnr": unit.orgnr, "kind": unit.kind,
            "access_group": unit.access_group}


def referral_summary(r: db.Referral) -> dict[str, Any]:
    return {"id": r.id, "received": r.received.isoformat(timespec="seconds"), "status": r.status,
            "referral_type": r.referral_type, "child_name": r.child_name, "referrer_name": r.referrer_name,
            "case_number": r.case_number}


def referral_json(r: db.Referral) -> dict[str, Any]:
    return {
        "id": r.id, "received": r.received.isoformat(timespec="seconds"), "status": r.status,
        "case_number": r.case_number, "referral_type": r.referral_type,
        "child": {"first_name": r.child_first_name, "last_name": r.child_last_name, "fnr": r.child_fnr,
                  "address": r.child_address, "unit_name": r.child_unit_name, "unit_orgnr": r.child_unit_orgnr,
                  "grade": r.child_grade, "mother_tongue": r.mother_tongue,
                  "interpreter_needed": r.interpreter_needed},
        "guardians": [{"name": g.name, "fnr": g.fnr, "phone": g.phone, "email": g.email,
                       "parental_responsibility": g.parental_responsibility, "lives_with_child": g.lives_with_child,
                       "consent": g.consent} for g in r.guardians],
        "referrer": {"kind": r.referrer_kind, "name": r.referrer_name, "orgnr": r.referrer_orgnr,
                     "contact_person": r.referrer_contact_person, "phone": r.referrer_phone},
        "reason": {"category": r.reason_category, "text": r.reason_text},
        "to_assess": r.to_assess, "measures_tried": r.measures_tried,
        "attachments": [{"n": a.n, "title": a.title, "filename": a.filename, "mime": a.mime, "size": a.size}
                        for a in r.attachments],
    }
