"""Hostile and broken input: every file is refused with a stable code and a Norwegian reason that does
not quote the file, before anything dangerous (entity expansion, external fetches, huge parses) happens."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from saksrobot.demo.corpus import ehf_corpus
from saksrobot.errors import BusinessError
from saksrobot.invoices import InvoiceRejected, check, parse_ehf

CORPUS = ehf_corpus() or Path("../shared/data/ehf")  # see saksrobot.demo.corpus
BASE_EXAMPLE = CORPUS / "valid/ubl/openpeppol/base-example.xml"
UBL = 'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" ' \
      'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'


@pytest.fixture(scope="module")
def base_example() -> bytes:
    if not BASE_EXAMPLE.is_file():
        pytest.skip(f"EHF-korpuset mangler: fant ikke {BASE_EXAMPLE}")
    return BASE_EXAMPLE.read_bytes()


def rejected(data: bytes, **options) -> InvoiceRejected:
    with pytest.raises(InvoiceRejected) as caught:
        parse_ehf(data, **options)
    assert isinstance(caught.value, BusinessError)
    return caught.value


XXE = f"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice {UBL}><cbc:ID>&xxe;</cbc:ID></Invoice>""".encode()

XXE_PARAMETER = f"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<Invoice {UBL}><cbc:ID>1</cbc:ID></Invoice>""".encode()

EXTERNAL_DTD = f"""<?xml version="1.0"?>
<!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/invoice.dtd">
<Invoice {UBL}><cbc:ID>1</cbc:ID></Invoice>""".encode()

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n' for n in range(1, 10))
    + f"]>\n<Invoice {UBL}><cbc:ID>&lol9;</cbc:ID></Invoice>").encode()


def rejected_with_peak_memory(data: bytes):
    """The rejection of ``data`` and the most memory that took (tracemalloc)."""
    tracemalloc.start()
    try:
        error = rejected(data)
        return error, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("data", [XXE, XXE_PARAMETER, EXTERNAL_DTD, BILLION_LAUGHS],
                         ids=["xxe-passwd", "xxe-parameter-entity", "external-dtd", "billion-laughs"])
def test_dtds_and_entities_are_refused_never_expanded(data):
    error, peak = rejected_with_peak_memory(data)
    assert error.code == "forbidden_xml"
    assert "DTD" in error.message and "ikke er tillatt" in error.message
    assert "root" not in error.message and "passwd" not in error.message and "lol" not in error.message
    assert peak < 2_000_000  # nothing was expanded (a billion laughs would need gigabytes)


def test_a_50_mb_file_is_refused_as_too_large_before_parsing(base_example, tmp_path):
    comment = b"<!--" + b" " * 50_000_000 + b"-->\n"
    padded = base_example.replace(b"<cbc:CustomizationID>", comment + b"<cbc:CustomizationID>", 1)
    (tmp_path / "huge.xml").write_bytes(padded)
    data = (tmp_path / "huge.xml").read_bytes()
    assert len(data) > 50_000_000
    error, peak = rejected_with_peak_memory(data)
    assert error.code == "too_large"
    assert "for stor" in error.message and "50,0 MB" in error.message and "20,0 MB" in error.message
    assert peak < 100_000  # not parsed, not copied


def test_the_size_limit_is_a_parameter(base_example):
    padded = base_example.replace(b"<cbc:CustomizationID>", b"<!--" + b"x" * 2_000 + b"-->\n<cbc:CustomizationID>", 1)
    assert rejected(padded, max_bytes=len(padded) - 1).code == "too_large"
    assert parse_ehf(padded, max_bytes=len(padded)).number == parse_ehf(base_example).number


