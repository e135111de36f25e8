"""Robot Framework keyword libraries: thin, documented facades over saksrobot's services.

Import them in a robot as ``Library    saksrobot.keywords.ArchiveLibrary``.
"""

from saksrobot.keywords.archive import ArchiveLibrary
from saksrobot.keywords.case_requests import CaseRequestsLibrary
from saksrobot.keywords.invoices import InvoicesLibrary
from saksrobot.keywords.ppt_referrals import PptReferralsLibrary
from saksrobot.keywords.school_cases import SchoolCasesLibrary
from saksrobot.keywords.schooladmin import SchoolAdminLibrary
from saksrobot.keywords.workitems import WorkItemsLibrary

__all__ = [
    "ArchiveLibrary",
    "CaseRequestsLibrary",
    "InvoicesLibrary",
    "PptReferralsLibrary",
    "SchoolAdminLibrary",
    "SchoolCasesLibrary",
    "WorkItemsLibrary",
]
