"""What the parser reads out of real EHF documents: numbers, parties, totals, KID, references and
embedded attachments."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from saksrobot.demo.corpus import ehf_corpus
from saksrobot.invoices import EhfDocument, check, is_valid, parse_ehf

CORPUS = ehf_corpus() or Path("../shared/data/ehf")  # see saksrobot.demo.corpus


def load(relative: str) -> bytes:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"EHF-korpuset mangler: fant ikke {path}")
    return path.read_bytes()


@pytest.fixture(scope="module", params=["Norwegian-example-1.xml", "ehf-3-faktura-1.xml"])
def norwegian(request) -> EhfDocument:
    return parse_ehf(load(f"valid/ubl/norway/{request.param}"))


def test_document_fields(norwegian):
    doc = norwegian
    assert doc.document_type == "Invoice"
    assert doc.customization_id == "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    assert doc.profile_id == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert (doc.number, doc.issue_date, doc.due_date, doc.type_code, doc.currency) == (
        "TOSL108", date(2013, 6, 30), date(2013, 7, 20), "380", "NOK")
    assert (doc.buyer_reference, doc.order_reference, doc.accounting_cost) == (
        "3150bdn", "123", "Project cost code 123")
    assert doc.billing_references == ()
    assert doc.supplier_key == "123456785:TOSL108"


def test_parties(norwegian):
    seller, buyer = norwegian.seller, norwegian.buyer
    assert (seller.name, seller.trading_name, seller.orgnr) == (
        "The Sellercompany ASA", "Salescompany ltd.", "123456785")
    assert (seller.endpoint_id, seller.endpoint_scheme, seller.vat_id) == ("123456785", "0192", "NO123456785MVA")
    assert (seller.tax_registration, seller.country) == ("Foretaksregisteret", "NO")
    assert (buyer.name, buyer.orgnr, buyer.vat_id, buyer.country) == ("Buyercompany ASA", "987654325",
                                                                      "NO987654325MVA", "NO")


def test_totals_and_lines(norwegian):
    t = norwegian.totals
    assert (t.line_extension, t.tax_exclusive, t.tax_inclusive, t.tax_amount) == (
        Decimal("1436.5"), Decimal("1436.5"), Decimal("1801.78"), Decimal("365.28"))
    assert (t.allowance_total, t.charge_total, t.prepaid, t.rounding, t.payable) == (
        Decimal("100"), Decimal("100"), Decimal("1000"), Decimal("0.22"), Decimal("802.00"))
    assert norwegian.line_amounts == (Decimal("1273"), Decimal("-3.96"), Decimal("4.96"), Decimal("-25"),
                                      Decimal("187.5"))
    assert sum(norwegian.line_amounts) == t.line_extension


def test_kid_and_payment(norwegian):
    assert norwegian.kid == "0003434323213231"
    assert [m.code for m in norwegian.payment_means] == ["31"]
    assert norwegian.payment_means[0].account in ("NO9386011117947", "86011117947")


def test_the_embedded_attachment_is_decoded(norwegian):
    (attachment,) = norwegian.attachments  # Doc1 is an external URI, not embedded
    assert (attachment.id, attachment.description) == ("Doc2", "EHF specification")
    assert (attachment.filename, attachment.mime) == ("Hours-spent.csv", "application/pdf")
    assert attachment.data == b"Test base 64 encoding"
    assert repr(attachment) == "Attachment('application/pdf', 21 bytes)"  # its name may hold personal data


def test_the_norwegian_examples_are_valid_with_only_the_kid_warning(norwegian):
    findings = check(norwegian)
    assert is_valid(findings)
    # the example's KID 0003434323213231 fails MOD10 and MOD11 (MANIFEST): flagged, never rejected
    assert [(f.rule_id, f.severity) for f in findings] == [("SAKSROBOT-KID", "warning")]


def test_the_large_italian_invoice_carries_its_pdf_with_the_right_bytes():
    raw = load("valid/ubl/cen/FT_G2G_TD01_con_Allegato_Bonifico_e_Split_Payment.xml")
    assert len(raw) > 3_000_000
    doc = parse_ehf(raw)
    (pdf,) = doc.attachments
    assert (pdf.filename, pdf.mime) == ("mappatura_ubl_sdi.pdf", "application/pdf")
    assert pdf.data.startswith(b"%PDF-1.4") and pdf.data.rstrip().endswith(b"%%EOF")
    encoded = re.search(rb'filename="mappatura_ubl_sdi.pdf">([^<]+)<', raw)[1]
    assert hashlib.sha256(pdf.data).digest() == hashlib.sha256(base64.b64decode(encoded)).digest()
    assert "bytes" in repr(doc) and "JVBER" not in repr(doc) and len(repr(doc)) < 20_000
    assert (doc.number, doc.currency, doc.totals.payable) == ("1316/85", "EUR", Decimal("1246.00"))
    assert doc.seller.orgnr is None and doc.supplier_key == "UF6WX8:1316/85"


def test_a_credit_note_names_the_invoice_it_corrects():
    doc = parse_ehf(load("valid/ubl/openpeppol/base-creditnote-correction.xml"))
    assert (doc.document_type, doc.number, doc.type_code) == ("CreditNote", "Snippet1", "381")
    assert doc.billing_references == ("Snippet1",)
    assert (doc.totals.tax_exclusive, doc.totals.tax_amount, doc.totals.payable) == (
        Decimal("1325"), Decimal("331.25"), Decimal("1656.25"))
    assert not [f for f in check(doc) if f.severity == "fatal"]


def test_orgnr_falls_back_to_the_legal_entity_and_then_the_vat_number():
    def seller(party: str) -> str:
        return f"""<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
            xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
            xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
            <cbc:ID>F-1</cbc:ID><cac:AccountingSupplierParty><cac:Party>{party}</cac:Party></cac:AccountingSupplierParty>
            </Invoice>""".encode()

    endpoint_gln = '<cbc:EndpointID schemeID="0088">7080000000001</cbc:EndpointID>'
    legal = '<cac:PartyLegalEntity><cbc:CompanyID schemeID="0192">974760673</cbc:CompanyID></cac:PartyLegalEntity>'
    vat = ('<cac:PartyTaxScheme><cbc:CompanyID>NO974760673MVA</cbc:CompanyID>'
           '<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>')
    assert parse_ehf(seller(endpoint_gln + legal)).seller.orgnr == "974760673"
    assert parse_ehf(seller(endpoint_gln + vat)).seller.orgnr == "974760673"
    assert parse_ehf(seller(endpoint_gln)).seller.orgnr is None
    assert parse_ehf(seller(endpoint_gln)).supplier_key == "7080000000001:F-1"
