"""invoices: an incoming EHF invoice (or credit note) is checked, routed to the unit and approver
in the reference register, and filed in the archive as an incoming journal post (XML + PDF) in the
supplier's invoice case for the year. What the robot cannot decide goes to manual handling, and
the file to ``rejected/`` with the reason beside it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saksrobot.archive import (
    Archive,
    ArchiveCode,
    Category,
    Enterprise,
    ExternalId,
    FileAttachment,
    NewCase,
    NewJournalPost,
    Party,
)
from saksrobot.errors import BusinessError
from saksrobot.intake import FileItems, Folder, sha256
from saksrobot.intake.take_in import check_source, move_file, read
from saksrobot.invoices import EhfDocument, InvoiceRejected, parse_ehf
from saksrobot.invoices.routing import ReferenceRegister, Route
from saksrobot.invoices.validation import Validation
from saksrobot.pdf import render_form
from saksrobot.settings import InvoiceSettings
from saksrobot.workitems import WorkItem, WorkItemStore

log = logging.getLogger(__name__)
PROCESS = "invoices"


class RuleFailed(BusinessError):
    code = "rule_failed"


def _kind(doc: EhfDocument) -> str:
    return "Kreditnota" if doc.document_type == "CreditNote" else "Faktura"


def invoice_key(doc: EhfDocument) -> str:
    """The business key: supplier orgnr + number (credit notes have their own number series)."""
    supplier = doc.seller.orgnr or doc.seller.endpoint_id or "ukjent"
    number = doc.number or ""
    if len(number) > 60 or len(supplier) > 60:  # keys are at most 200 characters in the database
        number = "sha256:" + sha256(number.encode())[:16]
        supplier = supplier[:60]
    return f"{supplier}:{'kreditnota:' if doc.document_type == 'CreditNote' else ''}{number}"


@dataclass
class Invoices:
    archive: Archive | None  # not needed to take files in
    store: WorkItemStore
    settings: InvoiceSettings
    register: ReferenceRegister
    folder: Folder
    validation: Validation  # the official release, or saksrobot's own checks where a site chose them

    @property
    def files(self) -> FileItems:
        return FileItems(self.folder, self.store, PROCESS, settle_seconds=self.settings.settle_seconds,
                         max_bytes=self.settings.max_bytes)

    # -- producer ------------------------------------------------------------------------------
    def take_in(self) -> list[str]:
        """Make a work item of every file in the inbox; return the keys of the new items.

        The key is supplier orgnr + invoice number, or the file's hash when it cannot be read (see
        :mod:`saksrobot.intake` for re-deliveries of a key and files that are not files). A file
        that cannot be taken in (unreadable from disk) is left in the inbox and logged.
        """
        return self.files.take_in(lambda _name, data: self._key(data))

    def _key(self, data: bytes) -> str | None:
        """The invoice's key, or None when the file cannot be read as EHF (its hash is the key then)."""
        try:
            return invoice_key(parse_ehf(data, max_bytes=self.settings.max_bytes))
        except InvoiceRejected:
            return None

    # -- consumer ------------------------------------------------------------------------------
    def file(self, item: WorkItem) -> dict[str, Any]:
        """Check, route and file the item's invoice; a business error says why it was not filed."""
        item = self._with_source(item)
        try:
            check_source(item, self.store)
            data = read(item, self.settings.max_bytes)
            doc, route, warnings = self._check(data)
            result = self._archive(doc, route, data)
        except BusinessError as refused:  # bad data: the file to rejected/, the item to finance staff
            move_file(item, processed=False, reason=f"{refused.code}: {refused.message}")
            raise
        move_file(item, processed=True)
        log.info("%s: %s %s filed as %s, routed to %s", item.key, _kind(doc), doc.number,
                 result["document_number"], route.unit)
        return {**result, "unit": route.unit, "approver": route.approver, "matched_by": route.matched_by,
                "warnings": warnings, "validated_with": self.validation.name}

    def _with_source(self, item: WorkItem) -> WorkItem:
        """An item taken in by release 0.1 (``{file, sha256}`` in its payload) in today's form."""
        if "source" not in item.payload and "file" in item.payload:
            item.payload = {**item.payload, "source": {"folder": str(self.folder.root), "file": item.payload["file"],
                                                       "sha256": item.payload["sha256"]}}
        return item

    def _check(self, data: bytes) -> tuple[EhfDocument, Route, list[str]]:
        doc = parse_ehf(data, max_bytes=self.settings.max_bytes)  # hostile files stop here, before any XSLT
        findings = self.validation.findings(data, doc)
        fatal = [f for f in findings if f.severity == "fatal"]
        if fatal:
            raise RuleFailed("Fakturaen bryter reglene " + "; ".join(f"{f.rule_id}: {f.message}" for f in fatal))
        route = self.register.route(doc.buyer_reference, doc.order_reference, doc.accounting_cost)
        return doc, route, [f"{f.rule_id}: {f.message}" for f in findings]

    def _archive(self, doc: EhfDocument, route: Route, xml: bytes) -> dict[str, Any]:
        assert self.archive is not None
        orgnr, name = doc.seller.orgnr, doc.seller.name or doc.seller.orgnr or "Ukjent leverandør"
        if not orgnr:
            raise BusinessError("Leverandøren mangler organisasjonsnummer", code="no_supplier")
        self.archive.synchronize_enterprise(Enterprise(enterprise_number=orgnr, name=name))
        year = doc.issue_date.year
        case = self.archive.create_case(NewCase(
            title=f"Fakturaer {year} - {name}", case_type="Faktura", sub_archive="Faktura",
            responsible_unit=self.settings.case_unit, access_code="U",
            archive_codes=(ArchiveCode(archive_type="ORGNR", code=orgnr),),
            parties=(Party(reference=orgnr, unofficial=False),),
            external_id=ExternalId.of(PROCESS, f"{orgnr}:{year}")))
        corrects = [found for ref in doc.billing_references if (found := self._corrected(orgnr, ref, year))]
        post = self.archive.create_journal_post(NewJournalPost(
            case_number=case.case_number, title=f"{_kind(doc)} {doc.number} fra {name}", category=Category.INCOMING,
            document_date=doc.issue_date, access_code="U", contacts=(Party(reference=orgnr, role="Avsender",
                                                                            unofficial=False),),
            files=self._files(doc, xml), responsible_unit=route.unit, responsible_person=route.approver,
            referring_documents=tuple(corrects), external_id=ExternalId.of(PROCESS, invoice_key(doc))))
        return {"case_number": case.case_number, "document_number": post.document_number, "created": post.created,
                "corrects": corrects, "sha256": sha256(xml)[:16]}

    def _corrected(self, orgnr: str, invoice_number: str, year: int) -> str | None:
        """The journal post of the invoice a credit note corrects, in the supplier's case of this
        year or the year before."""
        assert self.archive is not None
        wanted = ExternalId.of(PROCESS, f"{orgnr}:{invoice_number}")
        for case_year in (year, year - 1):
            case = self.archive.find_case(ExternalId.of(PROCESS, f"{orgnr}:{case_year}"))
            if case and (found := self.archive.find_journal_post(wanted, case.case_number)):
                return found
        return None

    def _files(self, doc: EhfDocument, xml: bytes) -> tuple[FileAttachment, ...]:
        """The EHF itself, its embedded PDF (or a rendering when it has none), other embedded files."""
        files = [FileAttachment(title=f"{_kind(doc)} {doc.number} (EHF)", format="xml", data=xml)]
        embedded = [FileAttachment(title=Path(a.filename or f"vedlegg-{i}").stem,
                                   format=(Path(a.filename).suffix.lstrip(".").lower() if a.filename else "")
                                   or ("pdf" if a.mime == "application/pdf" else "bin"), data=a.data)
                    for i, a in enumerate(doc.attachments, start=1)]
        if not any(f.format == "pdf" and f.data.startswith(b"%PDF") for f in embedded):
            files.append(FileAttachment(title=f"{_kind(doc)} {doc.number}", format="pdf", data=_render(doc)))
        return (*files, *embedded)


