"""Synthetic EHF (Peppol BIS Billing 3.0) invoices and credit notes for the demo, tests and the
benchmark: valid UBL with consistent totals, built from a few facts. Not for production use."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape

from fpdf import FPDF

CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
BUYER = ("Byen kommune", "964000107")  # the municipality (synthetic, valid orgnr)
TWO = Decimal("0.01")


@dataclass
class InvoiceFacts:
    """What a supplier writes on an invoice; the rest is derived."""

    number: str
    supplier: tuple[str, str]  # (name, orgnr)
    issued: date
    lines: list[tuple[str, Decimal, Decimal]]  # (description, quantity, unit price excl. VAT)
    buyer_reference: str | None = None
    order_reference: str | None = None
    accounting_cost: str | None = None
    kid: str | None = None
    credit_note_for: str | None = None  # an invoice number: makes this a credit note
    with_pdf: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def _money(value: Decimal) -> str:
    return f"{value.quantize(TWO)}"


def _pdf(facts: InvoiceFacts, total: Decimal) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    kind = "Kreditnota" if facts.credit_note_for else "Faktura"
    pdf.cell(0, 10, f"{kind} {facts.number}".encode("latin-1", "replace").decode("latin-1"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for text in (facts.supplier[0], f"Dato: {facts.issued:%d.%m.%Y}", f"Å betale: {_money(total)} NOK"):
        pdf.cell(0, 6, text.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def ehf_xml(facts: InvoiceFacts) -> bytes:
    """The UBL document for ``facts``: 25 % VAT on every line, totals that add up (BR-CO-10..16)."""
    credit = facts.credit_note_for is not None
    root, line_tag, qty_tag = (("CreditNote", "CreditNoteLine", "CreditedQuantity") if credit
                               else ("Invoice", "InvoiceLine", "InvoicedQuantity"))
    amounts = [(q * p).quantize(TWO) for _, q, p in facts.lines]
    net = sum(amounts, Decimal(0))
    vat = (net * Decimal("0.25")).quantize(TWO)
    total = net + vat
    name, orgnr = (escape(facts.supplier[0]), facts.supplier[1])
    optional = []
    if facts.accounting_cost:
        optional.append(f"<cbc:AccountingCost>{escape(facts.accounting_cost)}</cbc:AccountingCost>")
    if facts.buyer_reference:
        optional.append(f"<cbc:BuyerReference>{escape(facts.buyer_reference)}</cbc:BuyerReference>")
    if facts.order_reference:
        optional.append(f"<cac:OrderReference><cbc:ID>{escape(facts.order_reference)}</cbc:ID></cac:OrderReference>")
    if credit:
        optional.append(f"<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>{escape(facts.credit_note_for)}"
                        "</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>")
    if facts.with_pdf:
        data = base64.b64encode(_pdf(facts, total)).decode()
        optional.append(f"<cac:AdditionalDocumentReference><cbc:ID>{escape(facts.number)}</cbc:ID>"
                        "<cbc:DocumentDescription>Fakturabilde</cbc:DocumentDescription><cac:Attachment>"
                        f'<cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="{escape(facts.number)}'
                        f'.pdf">{data}</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>'
                        "</cac:AdditionalDocumentReference>")
    payment = ("<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"
               + (f"<cbc:PaymentID>{escape(facts.kid)}</cbc:PaymentID>" if facts.kid else "")
               + "<cac:PayeeFinancialAccount><cbc:ID>12345678903</cbc:ID></cac:PayeeFinancialAccount>"
               "</cac:PaymentMeans>") if not credit else ""
    lines = "".join(
        f"<cac:{line_tag}><cbc:ID>{i}</cbc:ID>"
        f'<cbc:{qty_tag} unitCode="EA">{q}</cbc:{qty_tag}>'
        f'<cbc:LineExtensionAmount currencyID="NOK">{_money(a)}</cbc:LineExtensionAmount>'
        f"<cac:Item><cbc:Name>{escape(text)}</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID>"
        "<cbc:Percent>25</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
        "</cac:ClassifiedTaxCategory></cac:Item>"
        f'<cac:Price><cbc:PriceAmount currencyID="NOK">{_money(p)}</cbc:PriceAmount></cac:Price></cac:{line_tag}>'
        for i, ((text, q, p), a) in enumerate(zip(facts.lines, amounts, strict=True), start=1))
    type_code = ("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>" if credit
                 else f"<cbc:DueDate>{facts.issued + timedelta(days=30)}</cbc:DueDate>"
                      "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>")

    def party(tag: str, party_name: str, number: str) -> str:
        return (f'<cac:{tag}><cac:Party><cbc:EndpointID schemeID="0192">{number}</cbc:EndpointID>'
                f"<cac:PartyName><cbc:Name>{party_name}</cbc:Name></cac:PartyName>"
                "<cac:PostalAddress><cbc:CityName>Byen</cbc:CityName><cbc:PostalZone>9000</cbc:PostalZone>"
                "<cac:Country><cbc:IdentificationCode>NO</cbc:IdentificationCode></cac:Country></cac:PostalAddress>"
                f"<cac:PartyTaxScheme><cbc:CompanyID>NO{number}MVA</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT"
                "</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
                + ("<cac:PartyTaxScheme><cbc:CompanyID>Foretaksregisteret</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX"
                   "</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>" if tag == "AccountingSupplierParty" else "")
                +
                f"<cac:PartyLegalEntity><cbc:RegistrationName>{party_name}</cbc:RegistrationName>"
                f'<cbc:CompanyID schemeID="0192">{number}</cbc:CompanyID></cac:PartyLegalEntity>'
                f"</cac:Party></cac:{tag}>")

    document = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2" '
        'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        f"<cbc:CustomizationID>{CUSTOMIZATION}</cbc:CustomizationID><cbc:ProfileID>{PROFILE}</cbc:ProfileID>"
        f"<cbc:ID>{escape(facts.number)}</cbc:ID><cbc:IssueDate>{facts.issued}</cbc:IssueDate>{type_code}"
        "<cbc:DocumentCurrencyCode>NOK</cbc:DocumentCurrencyCode>" + "".join(optional)
        + party("AccountingSupplierParty", name, orgnr) + party("AccountingCustomerParty", BUYER[0], BUYER[1])
        + payment
        + f'<cac:TaxTotal><cbc:TaxAmount currencyID="NOK">{_money(vat)}</cbc:TaxAmount><cac:TaxSubtotal>'
        f'<cbc:TaxableAmount currencyID="NOK">{_money(net)}</cbc:TaxableAmount>'
        f'<cbc:TaxAmount currencyID="NOK">{_money(vat)}</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S</cbc:ID>'
        "<cbc:Percent>25</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>"
        "</cac:TaxSubtotal></cac:TaxTotal>"
        f'<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="NOK">{_money(net)}</cbc:LineExtensionAmount>'
        f'<cbc:TaxExclusiveAmount currencyID="NOK">{_money(net)}</cbc:TaxExclusiveAmount>'
        f'<cbc:TaxInclusiveAmount currencyID="NOK">{_money(total)}</cbc:TaxInclusiveAmount>'
        f'<cbc:PayableAmount currencyID="NOK">{_money(total)}</cbc:PayableAmount></cac:LegalMonetaryTotal>'
        + lines + f"</{root}>")
    return document.encode("utf-8")
