"""A mixed inbox of EHF files for the demo and the tests: ordinary invoices routed by each kind of
reference, credit notes, a bad KID, an unknown reference, duplicates, and hostile files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from saksrobot.demo.ehf import InvoiceFacts, ehf_xml

SUPPLIERS = [("Nordlys Bygg AS", "922001006"), ("Café Nord AS", "933001105"),
             ("Fjordkontor Eiendom AS", "944001204"), ("Kontorrekvisita Norge AS", "988077917"),
             ("Brønnøysundregistrene", "974760673")]
# (BuyerReference, OrderReference, AccountingCost) -> the unit the register routes to
ROUTES = [(("4010", None, None), "Teknisk drift"), (("4020", None, None), "Oppvekst og utdanning"),
          (("4030", None, None), "Helse og velferd"), (("4040", None, None), "Byarkivet"),
          ((None, "PO-2026-0100", None), "Økonomiavdelingen"), (("1111", None, "Prosjekt 7700"), "Teknisk drift"),
          (("ukjent-ref", "PO-2026-0100", None), "Økonomiavdelingen")]
VALID_KIDS = ["1234567897", "12345678903", "0001234567897"]  # MOD10, MOD11, MOD10
PERSON = "02868490058"  # a synthetic fødselsnummer a supplier wrote in a file name and a line

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>"""
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
                     for i in range(1, 10))
          + b']>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol9;</Invoice>')


@dataclass(frozen=True)
class Expected:
    """What the robot should make of a file: ``filed`` (to ``unit``) or ``manual`` with ``reason`` code."""

    outcome: str
    unit: str | None = None
    reason: str | None = None
    corrects: str | None = None  # the invoice file a credit note should be linked to


def _kid(n: int) -> str | None:
    return VALID_KIDS[n % len(VALID_KIDS)] if n % 4 else None


def write_inbox(folder: Path, *, invoices: int = 24, hostile: bool = True) -> dict[str, Expected]:
    """Write the files into ``folder`` (the inbox); return what should become of each, by file name.
    ``invoices`` (at least one per supplier, 5) ordinary invoices come first, then the special cases."""
    if invoices < len(SUPPLIERS):
        raise ValueError(f"at least {len(SUPPLIERS)} invoices, one per supplier")
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, Expected] = {}
    written = 0

    def put(name: str, data: bytes, outcome: Expected) -> None:
        nonlocal written
        (folder / name).write_bytes(data)
        os.utime(folder / name, ns=(1_700_000_000_000_000_000 + written, 1_700_000_000_000_000_000 + written))
        expected[name] = outcome
        written += 1

    first: dict[str, InvoiceFacts] = {}
    for n in range(invoices):
        supplier = SUPPLIERS[n % len(SUPPLIERS)]
        (buyer_ref, order_ref, cost), unit = ROUTES[n % len(ROUTES)]
        facts = InvoiceFacts(
            number=f"{2026_0000 + n + 1}", supplier=supplier, issued=date(2026, 1 + n % 11, 1 + n % 27),
            lines=[("Varer og tjenester", Decimal(1 + n % 5), Decimal("149.90") + n)],
            buyer_reference=buyer_ref, order_reference=order_ref, accounting_cost=cost,
            kid=_kid(n), with_pdf=n % 6 != 5)
        put(f"{n + 1:03d}-{supplier[1]}-{facts.number}.xml", ehf_xml(facts), Expected("filed", unit=unit))
        first.setdefault(supplier[1], facts)
    # a bad KID is flagged, not rejected
    bad_kid = InvoiceFacts(number="KID-1", supplier=SUPPLIERS[0], issued=date(2026, 3, 3),
                           lines=[("Reparasjon", Decimal(1), Decimal("990"))], buyer_reference="4010",
                           kid="1234567890")
    put("101-bad-kid.xml", ehf_xml(bad_kid), Expected("filed", unit="Teknisk drift"))
    # credit notes: one for an invoice above (linked), one for an invoice the archive does not know
    target = first[SUPPLIERS[1][1]]
    credit = InvoiceFacts(number="KN-1", supplier=SUPPLIERS[1], issued=date(2026, 11, 2),
                          lines=[("Kreditering", Decimal(1), Decimal("100"))], buyer_reference="4020",
                          credit_note_for=target.number)
    put("102-credit-note.xml", ehf_xml(credit), Expected("filed", unit="Oppvekst og utdanning",
                                                        corrects=f"{SUPPLIERS[1][1]}:{target.number}"))
    orphan = InvoiceFacts(number="KN-2", supplier=SUPPLIERS[2], issued=date(2026, 11, 2),
                          lines=[("Kreditering", Decimal(2), Decimal("50"))], buyer_reference="4030",
                          credit_note_for="1999-0001")
    put("103-credit-note-unknown-invoice.xml", ehf_xml(orphan), Expected("filed", unit="Helse og velferd"))
    # cannot be routed
    unknown = InvoiceFacts(number="UR-1", supplier=SUPPLIERS[3], issued=date(2026, 4, 4),
                           lines=[("Kontorstoler", Decimal(4), Decimal("2490"))], buyer_reference="9999")
    put("104-unknown-reference.xml", ehf_xml(unknown), Expected("manual", reason="unknown_reference"))
    # the same invoice number again with another amount, and the very same file under another name
    again = InvoiceFacts(**{**first[SUPPLIERS[0][1]].__dict__, "lines": [("Endret", Decimal(1), Decimal("10"))]})
    put("105-same-number-again.xml", ehf_xml(again), Expected("manual", reason="duplicate"))
    put("106-redelivered.xml", (folder / "001-922001006-20260001.xml").read_bytes(),
        Expected("manual", reason="duplicate"))
    # a failing rule: no BuyerReference and no OrderReference (PEPPOL-EN16931-R003)
    unreferenced = InvoiceFacts(number="R3-1", supplier=SUPPLIERS[4], issued=date(2026, 5, 5),
                                lines=[("Gebyr", Decimal(1), Decimal("250"))])
    put("107-no-reference.xml", ehf_xml(unreferenced), Expected("manual", reason="rule_failed"))
    # personal data where it does not belong: filed, and the number never in what the robot writes
    personal = InvoiceFacts(number="PD-1", supplier=SUPPLIERS[2], issued=date(2026, 6, 6),
                            lines=[(f"Tolketjeneste for {PERSON}", Decimal(2), Decimal("650"))], buyer_reference="4030")
    put(f"112-tolk-{PERSON}.xml", ehf_xml(personal), Expected("filed", unit="Helse og velferd"))
    if hostile:
        put("108-xxe.xml", XXE, Expected("manual", reason="forbidden_xml"))
        put("109-billion-laughs.xml", LAUGHS, Expected("manual", reason="forbidden_xml"))
        whole = ehf_xml(bad_kid)
        put("110-truncated.xml", whole[: len(whole) // 2], Expected("manual", reason="truncated"))
        scan = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
        put("111-scan.xml", scan, Expected("manual", reason="not_xml"))
    return expected
