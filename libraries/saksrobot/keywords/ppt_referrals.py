"""PptReferralsLibrary: keywords for the ppt_referrals process (new referrals -> PPT case + journal post)."""

from __future__ import annotations

from robot.api import logger
from robot.api.deco import keyword, library

from saksrobot.keywords._context import suite_library
from saksrobot.keywords.archive import ArchiveLibrary
from saksrobot.keywords.schooladmin import SchoolAdminLibrary
from saksrobot.keywords.workitems import WorkItemsLibrary
from saksrobot.processes.ppt_referrals import PptReferrals
from saksrobot.settings import Settings, load_settings
from saksrobot.workitems import WorkItem


@library(scope="SUITE", version="0.1.0", doc_format="ROBOT")
class PptReferralsLibrary:
    """Keywords that file every new referral to PPT in the archive.

    The robot searches the school-admin inbox for new referrals; each becomes a work item keyed
    by its referral id. For each item it checks the referral, finds the child's PPT case (or
    creates it), files the referral as a screened incoming journal post (a PDF of the form plus
    the attachments; sender = the referring school or kindergarten, or the guardian or pupil),
    and marks the referral processed with the case number.

    A referral that cannot be filed goes to archive staff with the reason: *Mangler samtykke fra
    foresatte*, an invalid fødselsnummer, a child not in the register, or the same referral
    received before. Re-running files nothing twice: the journal post carries the referral id
    as its external id.

    Needs `ArchiveLibrary`, `SchoolAdminLibrary` and `WorkItemsLibrary` (``process=ppt_referrals``).

    Example:
    | `Add Work Items For New Referrals` |
    | `Process Work Items` | File Referral For Work Item |
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings or load_settings()

    def _process(self) -> PptReferrals:
        work = suite_library(WorkItemsLibrary)
        return PptReferrals(
            suite_library(ArchiveLibrary).archive, suite_library(SchoolAdminLibrary).school,
            self._settings.identity, self._settings.ppt,
            claim_content=lambda content, key: work.store.claim_content(work.process, content, key))

    @keyword
    def add_work_items_for_new_referrals(self) -> int:
        """Searches the inbox for new referrals and adds a work item per referral; returns how many were new.

        Example:
        | ${new}= | `Add Work Items For New Referrals` |
        """
        ids = self._process().new_referrals()
        new = suite_library(WorkItemsLibrary).add_items((referral_id, {"referral_id": referral_id})
                                                        for referral_id in ids)
        logger.info(f"{len(ids)} new referral(s), {new} new work item(s)")
        return new

    @keyword
    def file_referral_for_work_item(self, item: WorkItem) -> dict[str, object]:
        """Files the item's referral in the child's PPT case; returns the case and document numbers.

        Example:
        | `Process Work Items` | File Referral For Work Item |
        """
        result = self._process().file(item.key)
        logger.info(f"{item.key}: case {result['case_number']}"
                    + (f", journal post {result['document_number']}" if "document_number" in result else ""))
        return result