@pytest.mark.parametrize("cut", ["half", "inside-closing-tag", "before-closing-tag"])
def test_truncated_xml_is_refused_as_truncated(base_example, cut):
    end = base_example.rstrip().rindex(b"</Invoice>")
    data = {"half": base_example[: len(base_example) // 2], "inside-closing-tag": base_example[: end + 5],
            "before-closing-tag": base_example[:end]}[cut]
    error = rejected(data)
    assert error.code == "truncated"
    assert "avkortet" in error.message


def test_a_truncated_attachment_is_truncated_too():
    italian = CORPUS / "valid/ubl/cen/FT_G2G_TD01_con_Allegato_Bonifico_e_Split_Payment.xml"
    if not italian.is_file():
        pytest.skip(f"EHF-korpuset mangler: fant ikke {italian}")
    data = italian.read_bytes()
    assert rejected(data[: len(data) // 2]).code == "truncated"


def test_a_pdf_renamed_to_xml_is_refused(tmp_path):
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
    (tmp_path / "faktura.xml").write_bytes(pdf)
    error = rejected((tmp_path / "faktura.xml").read_bytes())
    assert error.code == "not_xml"
    assert "PDF" in error.message and "ikke en EHF-fil" in error.message


@pytest.mark.parametrize("data", [b"", b"   \r\n\t"], ids=["empty", "whitespace"])
def test_an_empty_file_is_refused(data):
    error = rejected(data)
    assert error.code == "not_xml"
    assert error.message == "Filen er tom."


@pytest.mark.parametrize(("data", "word"), [
    (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binærfil"),
    (b"Kj\xc3\xb8p 10 liter melk", "ikke gyldig XML"),
    (b"<Invoice><cbc:ID>1</cbc:Nummer></Invoice>", "ikke gyldig XML"),
])
def test_other_non_xml_is_refused_as_not_xml(data, word):
    error = rejected(data)
    assert error.code == "not_xml"
    assert word in error.message
    assert b"melk" not in error.message.encode() and "Nummer" not in error.message


@pytest.mark.parametrize(("data", "word"), [
    (b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>', "«Order»"),
    (b"<html><body>Faktura</body></html>", "«html»"),
    (b'<Invoice xmlns="urn:example:not-ubl"><ID>1</ID></Invoice>', "ikke en EHF-faktura"),
])
def test_a_non_ubl_root_is_refused_as_unknown_document(data, word):
    error = rejected(data)
    assert error.code == "unknown_document"
    assert word in error.message and "Faktura" not in error.message


def sbdh(payload: bytes) -> bytes:
    header = b"""<?xml version="1.0" encoding="UTF-8"?>
<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">
  <StandardBusinessDocumentHeader>
    <HeaderVersion>1.0</HeaderVersion>
    <Sender><Identifier Authority="iso6523-actorid-upis">0192:123456785</Identifier></Sender>
    <Receiver><Identifier Authority="iso6523-actorid-upis">0192:964000107</Identifier></Receiver>
    <DocumentIdentification>
      <Standard>urn:oasis:names:specification:ubl:schema:xsd:Invoice-2</Standard>
      <TypeVersion>2.1</TypeVersion>
      <InstanceIdentifier>2f1c9a7e-0d1b-4c55-9d0e-3f0a4e8b2c11</InstanceIdentifier>
      <Type>Invoice</Type>
      <CreationDateAndTime>2026-05-04T10:00:00Z</CreationDateAndTime>
    </DocumentIdentification>
  </StandardBusinessDocumentHeader>
"""
    return header + payload + b"\n</StandardBusinessDocument>\n"


def test_an_sbdh_wrapped_invoice_parses_like_the_bare_invoice(base_example):
    body = base_example.split(b"?>", 1)[1]  # without the XML declaration
    wrapped = parse_ehf(sbdh(body))
    assert wrapped == parse_ehf(base_example)
    assert wrapped.document_type == "Invoice" and wrapped.number == "Snippet1"
    assert [f for f in check(wrapped) if f.severity == "fatal"] == []


def test_an_sbdh_without_an_invoice_or_with_cii_is_refused():
    assert rejected(sbdh(b"<Other/>")).code == "unknown_document"
    cii = b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>'
    error = rejected(sbdh(cii))
    assert error.code == "unknown_document" and "CII-format støttes ikke ennå" in error.message


def test_bad_values_are_read_as_missing_and_reported_not_crashed(base_example):
    broken = base_example.replace(b"<cbc:IssueDate>2017-11-13</cbc:IssueDate>",
                                  b"<cbc:IssueDate>13.11.2017</cbc:IssueDate>")
    broken = broken.replace(b'<cbc:PayableAmount currencyID="EUR">1656.25</cbc:PayableAmount>',
                            b'<cbc:PayableAmount currencyID="EUR">1 656,25</cbc:PayableAmount>')
    assert broken.count(b"13.11.2017") == 1 and broken.count(b"1 656,25") == 1
    doc = parse_ehf(broken)
    assert doc.issue_date is None and doc.totals.payable is None
    findings = {f.rule_id: f for f in check(doc)}
    assert set(findings) == {"SAKSROBOT-FORMAT"}  # an amount the schema refuses: no rule is tried (as officially)
    assert findings["SAKSROBOT-FORMAT"].severity == "fatal"
    assert "PayableAmount" in findings["SAKSROBOT-FORMAT"].message
    assert "13.11.2017" not in findings["SAKSROBOT-FORMAT"].message


def test_an_attachment_that_is_not_base64_is_reported_not_crashed():
    norwegian = CORPUS / "valid/ubl/norway/Norwegian-example-1.xml"
    if not norwegian.is_file():
        pytest.skip(f"EHF-korpuset mangler: fant ikke {norwegian}")
    broken = norwegian.read_bytes().replace(b">VGVzdCBiYXNlIDY0IGVuY29kaW5n<", b">VGVzdCBiYXNl*!IDY0<")
    doc = parse_ehf(broken)
    assert doc.attachments == ()
    (finding,) = [f for f in check(doc) if f.severity == "fatal"]
    assert finding.rule_id == "SAKSROBOT-FORMAT" and "vedlegg (base64)" in finding.message


@pytest.mark.parametrize("where", ["attribute", "element"])
def test_a_field_longer_than_any_invoice_needs_is_refused_not_stored(base_example, where):
    huge = "A" * 15_000_000
    if where == "attribute":
        data = base_example.replace(b"<cbc:ID>", f'<cbc:ID note="{huge}">'.encode(), 1)
    else:
        data = base_example.replace(b"<cbc:Note>", f"<cbc:Note>{huge}".encode(), 1)
    assert data != base_example
    error = rejected(data, max_bytes=50_000_000)
    assert error.code == "field_too_long" and "for langt" in error.message and len(error.message) < 200


def test_an_embedded_file_may_be_long(base_example):
    pdf = "QUFB" * 100_000  # 400 000 base64 characters
    attachment = (f'<cac:AdditionalDocumentReference><cbc:ID>1</cbc:ID><cac:Attachment>'
                  f'<cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="a.pdf">{pdf}'
                  f'</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>')
    anchor = b"<cac:AccountingSupplierParty>"
    data = base_example.replace(anchor, attachment.encode() + anchor, 1)
    assert len(parse_ehf(data).attachments[-1].data) == 300_000
