"""ppt_referrals: a new referral to PPT is filed as a screened incoming journal post in the child's
PPT case (found, or created), and marked processed in the school-admin system."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from saksrobot.archive import Archive, CaseQuery, ExternalId, FileAttachment, PrivatePerson
from saksrobot.domain.school import (
    NotInRegister,
    check_referral,
    ppt_case,
    referral_fingerprint,
    referral_post,
    referral_sender,
    sending_guardian,
)
from saksrobot.errors import Duplicate
from saksrobot.processes.referral_pdf import render_referral
from saksrobot.schooladmin import Referral, SchoolAdmin
from saksrobot.settings import IdentitySettings, PptSettings

log = logging.getLogger(__name__)
PROCESS = "ppt_referrals"


@dataclass
class PptReferrals:
    """``claim_content(fingerprint, referral id)`` returns the id of the first referral with that
    content (the work-item store's :meth:`~saksrobot.workitems.WorkItemStore.claim_content`)."""

    archive: Archive
    school: SchoolAdmin
    identity: IdentitySettings
    ppt: PptSettings
    claim_content: Callable[[str, str], str]

    def new_referrals(self) -> list[str]:
        """Ids of the referrals not yet processed, oldest first (the business keys of the items)."""
        return self.school.new_referrals()

    def file(self, referral_id: str) -> dict[str, object]:
        """File one referral; a referral that cannot be filed raises a business error saying why."""
        referral = self.school.referral(referral_id)
        if referral.status == "behandlet":  # processed meanwhile, by hand or by an earlier run
            return {"case_number": referral.case_number, "created": False}
        first = self.claim_content(referral_fingerprint(referral), referral.id)
        if first != referral.id:
            raise Duplicate(f"Samme henvisning er mottatt før ({first}); den er ikke arkivert på nytt")
        check_referral(referral, allow_synthetic=self.identity.allow_synthetic_fnr,
                       allow_h_number=self.identity.allow_h_number)
        if not self.school.is_registered(referral.child.fnr):
            raise NotInRegister("Barnet finnes ikke i elev- eller barneregisteret; kontroller fødselsnummeret")
        referral_sender(referral)  # a referral without a usable sender stops here, before any case is made
        self._synchronize_persons(referral)
        case_number, new_case = self._ppt_case(referral)
        post = self.archive.create_journal_post(referral_post(
            referral, case_number, self.ppt.access_group, self._files(referral)))
        self.school.mark_processed(referral.id, case_number)
        log.info("%s: filed as %s (%s case)", referral.id, post.document_number, "new" if new_case else "existing")
        return {"case_number": case_number, "document_number": post.document_number, "created": new_case}

    def _synchronize_persons(self, referral: Referral) -> None:
        """The child, and a guardian who referred, must be in the archive's contact register."""
        child = referral.child
        self.archive.synchronize_person(PrivatePerson(personal_id_number=child.fnr, first_name=child.first_name,
                                                      last_name=child.last_name, address=child.address))
        if (guardian := sending_guardian(referral)) and guardian.fnr:
            first, _, last = guardian.name.rpartition(" ")
            self.archive.synchronize_person(PrivatePerson(personal_id_number=guardian.fnr,
                                                          first_name=first or last, last_name=last if first else ""))

    def _ppt_case(self, referral: Referral) -> tuple[str, bool]:
        """The child's PPT case: the one already in the archive (a re-referral), else a new one."""
        child = referral.child
        found = self.archive.find_cases(CaseQuery(contact_reference=child.fnr, case_type="PPT"))
        if found:
            return min(found, key=lambda c: c.recno).case_number, False
        result = self.archive.create_case(ppt_case(child, self.ppt.responsible_unit, self.ppt.access_group,
                                                   external_id=ExternalId.of(PROCESS, referral.id)))
        return result.case_number, result.created

    def _files(self, referral: Referral) -> tuple[FileAttachment, ...]:
        form = FileAttachment(title=f"Henvisning til PPT {referral.id}", format="pdf", data=render_referral(referral))
        attachments = tuple(FileAttachment(title=a.title, format=_format(a.filename, a.mime), data=a.data)
                            for a in self.school.attachments(referral))
        return (form, *attachments)


def _format(filename: str, mime: str) -> str:
    """A file's format for the archive: its extension, else from its MIME type."""
    suffix = Path(filename).suffix.lstrip(".").lower()
    return suffix or {"application/pdf": "pdf", "text/plain": "txt", "image/png": "png",
                      "image/jpeg": "jpg"}.get(mime, "bin")
