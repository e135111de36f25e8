"""InvoicesLibrary: keywords for the invoices process (EHF inbox -> routed, archived invoices)."""

from __future__ import annotations

from typing import Any

from robot.api import logger
from robot.api.deco import keyword, library

from saksrobot.intake import Folder
from saksrobot.invoices.routing import ReferenceRegister
from saksrobot.invoices.validation import BUILTIN_NOTE, Builtin, Validation, open_validation
from saksrobot.keywords._context import suite_library
from saksrobot.keywords.archive import ArchiveLibrary
from saksrobot.keywords.workitems import WorkItemsLibrary
from saksrobot.processes.invoices import Invoices
from saksrobot.settings import Settings, load_settings
from saksrobot.workitems import WorkItem


@library(scope="SUITE", version="0.1.0", doc_format="ROBOT")
class InvoicesLibrary:
    """Keywords that take incoming EHF invoices (Peppol BIS Billing 3.0) from the inbox folder,
    check them, route them and file them in the archive.

    Files arrive in ``<invoices.folder>/inbox/``. Each becomes a work item keyed by the supplier's
    orgnr and the invoice number (by the file's hash when it cannot be read). For each item the
    robot parses the EHF (safely: no DTDs or entities, a size limit), checks it against the Peppol
    and Norwegian rules, finds the unit and approver in the reference register
    (``invoices.references``), synchronises the supplier, finds or creates the supplier's invoice
    case for the year and files the invoice as an incoming journal post (the XML and a PDF)
    assigned to that unit. A credit note is linked to the invoice it corrects when that is known.

    The file then moves to ``processed/``; a file that cannot be filed (unreadable, a failed
    rule, an unknown reference, a second delivery of the same invoice number) moves to
    ``rejected/`` with a ``.reason.txt`` beside it and its item goes to manual handling. A failing
    KID is flagged in the item's result, never rejected.

    Needs `ArchiveLibrary` and `WorkItemsLibrary` (``process=invoices``) in the same suite.

    Example:
    | `Add Work Items For Inbox Files` |
    | `Process Work Items` | File Invoice For Work Item |
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings or load_settings()
        self._register: ReferenceRegister | None = None
        self._validation: Validation | None = None

    @keyword
    def open_invoice_validation(self) -> str:
        """Loads the invoice validation of ``invoices.validation`` and returns its name: the official
        Peppol BIS Billing release in ``invoices.validation_artefacts`` (its stylesheets compiled once
        for the run), or saksrobot's own checks where a site chose ``"builtin"`` (the run says so in
        its log and summary). A release that is not set, missing or unreadable fails here, so the
        run stops before any invoice is taken: an invoice is never valid by default.

        Example:
        | Suite Setup | `Open Invoice Validation` |
        """
        if self._validation is None:
            self._validation = open_validation(self._settings)
            if isinstance(self._validation, Builtin):
                logger.warn(f"Run note: {BUILTIN_NOTE}")
            else:
                logger.info(f"Run note: Fakturaene er validert med {self._validation.name}")
        return self._validation.name

    def _process(self, with_archive: bool = True) -> Invoices:
        if self._register is None:
            self._register = ReferenceRegister.load(self._settings.path(self._settings.invoices.references))
        work = suite_library(WorkItemsLibrary)
        if with_archive:
            self.open_invoice_validation()
        return Invoices(suite_library(ArchiveLibrary).archive if with_archive else None, work.store,
                        self._settings.invoices, self._register,
                        Folder(self._settings.path(self._settings.invoices.folder)), self._validation or Builtin())

    @keyword
    def add_work_items_for_inbox_files(self) -> int:
        """Makes a work item of every file in the inbox folder; returns how many were new.

        Example:
        | ${new}= | `Add Work Items For Inbox Files` |
        """
        new = self._process(with_archive=False).take_in()
        logger.info(f"{len(new)} new invoice file(s) in the inbox")
        return len(new)

    @keyword
    def file_invoice_for_work_item(self, item: WorkItem) -> dict[str, Any]:
        """Checks, routes and files the item's invoice; returns case and document numbers, unit and approver.

        Example:
        | `Process Work Items` | File Invoice For Work Item |
        """
        result = self._process().file(item)
        logger.info(f"{item.key}: {result['document_number']} in {result['case_number']}, "
                    f"routed to {result['unit']}" + (f"; flagged: {', '.join(result['warnings'])}"
                                                     if result["warnings"] else ""))
        return result
