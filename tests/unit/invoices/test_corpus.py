"""saksrobot's own rule check (``invoices.validation = "builtin"``) against the EHF test corpus
(../shared/data/ehf, see its MANIFEST.md): real Peppol, EHF and CEN documents with the official
validator's results (Peppol BIS Billing 3.0.21, rules 2026.5), and the upstream unit-test sets. For
every rule we implement, we must agree with the official result."""

from __future__ import annotations

import json
from pathlib import Path

import defusedxml.ElementTree as ET
import pytest

from saksrobot.demo.corpus import ehf_corpus
from saksrobot.invoices import InvoiceRejected, check, parse_ehf
from saksrobot.invoices.rules import BUILTIN_RULES

CORPUS = ehf_corpus() or Path("../shared/data/ehf")  # see saksrobot.demo.corpus
_RESULTS_FILE = CORPUS / "results.json"
RESULTS = json.loads(_RESULTS_FILE.read_text(encoding="utf-8")) if _RESULTS_FILE.is_file() else None
VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"
UBL_ROOTS = {"Invoice", "CreditNote"}

pytestmark = pytest.mark.skipif(RESULTS is None, reason=f"EHF-korpuset mangler: fant ikke {_RESULTS_FILE}")


def _files(expected_class: str, roots: set[str]) -> list:
    entries = [] if RESULTS is None else RESULTS["files"]
    return [pytest.param(f, id=f["dest"]) for f in entries
            if f["expected_class"] == expected_class and f["root"] in roots]


def _rule_ids(findings, severity: str) -> set[str]:
    return {f.rule_id for f in findings if f.severity == severity}


@pytest.mark.parametrize("entry", _files("valid", UBL_ROOTS))
def test_valid_document_parses_with_no_fatal_finding(entry):
    assert entry["rules_2026_5"]["fatal"] == []  # the corpus agrees the file is valid
    doc = parse_ehf((CORPUS / entry["dest"]).read_bytes())
    assert doc.document_type == entry["root"]
    assert [f for f in check(doc) if f.severity == "fatal"] == []


@pytest.mark.parametrize("entry", _files("invalid", UBL_ROOTS))
def test_invalid_document_gets_the_official_findings_of_the_rules_we_implement(entry):
    official = entry["rules_2026_5"]
    findings = check(parse_ehf((CORPUS / entry["dest"]).read_bytes()))
    for severity in ("fatal", "warning"):
        expected = {r for r in official[severity] if r in BUILTIN_RULES}
        ours = {r for r in _rule_ids(findings, severity) if not r.startswith("SAKSROBOT-")}
        assert expected <= ours, f"missed {severity}: {sorted(expected - ours)}"
        assert ours <= set(official[severity]), f"false {severity}: {sorted(ours - set(official[severity]))}"


@pytest.mark.parametrize("entry", _files("invalid", {"CrossIndustryInvoice"}))
def test_cii_document_is_rejected_as_unknown_document(entry):
    with pytest.raises(InvoiceRejected) as rejected:
        parse_ehf((CORPUS / entry["dest"]).read_bytes())
    assert rejected.value.code == "unknown_document"
    assert "CII-format støttes ikke ennå" in rejected.value.message


# -- upstream unit tests: fragments with <assert> success / error / warning ------------------------

def _unit_tests() -> list:
    """One param per <test> of a test set whose scoped rule we implement: (document bytes, expectations)."""
    params = []
    for entry in [] if RESULTS is None else RESULTS["testsets"]:
        test_set = ET.parse(CORPUS / entry["dest"]).getroot()
        scope = {s.text.strip() for s in test_set.iter(f"{VEFA}scope")}
        if not scope & BUILTIN_RULES.keys():
            continue
        for number, test in enumerate(test_set.iter(f"{VEFA}test"), start=1):
            expectations = [(e.tag.removeprefix(VEFA), e.text.strip(), e.get("number"))
                            for e in test.find(f"{VEFA}assert") if e.tag in (f"{VEFA}success", f"{VEFA}error",
                                                                               f"{VEFA}warning")]
            document = next(child for child in test if child.tag != f"{VEFA}assert")
            cii = document.tag.endswith("}CrossIndustryInvoice")
            params.append(pytest.param(ET.tostring(document), expectations, cii,
                                       id=f"{Path(entry['dest']).stem}-test{number}"))
    return params


def _fragments() -> list:
    entries = [] if RESULTS is None else RESULTS["fragments"]
    return [pytest.param((CORPUS / f["dest"]).read_bytes(), [tuple(e) for e in f["expected"]], False,
                         id=Path(f["dest"]).stem)
            for f in entries if any(rule in BUILTIN_RULES for _, rule, _ in f["expected"])]


