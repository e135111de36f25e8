"""One module per business process: the steps for one work item, on plain clients (no Robot
Framework). The keyword libraries in ``saksrobot.keywords`` are thin facades over these."""

from saksrobot.processes.ppt_referrals import PptReferrals
from saksrobot.processes.school_cases import SchoolCases

__all__ = ["PptReferrals", "SchoolCases"]
