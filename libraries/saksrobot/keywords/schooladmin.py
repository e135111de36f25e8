"""SchoolAdminLibrary: Robot Framework keywords for the school-admin system (Public Oppvekst style)."""

from __future__ import annotations

from robot.api import logger
from robot.api.deco import keyword, library

from saksrobot.dryrun import DryRunSchoolAdmin
from saksrobot.errors import ApplicationError
from saksrobot.privacy import install_log_mask
from saksrobot.schooladmin import SchoolAdmin, open_school_admin
from saksrobot.settings import Backend, Settings, load_settings


@library(scope="SUITE", version="0.1.0", doc_format="ROBOT")
class SchoolAdminLibrary:
    """Keywords for the school-admin system: the register of pupils and kindergarten children,
    and the inbox of referrals to PPT.

    The system is reached through one of two back-ends, chosen by the setting
    ``schooladmin.backend`` (default ``ui``) or the ``backend`` argument of `Open School Admin`:
    ``ui`` drives its web pages in headless Chromium, ``api`` calls its JSON API. Both give the
    same results. Keywords return ids and case numbers only: names and fødselsnumre never reach
    the Robot Framework log.

    Example:
    | `Open School Admin` |
    | @{children}= | `Find Children Without Folder` |
    | `Record Folder` | E-1005 | 26/00012 |
    | `Close School Admin` |
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings or load_settings()
        install_log_mask(self._settings.logging.level)
        self._school: SchoolAdmin | None = None

    @property
    def school(self) -> SchoolAdmin:
        """The open connection; for the process libraries of the same run."""
        if self._school is None:
            raise ApplicationError("The school-admin system is not open: call `Open School Admin` first",
                                   code="not_open")
        return self._school

    @keyword
    def open_school_admin(self, backend: Backend | None = None) -> None:
        """Connects to the school-admin system with the configured back-end, or the one given.

        Example:
        | `Open School Admin` |             | # the backend from settings (ui) |
        | `Open School Admin` | backend=api | # the JSON API                   |
        """
        self.close_school_admin()
        school = open_school_admin(self._settings, backend)
        self._school = DryRunSchoolAdmin(school) if self._settings.dry_run else school
        logger.info(f"School-admin system opened ({backend or self._settings.schooladmin.backend}, "
                    f"{self._settings.schooladmin.base_url})")

    @keyword
    def close_school_admin(self) -> None:
        """Closes the connection (and the browser of the ``ui`` back-end). Safe to call twice.

        Example:
        | [Teardown] | `Close School Admin` |
        """
        if self._school is not None:
            self._school.close()
            self._school = None

    @keyword
    def find_children_without_folder(self) -> list[str]:
        """Returns the ids of new pupils and kindergarten children who lack an elevmappe / barnemappe.

        Example:
        | @{ids}= | `Find Children Without Folder` |
        """
        ids = self.school.children_without_folder()
        logger.info(f"{len(ids)} child(ren) without a folder: {', '.join(ids)}")
        return ids

    @keyword
    def find_new_referrals(self) -> list[str]:
        """Returns the ids of the referrals to PPT that are not yet processed, oldest first.

        Example:
        | @{ids}= | `Find New Referrals` |
        """
        ids = self.school.new_referrals()
        logger.info(f"{len(ids)} new referral(s): {', '.join(ids)}")
        return ids

    @keyword
    def record_folder(self, child_id: str, case_number: str) -> None:
        """Records the case number of a child's folder in the register (the same number again is fine).

        Example:
        | `Record Folder` | E-1005 | 26/00012 |
        """
        self.school.record_folder(child_id, case_number)
        logger.info(f"Folder {case_number} recorded for {child_id}")

    @keyword
    def mark_referral_processed(self, referral_id: str, case_number: str) -> None:
        """Marks a referral processed with the case it was filed in (the same number again is fine).

        Example:
        | `Mark Referral Processed` | H-2026-0101 | 26/00012 |
        """
        self.school.mark_processed(referral_id, case_number)
        logger.info(f"Referral {referral_id} marked processed ({case_number})")