def _assert_expectations(data: bytes, expectations: list[tuple[str, str, str | None]], cii: bool) -> None:
    if cii:  # the unit-CII-NO sets: CII is refused, not checked
        with pytest.raises(InvoiceRejected) as rejected:
            parse_ehf(data)
        assert rejected.value.code == "unknown_document"
        return
    findings = check(parse_ehf(data))
    checked = 0
    for kind, rule, count in expectations:
        if rule not in BUILTIN_RULES:
            continue
        checked += 1
        fired = [f.severity for f in findings if f.rule_id == rule]
        if kind == "success":
            assert fired == [], f"{rule} fired but should not"
        else:
            severity = "fatal" if kind == "error" else "warning"
            assert severity in fired, f"{rule} should fire as {severity}, got {fired}"
            if count is not None:
                assert fired.count(severity) == int(count)
    assert checked, "no expectation about an implemented rule"


@pytest.mark.parametrize(("data", "expectations", "cii"), _unit_tests())
def test_unit_test_set(data, expectations, cii):
    _assert_expectations(data, expectations, cii)


@pytest.mark.parametrize(("data", "expectations", "cii"), _fragments())
def test_unit_fragment(data, expectations, cii):
    _assert_expectations(data, expectations, cii)


def test_the_corpus_covers_every_rule_the_brief_names():
    """Guard against a silently shrinking corpus: these rules are all exercised by some case above."""
    covered = {rule for p in _unit_tests() + _fragments() for _, rule, _ in p.values[1]}
    for entry in RESULTS["files"]:
        covered |= set(entry.get("rules_2026_5", {}).get("fatal", []))
    assert {"PEPPOL-EN16931-R001", "PEPPOL-EN16931-R003", "PEPPOL-EN16931-R004", "PEPPOL-EN16931-R007", "NO-R-001",
            "BR-CO-10", "BR-CO-13", "BR-CO-15", "BR-CO-16", "BR-02", "BR-05", "BR-06", "BR-07", "BR-16"} <= covered


# -- mutations of a valid corpus document: one rule broken (or kept) at a time ----------------------

SELLER_ENDPOINT = '<cbc:EndpointID schemeID="0088">9482348239847239874</cbc:EndpointID>'
SUBTOTAL_TAX = ('<cbc:TaxableAmount currencyID="EUR">1325</cbc:TaxableAmount>\n'
                '            <cbc:TaxAmount currencyID="EUR">331.25')
