"""Robot Framework keyword libraries: thin, documented facades over saksrobot's services.

Import them in a robot as ``Library    saksrobot.keywords.ArchiveLibrary``. Each library is
imported when first named, so a robot pays only for the libraries it uses.
"""

from __future__ import annotations

import importlib
from typing import Any

_MODULES = {
    "ArchiveLibrary": "archive",
    "CaseRequestsLibrary": "case_requests",
    "FolderIntakeLibrary": "folder_intake",
    "InvoicesLibrary": "invoices",
    "PptReferralsLibrary": "ppt_referrals",
    "RobotTestingLibrary": "robot_testing",
    "SchoolAdminLibrary": "schooladmin",
    "SchoolCasesLibrary": "school_cases",
    "WorkItemsLibrary": "workitems",
}
__all__ = sorted(_MODULES)


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)


def __dir__() -> list[str]:
    return __all__
