"""invoices: an incoming EHF invoice (or credit note) is checked, routed to the unit and approver
in the reference register, and filed in the archive as an incoming journal post (XML + PDF) in the
supplier's invoice case for the year. What the robot cannot decide goes to manual handling, and
the file to ``rejected/`` with the reason beside it."""

from __future__ import annotations

import logging
from collections.abc import Callable
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
from saksrobot.errors import ApplicationError, BusinessError, Duplicate
from saksrobot.invoices import EhfDocument, InvoiceRejected, check, parse_ehf
from saksrobot.invoices.inbox import Inbox, file_sha256, sha256
from saksrobot.invoices.routing import ReferenceRegister, Route
from saksrobot.pdf import render_form
from saksrobot.settings import InvoiceSettings
from saksrobot.workitems import State, WorkItem, WorkItemStore

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
    inbox: Inbox

    # -- producer ------------------------------------------------------------------------------
    def take_in(self) -> list[str]:
        """Make a work item of every file in the inbox; return the keys of the new items.

        The key is supplier orgnr + invoice number, or the file's hash when it cannot be read. A
        file whose key an earlier delivery took becomes its own item ``<key>#<hash>`` carrying
        ``same_key_as``: when it is handled, it is a duplicate if that earlier item was filed, and
        is filed itself if not (a corrected invoice sent after a rejected one). A file that cannot
        be taken in (unreadable from disk) is left in the inbox and logged; the others go on.
        """
        self.inbox.create()
        new = []
        for file in self.inbox.waiting(self.settings.settle_seconds):
            try:
                if key := self._take_in(file):
                    new.append(key)
            except OSError as exc:
                log.warning("Could not take in %s (%s); it stays in the inbox", file.name, type(exc).__name__)
        return new

    def _take_in(self, file: Path) -> str | None:
        if file.stat().st_size > self.settings.max_bytes:  # hashed in chunks, never read whole
            digest, key = file_sha256(file), None
        else:
            data = file.read_bytes()
            digest, key = sha256(data), self._key(data)
        key = key or f"sha256:{digest[:16]}"
        payload: dict[str, Any] = {"file": file.name, "sha256": digest}
        # the key, else (taken by another delivery) <key>#<hash>, <key>#<hash>-2, ...
        for n in range(1, 1000):
            candidate = key if n == 1 else f"{key}#{digest[:10]}" + (f"-{n - 1}" if n > 2 else "")
            existing = self.store.by_keys(PROCESS, [candidate]).get(candidate)
            if existing is None:
                self.store.add(PROCESS, candidate, payload | ({"same_key_as": key} if n > 1 else {}))
                return candidate
            same_file = existing.payload.get("sha256") == digest and existing.payload.get("file") == file.name
            if same_file and existing.state in (State.PENDING, State.IN_PROGRESS, State.FAILED):
                return None  # this very file is waiting for (or with) a consumer, or an operator's retry
        raise AssertionError("unreachable: a thousand deliveries of one invoice")

    def _key(self, data: bytes) -> str | None:
        """The invoice's key, or None when the file cannot be read as EHF (its hash is the key then)."""
        try:
            return invoice_key(parse_ehf(data, max_bytes=self.settings.max_bytes))
        except InvoiceRejected:
            return None

    # -- consumer ------------------------------------------------------------------------------
    def file(self, item: WorkItem) -> dict[str, Any]:
        """Check, route and file the item's invoice; a business error says why it was not filed."""
        file = self.inbox.find(item.payload["file"], item.payload["sha256"])
        if file is None:
            raise BusinessError(f"Filen «{item.payload['file']}» finnes ikke lenger i innboksen", code="file_missing")
        try:
            self._refuse_duplicate(item)
            data = self._read(file)
            doc, route, warnings = self._check(data)
            result = self._archive(doc, route, data)
        except BusinessError as refused:  # bad data: the file to rejected/, the item to finance staff
            self._move(self.inbox.move_rejected, file, f"{refused.code}: {refused.message}")
            raise
        self._move(self.inbox.move_processed, file)
        log.info("%s: %s %s filed as %s, routed to %s", item.key, _kind(doc), doc.number,
                 result["document_number"], route.unit)
        return {**result, "unit": route.unit, "approver": route.approver, "matched_by": route.matched_by,
                "warnings": warnings}

    @staticmethod
    def _move(move: Callable[..., Path], file: Path, *reason: str) -> None:
        """A folder that cannot be written is the system's trouble: retried, never a business outcome."""
        try:
            move(file, *reason)
        except OSError as exc:
            raise ApplicationError(f"Kunne ikke flytte filen {file.name} ({type(exc).__name__})",
                                   code="folder_error") from exc

    def _refuse_duplicate(self, item: WorkItem) -> None:
        original = item.payload.get("same_key_as") or item.payload.get("duplicate_of")
        if original and (first := self.store.by_keys(PROCESS, [original]).get(original)) and first.state == State.DONE:
            raise Duplicate(f"Samme faktura ({original}) er allerede arkivert som "
                            f"{first.result.get('document_number')}; denne filen er ikke arkivert")

    def _read(self, file: Path) -> bytes:
        if (size := file.stat().st_size) > self.settings.max_bytes:
            raise InvoiceRejected(f"Filen er for stor ({size // 1_000_000} MB; grensen er "
                                  f"{self.settings.max_bytes // 1_000_000} MB)", code="too_large")
        return file.read_bytes()

    def _check(self, data: bytes) -> tuple[EhfDocument, Route, list[str]]:
        doc = parse_ehf(data, max_bytes=self.settings.max_bytes)
        findings = check(doc)
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
