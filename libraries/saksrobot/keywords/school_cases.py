"""SchoolCasesLibrary: keywords for the school_cases process (new pupils/children -> folders)."""

from __future__ import annotations

from robot.api import logger
from robot.api.deco import keyword, library

from saksrobot.keywords._context import suite_library
from saksrobot.keywords.archive import ArchiveLibrary
from saksrobot.keywords.schooladmin import SchoolAdminLibrary
from saksrobot.keywords.workitems import WorkItemsLibrary
from saksrobot.processes.school_cases import SchoolCases
from saksrobot.settings import Settings, load_settings
from saksrobot.workitems import WorkItem


@library(scope="SUITE", version="0.1.0", doc_format="ROBOT")
class SchoolCasesLibrary:
    """Keywords that give every new pupil an elevmappe and every new kindergarten child a
    barnemappe in the archive, once.

    Each child without a folder becomes a work item keyed by its id in the school-admin system.
    For each item the robot looks for the child's folder in the archive (by fødselsnummer and
    case type) and creates it only when there is none: class FNR + B31, access code 13 with the
    § 13 paragraph, the school's access group, the child as a screened party. The case number is
    then recorded in the school-admin system. A child with an invalid fødselsnummer, or with
    several folders, goes to archive staff with the reason.

    Needs `ArchiveLibrary`, `SchoolAdminLibrary` and `WorkItemsLibrary` (``process=school_cases``).

    Example:
    | `Add Work Items For Children Without Folder` |
    | `Process Work Items` | Create Folder For Work Item |
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings or load_settings()

    def _process(self) -> SchoolCases:
        return SchoolCases(suite_library(ArchiveLibrary).archive, suite_library(SchoolAdminLibrary).school,
                           self._settings.identity)

    @keyword
    def add_work_items_for_children_without_folder(self) -> int:
        """Adds a work item per child lacking a folder; returns how many were new.

        Example:
        | ${new}= | `Add Work Items For Children Without Folder` |
        """
        ids = self._process().new_children()
        new = suite_library(WorkItemsLibrary).add_items((child_id, {"child_id": child_id}) for child_id in ids)
        logger.info(f"{len(ids)} child(ren) without a folder, {new} new work item(s)")
        return new

    @keyword
    def create_folder_for_work_item(self, item: WorkItem) -> dict[str, object]:
        """Finds or creates the child's folder and records it; returns the case number.

        Example:
        | `Process Work Items` | Create Folder For Work Item |
        """
        result = self._process().make_folder(item.key)
        logger.info(f"{item.key}: folder {result['case_number']} "
                    f"{'created' if result['created'] else 'found in the archive'}")
        return result
