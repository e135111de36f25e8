"""Bytes in, :class:`EhfDocument` out: safe parsing of an EHF file (Peppol BIS Billing 3.0, UBL 2.1).

The size is checked before anything is parsed; PDFs and other binary files are refused by their
first bytes; the XML is parsed by ``defusedxml`` with DTDs, entity declarations and external
references forbidden, so XXE and "billion laughs" are refused, never expanded. A Peppol envelope
(SBDH) is stripped. Whatever cannot be read becomes :class:`InvoiceRejected` with a stable ``code``
and a Norwegian reason that never quotes the file's contents.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from xml.etree import ElementTree
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import errors as expat_errors

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException
from pydantic import ValidationError

from saksrobot.domain.identity import is_valid_orgnr
from saksrobot.errors import BusinessError
from saksrobot.invoices.model import (
    AllowanceCharge,
    Attachment,
    EhfDocument,
    Identifier,
    Line,
    Party,
    PaymentMeans,
    TaxTotal,
    Totals,
)

MAX_BYTES = 20_000_000
_NS = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
       "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}
_ROOTS = {"{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "Invoice",
          "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": "CreditNote"}
_SBDH = "{http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader}StandardBusinessDocument"
_CII = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
_TRUNCATED = {expat_errors.codes[e] for e in (expat_errors.XML_ERROR_NO_ELEMENTS, expat_errors.XML_ERROR_UNCLOSED_TOKEN,
                                              expat_errors.XML_ERROR_PARTIAL_CHAR)}
_WS = re.compile(r"[ \t\r\n]+")  # XML whitespace, as XPath normalize-space() sees it
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?")
_NO_VAT = re.compile(r"NO(\d{9})MVA")


class InvoiceRejected(BusinessError):
    """The file is not an EHF document the robot can read. ``code`` says why: ``too_large``,
    ``not_xml``, ``truncated``, ``forbidden_xml``, ``unknown_document`` or ``unreadable``."""

    code = "unreadable"


def parse_ehf(data: bytes, *, max_bytes: int = MAX_BYTES) -> EhfDocument:
    """Parse an EHF invoice or credit note, or raise :class:`InvoiceRejected`. No rules are checked
    here (see :func:`saksrobot.invoices.check`): missing fields are ``None``."""
    if len(data) > max_bytes:
        raise InvoiceRejected(f"Filen er for stor ({_mb(len(data))}; grensen er {_mb(max_bytes)}). "
                              "Den er ikke lest.", code="too_large")
    _refuse_non_xml(data)
    root = _document_element(_parse_xml(data))
    _refuse_long_fields(root)
    try:
        return _Reader(root).document()
    except (ValidationError, ValueError, ArithmeticError) as error:
        raise InvoiceRejected(f"Fakturaen kan ikke leses ({type(error).__name__}).", code="unreadable") from None


F001_DATES = ("IssueDate", "DueDate", "TaxPointDate", "StartDate", "EndDate", "ActualDeliveryDate")
"""The dates that MUST be YYYY-MM-DD (PEPPOL-EN16931-F001), wherever they are."""


def _strict_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def ubl_text(data: bytes) -> str:
    """The Invoice or CreditNote element of a document :func:`parse_ehf` accepted, as text (a Peppol
    envelope stripped), read by the same safe parser: what the official validation is given."""
    _refuse_non_xml(data)
    return ElementTree.tostring(_document_element(_parse_xml(data)), encoding="unicode")


FIELD_LIMIT = 10_000  # characters in one element or attribute; embedded files (base64) excepted
EMBEDDED = "EmbeddedDocumentBinaryObject"


def _refuse_long_fields(root: Element) -> None:
    """No field of an invoice is that long but an embedded file: a longer one is refused, not stored."""
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        values = [(name, element.text or "")] if name != EMBEDDED else []
        values += [(f"{name}/@{key.rsplit('}', 1)[-1]}", value) for key, value in element.attrib.items()]
        for field, value in values:
            if len(value) > FIELD_LIMIT:
                raise InvoiceRejected(f"Feltet {field} er for langt ({len(value):,} tegn; høyst {FIELD_LIMIT:,}). "
                                      "Fakturaen er ikke arkivert.".replace(",", " "), code="field_too_long")


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def _refuse_non_xml(data: bytes) -> None:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise InvoiceRejected("Filen er tom.", code="not_xml")
    if head.startswith(b"%PDF") or (b"%PDF-" in head and not head.startswith(b"<")):
        raise InvoiceRejected("Filen er en PDF, ikke en EHF-fil (XML). Be leverandøren sende fakturaen som EHF.",
                              code="not_xml")
    if head.startswith(b"PK\x03\x04"):
        raise InvoiceRejected("Filen er et ZIP-arkiv, ikke en EHF-fil (XML).", code="not_xml")
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"))
    if b"\x00" in head and not utf16:
        raise InvoiceRejected("Filen er en binærfil, ikke en EHF-fil (XML).", code="not_xml")


def _parse_xml(data: bytes) -> Element:
    try:
        return safe_xml.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise InvoiceRejected("Filen inneholder en DTD eller entitetsdeklarasjoner, som ikke er tillatt i EHF "
                              "(mulig XML-angrep). Filen er ikke lest.", code="forbidden_xml") from None
    except ParseError as error:
        line = error.position[0]
        if error.code in _TRUNCATED and re.search(rb"<[A-Za-z_]", data):
            raise InvoiceRejected(f"Filen er avkortet: XML-en slutter før dokumentet er ferdig (linje {line}). "
                                  "Be om å få filen sendt på nytt.", code="truncated") from None
        raise InvoiceRejected(f"Filen er ikke gyldig XML (feil i linje {line}).", code="not_xml") from None


def _document_element(root: Element) -> Element:
    if root.tag == _SBDH:  # Peppol envelope: the business document follows the header
        root = next((child for child in root if child.tag in _ROOTS or child.tag == _CII), root)
        if root.tag == _SBDH:
            raise InvoiceRejected("Peppol-konvolutten (SBDH) inneholder ingen EHF-faktura eller -kreditnota.",
                                  code="unknown_document")
    if root.tag == _CII:
        raise InvoiceRejected("Fakturaen er i CII-format (CrossIndustryInvoice). CII-format støttes ikke ennå; "
                              "be leverandøren sende EHF (UBL).", code="unknown_document")
    if root.tag not in _ROOTS:
        name = root.tag.rpartition("}")[2]
        shown = f" («{name}»)" if re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,40}", name) else ""
        raise InvoiceRejected(f"Dokumentet{shown} er ikke en EHF-faktura eller -kreditnota (UBL Invoice/CreditNote).",
                              code="unknown_document")
    return root


@lru_cache(maxsize=256)
def _x(path: str) -> str:
    """``cac:A/cbc:B`` in Clark notation for ElementTree."""
    steps = (step.partition(":") for step in path.split("/"))
    return "/".join(f"{{{_NS[prefix]}}}{local}" for prefix, _, local in steps)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _norm(element: Element) -> str:
    return _WS.sub(" ", "".join(element.itertext())).strip(" ")


class _Reader:
    """Reads one UBL document element; remembers which values it could not read."""

    def __init__(self, root: Element) -> None:
        self.root = root
        self.document_type = _ROOTS[root.tag]
        self.invalid: list[str] = []

    def text(self, parent: Element | None, path: str) -> str | None:
        element = None if parent is None else parent.find(_x(path))
        return None if element is None else _norm(element)

    def amount(self, parent: Element | None, path: str) -> Decimal | None:
        element = None if parent is None else parent.find(_x(path))
        if element is None:
            return None
        text = "".join(element.itertext()).strip(" \t\r\n")
        if _DECIMAL.fullmatch(text):
            return Decimal(text)
        self.invalid.append(_local(element.tag))
        return None

    def date(self, parent: Element | None, path: str) -> date | None:
        text = self.text(parent, path)
        if text is None:
            return None
        if match := _DATE.fullmatch(text):
            try:
                read = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                pass
            else:
                return read
        if path.rpartition(":")[2] not in F001_DATES:  # those are all checked in document()
            self.invalid.append(path.rpartition(":")[2])
        return None

    def document(self) -> EhfDocument:
        root, text = self.root, self.text
        currency = text(root, "cbc:DocumentCurrencyCode")
        tax_totals = tuple(self.tax_total(t) for t in root.findall(_x("cac:TaxTotal")))
        means = tuple(self.payment_means(m) for m in root.findall(_x("cac:PaymentMeans")))
        identifiers, empty = self.walk()
        document = dict(
            document_type=self.document_type,
            customization_id=text(root, "cbc:CustomizationID"), profile_id=text(root, "cbc:ProfileID"),
            number=text(root, "cbc:ID"), issue_date=self.date(root, "cbc:IssueDate"),
            due_date=self.date(root, "cbc:DueDate") or self.date(root, "cac:PaymentMeans/cbc:PaymentDueDate"),
            type_code=text(root, "cbc:InvoiceTypeCode") or text(root, "cbc:CreditNoteTypeCode"),
            currency=currency, tax_currency=text(root, "cbc:TaxCurrencyCode"),
            buyer_reference=text(root, "cbc:BuyerReference"), order_reference=text(root, "cac:OrderReference/cbc:ID"),
            accounting_cost=text(root, "cbc:AccountingCost"),
            seller=self.party("cac:AccountingSupplierParty/cac:Party"),
            buyer=self.party("cac:AccountingCustomerParty/cac:Party"),
            tax_representative_vat_id=self.vat_id(root.find(_x("cac:TaxRepresentativeParty")))[0],
            totals=self.totals(tax_totals, currency), tax_totals=tax_totals,
            allowance_charges=tuple(self.allowance_charge(a) for a in root.findall(_x("cac:AllowanceCharge"))),
            lines=tuple(self.line(e) for e in root if e.tag in (_x("cac:InvoiceLine"), _x("cac:CreditNoteLine"))),
            payment_means=means, kid=next((m.payment_id for m in means if m.payment_id), None),
            billing_references=tuple(ref for b in root.findall(_x("cac:BillingReference"))
                                     if (ref := text(b, "cac:InvoiceDocumentReference/cbc:ID"))),
            attachments=self.attachments(), identifiers=identifiers, empty_elements=empty)
        self.invalid += [name for element in self.root.iter() if (name := _local(element.tag)) in F001_DATES
                         and not _strict_date(element.text or "")]
        return EhfDocument(**document, invalid_values=tuple(self.invalid))

    def vat_id(self, party: Element | None) -> tuple[str | None, str | None]:
        """(VAT identifier, TAX registration) from the party's PartyTaxScheme elements."""
        found: dict[str, str | None] = {}
        for scheme in [] if party is None else party.findall(_x("cac:PartyTaxScheme")):
            found.setdefault(self.text(scheme, "cac:TaxScheme/cbc:ID") or "", self.text(scheme, "cbc:CompanyID"))
        return found.get("VAT"), found.get("TAX")

    def party(self, path: str) -> Party:
        party = self.root.find(_x(path))
        if party is None:
            return Party()
        text = self.text
        endpoint = party.find(_x("cbc:EndpointID"))
        legal = party.find(_x("cac:PartyLegalEntity/cbc:CompanyID"))
        vat, tax = self.vat_id(party)
        orgnr_candidates = [e for e in (endpoint, legal, *party.findall(_x("cac:PartyIdentification/cbc:ID")))
                            if e is not None and e.get("schemeID") == "0192"]
        orgnr = _norm(orgnr_candidates[0]) if orgnr_candidates else None
        if orgnr is None and vat and (match := _NO_VAT.fullmatch(vat)) and is_valid_orgnr(match[1]):
            orgnr = match[1]
        postal = party.find(_x("cac:PostalAddress"))
        registration_name = text(party, "cac:PartyLegalEntity/cbc:RegistrationName")
        trading_name = text(party, "cac:PartyName/cbc:Name")
        return Party(
            present=True, name=registration_name or trading_name, registration_name=registration_name,
            trading_name=trading_name, orgnr=orgnr, endpoint_id=None if endpoint is None else _norm(endpoint),
            endpoint_scheme=None if endpoint is None else endpoint.get("schemeID"), vat_id=vat, tax_registration=tax,
            legal_id=None if legal is None else _norm(legal),
            legal_id_scheme=None if legal is None else legal.get("schemeID"),
            country=text(postal, "cac:Country/cbc:IdentificationCode"), has_postal_address=postal is not None)

    def totals(self, tax_totals: tuple[TaxTotal, ...], currency: str | None) -> Totals:
        lmt = self.root.find(_x("cac:LegalMonetaryTotal"))
        tax = next((t.amount for t in tax_totals if currency is None or t.currency == currency), None)
        if lmt is None:
            return Totals(tax_amount=tax)
        a = self.amount
        return Totals(
            present=True, line_extension=a(lmt, "cbc:LineExtensionAmount"),
            tax_exclusive=a(lmt, "cbc:TaxExclusiveAmount"),
            tax_inclusive=a(lmt, "cbc:TaxInclusiveAmount"), allowance_total=a(lmt, "cbc:AllowanceTotalAmount"),
            charge_total=a(lmt, "cbc:ChargeTotalAmount"), prepaid=a(lmt, "cbc:PrepaidAmount"),
            rounding=a(lmt, "cbc:PayableRoundingAmount"), payable=a(lmt, "cbc:PayableAmount"), tax_amount=tax)

    def tax_total(self, element: Element) -> TaxTotal:
        amount = element.find(_x("cbc:TaxAmount"))
        subtotals = element.findall(_x("cac:TaxSubtotal"))
        return TaxTotal(amount=self.amount(element, "cbc:TaxAmount"),
                        currency=None if amount is None else (amount.get("currencyID") or "").strip() or None,
                        has_subtotals=bool(subtotals), subtotal_amounts=tuple(self.amount(s, "cbc:TaxAmount")
                                                                              for s in subtotals))

    def allowance_charge(self, element: Element) -> AllowanceCharge:
        return AllowanceCharge(indicator=self.text(element, "cbc:ChargeIndicator"),
                               amount=self.amount(element, "cbc:Amount"))

    def line(self, element: Element) -> Line:
        quantity = "cbc:InvoicedQuantity" if self.document_type == "Invoice" else "cbc:CreditedQuantity"
        return Line(id=self.text(element, "cbc:ID"), amount=self.amount(element, "cbc:LineExtensionAmount"),
                    quantity=self.amount(element, quantity), price=self.amount(element, "cac:Price/cbc:PriceAmount"),
                    base_quantity=self.amount(element, "cac:Price/cbc:BaseQuantity"),
                    allowance_charges=tuple(map(self.allowance_charge, element.findall(_x("cac:AllowanceCharge")))))

    def payment_means(self, element: Element) -> PaymentMeans:
        account = element.find(_x("cac:PayeeFinancialAccount/cbc:ID"))
        return PaymentMeans(code=self.text(element, "cbc:PaymentMeansCode"),
                            payment_id=self.text(element, "cbc:PaymentID"),
                            account=None if account is None else _norm(account), has_account=account is not None)

    def attachments(self) -> tuple[Attachment, ...]:
        found = []
        for reference in self.root.findall(_x("cac:AdditionalDocumentReference")):
            embedded = reference.find(_x("cac:Attachment/cbc:EmbeddedDocumentBinaryObject"))
            if embedded is None:
                continue
            try:
                encoded = "".join(embedded.itertext()).encode("ascii").translate(None, b" \t\r\n")
                data = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                self.invalid.append("EmbeddedDocumentBinaryObject")
                continue
            found.append(Attachment(id=self.text(reference, "cbc:ID"),
                                    description=self.text(reference, "cbc:DocumentDescription"),
                                    filename=embedded.get("filename"), mime=embedded.get("mimeCode"), data=data))
        return tuple(found)

    def walk(self) -> tuple[tuple[Identifier, ...], tuple[str, ...]]:
        """Scheme identifiers (EndpointID, PartyIdentification/ID, CompanyID with a schemeID) and the
        names of elements without content, in one pass over the tree."""
        identifiers, empty = [], []
        schemed = {_x("cbc:EndpointID"), _x("cbc:CompanyID")}
        party_identification, plain_id = _x("cac:PartyIdentification"), _x("cbc:ID")
        for element in self.root.iter():
            if len(element) == 0 and not (element.text or "").strip(" \t\r\n"):
                empty.append(_local(element.tag))
            if element.tag in schemed and (scheme := element.get("schemeID")) is not None:
                identifiers.append(Identifier(element=_local(element.tag), scheme=scheme, value=_norm(element)))
            elif element.tag == party_identification:
                identifiers.extend(Identifier(element="PartyIdentification", scheme=child.get("schemeID"),
                                              value=_norm(child))
                                   for child in element.findall(plain_id) if child.get("schemeID") is not None)
        return tuple(identifiers), tuple(empty)