def invoice_pdf(doc: EhfDocument) -> bytes:
    """What staff read: the invoice's own PDF, or a rendering of it when it has none."""
    embedded = [a.data for a in doc.attachments if a.data.startswith(b"%PDF")]
    return embedded[0] if embedded else _render(doc)


def _render(doc: EhfDocument) -> bytes:
    t = doc.totals
    return render_form(
        f"{_kind(doc)} {doc.number}", "Gjengivelse av EHF-fakturaen (den hadde ingen PDF)",
        [("Leverandør", [("Navn", doc.seller.name), ("Organisasjonsnummer", doc.seller.orgnr)]),
         ("Kjøper", [("Navn", doc.buyer.name), ("Organisasjonsnummer", doc.buyer.orgnr)]),
         (_kind(doc), [("Fakturadato", doc.issue_date), ("Forfallsdato", doc.due_date), ("Valuta", doc.currency),
                       ("Deres ref.", doc.buyer_reference), ("Ordrereferanse", doc.order_reference),
                       ("Kontering", doc.accounting_cost), ("KID", doc.kid),
                       ("Gjelder faktura", ", ".join(doc.billing_references))]),
         ("Beløp", [("Sum eks. mva.", t.tax_exclusive), ("Mva.", t.tax_amount), ("Sum inkl. mva.", t.tax_inclusive),
                    ("Å betale", t.payable)])])