PAYABLE = '<cbc:PayableAmount currencyID="EUR">1656.25</cbc:PayableAmount>'
MUTATIONS = [  # (id, replacements, fatal rule ids expected, warning rule ids expected)
    ("unchanged", [], set(), {"SAKSROBOT-KID"}),
    ("valid-kid", [("<cbc:PaymentID>Snippet1<", "<cbc:PaymentID>1234567897<")], set(), set()),
    ("r041-valid-0192", [(SELLER_ENDPOINT, '<cbc:EndpointID schemeID="0192">974760673</cbc:EndpointID>')], set(),
     {"SAKSROBOT-KID"}),
    ("r041-bad-check-digit", [(SELLER_ENDPOINT, '<cbc:EndpointID schemeID="0192">974760674</cbc:EndpointID>')],
     {"PEPPOL-COMMON-R041"}, {"SAKSROBOT-KID"}),
    ("r041-all-zeros", [(SELLER_ENDPOINT, '<cbc:EndpointID schemeID="0192">000000000</cbc:EndpointID>')],
     {"PEPPOL-COMMON-R041"}, {"SAKSROBOT-KID"}),
    ("no-r-001-valid", [("<cbc:CompanyID>GB1232434<", "<cbc:CompanyID>NO974760673MVA<")], set(),
     {"SAKSROBOT-KID", "NO-R-002"}),
    ("no-r-001-bad", [("<cbc:CompanyID>GB1232434<", "<cbc:CompanyID>NO974760674MVA<")], {"NO-R-001"},
     {"SAKSROBOT-KID", "NO-R-002"}),
    ("r008-empty", [("<cbc:AccountingCost>4025:123:4343</cbc:AccountingCost>", "<cbc:AccountingCost/>")],
     {"PEPPOL-EN16931-R008"}, {"SAKSROBOT-KID"}),
    ("r005-r054-tax-currency",
     [("<cbc:AccountingCost>", "<cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode><cbc:AccountingCost>")],
     {"PEPPOL-EN16931-R005", "PEPPOL-EN16931-R054"}, {"SAKSROBOT-KID"}),
    ("r003-no-reference", [("<cbc:BuyerReference>0150abc</cbc:BuyerReference>", "")], {"PEPPOL-EN16931-R003"},
     {"SAKSROBOT-KID"}),
    ("r010-no-buyer-endpoint", [('<cbc:EndpointID schemeID="0002">FR23342</cbc:EndpointID>', "")],
     {"PEPPOL-EN16931-R010"}, {"SAKSROBOT-KID"}),
    ("br-01-r004-no-customization",
     [("<cbc:CustomizationID>", "<cbc:Note>"), ("</cbc:CustomizationID>", "</cbc:Note>")],
     {"BR-01", "PEPPOL-EN16931-R004"}, {"SAKSROBOT-KID"}),
    ("br-03-no-issue-date", [("<cbc:IssueDate>2017-11-13</cbc:IssueDate>", "")], {"BR-03"}, {"SAKSROBOT-KID"}),
    # a date present but unreadable breaks the format rule, not BR-03 (as the official validation says)
    ("f001-issue-date-123", [("<cbc:IssueDate>2017-11-13<", "<cbc:IssueDate>123<")], {"PEPPOL-EN16931-F001"},
     {"SAKSROBOT-KID"}),
    ("f001-issue-date-day-00", [("<cbc:IssueDate>2017-11-13<", "<cbc:IssueDate>2017-01-00<")],
     {"PEPPOL-EN16931-F001"}, {"SAKSROBOT-KID"}),
    ("f001-due-date-with-zone", [("<cbc:DueDate>2017-12-01<", "<cbc:DueDate>2017-12-01Z<")],
     {"PEPPOL-EN16931-F001"}, {"SAKSROBOT-KID"}),
    ("br-04-no-type-code", [("<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>", "")], {"BR-04"}, {"SAKSROBOT-KID"}),
    ("br-09-r008-no-seller-country", [("<cbc:IdentificationCode>GB</cbc:IdentificationCode>", "")],
     {"BR-09", "PEPPOL-EN16931-R008"}, {"SAKSROBOT-KID"}),
    ("br-61-no-account", [("<cbc:ID>IBAN32423940</cbc:ID>", "")], {"BR-61"}, {"SAKSROBOT-KID"}),
    ("br-co-11-br-co-13-allowance-total", [(PAYABLE, '<cbc:AllowanceTotalAmount currencyID="EUR">10'
                                                     '</cbc:AllowanceTotalAmount>' + PAYABLE)],
     {"BR-CO-11", "BR-CO-13"}, {"SAKSROBOT-KID"}),
    ("br-co-12-br-co-13-charge-total", [('">25</cbc:ChargeTotalAmount>', '">30</cbc:ChargeTotalAmount>')],
     {"BR-CO-12", "BR-CO-13"}, {"SAKSROBOT-KID"}),
    ("br-co-14-subtotal", [(SUBTOTAL_TAX, SUBTOTAL_TAX.replace("331.25", "331.20"))], {"BR-CO-14"}, {"SAKSROBOT-KID"}),
    ("br-co-16-prepaid-not-deducted", [(PAYABLE, '<cbc:PrepaidAmount currencyID="EUR">656.25</cbc:PrepaidAmount>'
                                                 + PAYABLE)], {"BR-CO-16"}, {"SAKSROBOT-KID"}),
    ("br-co-16-prepaid-deducted", [(PAYABLE, '<cbc:PrepaidAmount currencyID="EUR">656.25</cbc:PrepaidAmount>'
                                             + PAYABLE.replace("1656.25", "1000.00"))], set(), {"SAKSROBOT-KID"}),
    ("br-co-16-rounding", [(PAYABLE, '<cbc:PayableRoundingAmount currencyID="EUR">0.75</cbc:PayableRoundingAmount>'
                                     + PAYABLE.replace("1656.25", "1657.00"))], set(), {"SAKSROBOT-KID"}),
]


@pytest.mark.parametrize(("replacements", "fatal", "warnings"), [pytest.param(*m[1:], id=m[0]) for m in MUTATIONS])
def test_mutated_base_example(replacements, fatal, warnings):
    data = (CORPUS / "valid/ubl/openpeppol/base-example.xml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert data.count(old) >= 1, old
        data = data.replace(old, new, 1)
    findings = check(parse_ehf(data.encode()))
    assert (_rule_ids(findings, "fatal"), _rule_ids(findings, "warning")) == (fatal, warnings)
