"""The official validation (Peppol BIS Billing 3.0.21 stylesheets run by SaxonC-HE) as the invoice
robot uses it: over the whole corpus its fatal rule ids equal the official validator's, document by
document; the upstream unit tests pass for every rule of the release; saksrobot's own checks never
contradict it; a missing release stops, never "valid by default"."""

from __future__ import annotations

import json
from pathlib import Path

import defusedxml.ElementTree as ET
import pytest
from typer.testing import CliRunner

from saksrobot.cli import app
from saksrobot.demo.corpus import ehf_corpus, official_artefacts
from saksrobot.invoices import IMPLEMENTED_RULES, InvoiceRejected, check, parse_ehf
from saksrobot.invoices.official import OfficialRules, ValidationUnavailable, load
from saksrobot.invoices.validation import Builtin, Official, open_validation
from saksrobot.settings import load_settings

CORPUS = ehf_corpus() or Path("../shared/data/ehf")
ARTEFACTS = official_artefacts()
RESULTS = json.loads((CORPUS / "results.json").read_text(encoding="utf-8")) if ARTEFACTS else None
VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"

pytestmark = pytest.mark.skipif(ARTEFACTS is None, reason="the official stylesheets (official-xslt) are not here")


@pytest.fixture(scope="module")
def official() -> Official:
    return Official(load(ARTEFACTS))


def _ids(findings, severity: str) -> set[str]:
    return {f.rule_id for f in findings if f.severity == severity}


def _documents() -> list:
    return [pytest.param(f, id=f["dest"]) for f in (RESULTS or {"files": []})["files"]
            if f["root"] in ("Invoice", "CreditNote")]


@pytest.mark.parametrize("entry", _documents())
def test_the_fatal_rule_ids_equal_the_official_validators_document_by_document(official, entry):
    data = (CORPUS / entry["dest"]).read_bytes()
    findings = official.findings(data, parse_ehf(data))
    expected = entry["rules_2026_5"]
    assert _ids(findings, "fatal") == set(expected["fatal"])
    assert _ids(findings, "warning") - {"SAKSROBOT-KID"} == set(expected["warning"])
    # saksrobot's own checks never report a fatal rule the release does not
    assert _ids(check(parse_ehf(data)), "fatal") <= set(expected["fatal"])


def _unit_tests() -> list:
    params = []
    for entry in (RESULTS or {"testsets": []})["testsets"]:
        for number, test in enumerate(ET.parse(CORPUS / entry["dest"]).getroot().iter(f"{VEFA}test"), start=1):
            document = next(child for child in test if child.tag != f"{VEFA}assert")
            if document.tag.endswith("}CrossIndustryInvoice"):
                continue  # CII is refused before any validation
            expectations = [(e.tag.removeprefix(VEFA), e.text.strip(), e.get("number"))
                            for e in test.find(f"{VEFA}assert") if e.tag != f"{VEFA}description"]
            params.append(pytest.param(ET.tostring(document), expectations,
                                       id=f"{Path(entry['dest']).stem}-test{number}"))
    return params


@pytest.mark.parametrize(("data", "expectations"), _unit_tests())
def test_the_upstream_unit_tests_pass_for_every_rule(official, data, expectations):
    findings = official.findings(data, parse_ehf(data))
    for kind, rule, count in expectations:
        fired = [f.severity for f in findings if f.rule_id == rule]
        if kind == "success":
            assert "fatal" not in fired and "warning" not in fired, f"{rule} fired but should not"
        else:
            severity = "fatal" if kind == "error" else "warning"
            assert severity in fired, f"{rule} should fire as {severity}, got {fired}"
            if count is not None:
                assert fired.count(severity) == int(count)


BASE = "valid/ubl/openpeppol/base-example.xml"


@pytest.mark.parametrize(("old", "new", "fatal"), [
    ("<cbc:IssueDate>2017-11-13<", "<cbc:IssueDate>123<", {"PEPPOL-EN16931-F001"}),
    ("<cbc:IssueDate>2017-11-13<", "<cbc:IssueDate>2017-01-00<", {"PEPPOL-EN16931-F001"}),
    ("<cbc:IssueDate>2017-11-13</cbc:IssueDate>", "", {"BR-03"}),
])
def test_an_unreadable_date_breaks_the_format_rule_not_br_03_in_both_validations(official, old, new, fatal):
    data = (CORPUS / BASE).read_bytes().replace(old.encode(), new.encode(), 1)
    doc = parse_ehf(data)
    assert _ids(official.findings(data, doc), "fatal") == fatal
    assert _ids(Builtin().findings(data, doc), "fatal") == fatal


def test_a_rule_found_twice_keeps_the_official_text_rather_than_name_the_wrong_field(official):
    data = (CORPUS / BASE).read_bytes().replace(b"<cbc:IssueDate>2017-11-13<", b"<cbc:IssueDate>123<", 1)
    data = data.replace(b"<cbc:DueDate>2017-12-01<", b"<cbc:DueDate>2017-13-01<", 1)
    f001 = [f for f in official.findings(data, parse_ehf(data)) if f.rule_id == "PEPPOL-EN16931-F001"]
    assert len(f001) == 2 and len({f.location for f in f001}) == 2  # each names its own element
    assert not any("forfallsdato" in f.message or "fakturadato" in f.message for f in f001)


def test_an_amount_the_schema_refuses_is_a_format_error_not_a_crash(official):
    data = (CORPUS / BASE).read_bytes().replace(b'<cbc:PayableAmount currencyID="EUR">',
                                                b'<cbc:PayableAmount currencyID="EUR">x', 1)
    (finding,) = official.findings(data, parse_ehf(data))
    assert (finding.rule_id, finding.severity) == ("SAKSROBOT-FORMAT", "fatal") and "PayableAmount" in finding.message


def test_findings_are_in_norwegian_where_saksrobot_knows_the_rule_and_carry_the_location(official):
    data = (CORPUS / "invalid/ubl/norway/ubl-tc434-example2.xml").read_bytes()
    findings = {f.rule_id: f for f in official.findings(data, parse_ehf(data))}
    assert findings["NO-R-001"].message.startswith("Selgers mva.-nummer")
    assert findings["PEPPOL-EN16931-R043"].message.startswith("Offisiell regel (engelsk tekst): Allowance/charge")
    assert findings["NO-R-001"].location.startswith("/")


def test_a_hostile_file_is_refused_by_the_safe_parser_before_any_stylesheet(official, monkeypatch):
    monkeypatch.setattr(OfficialRules, "validate", lambda *a: pytest.fail("the stylesheets saw a hostile file"))
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Invoice>&a;</Invoice>'
    with pytest.raises(InvoiceRejected) as refused:
        official.findings(data, parse_ehf(data))
    assert refused.value.code == "forbidden_xml"


def test_the_release_is_compiled_once_and_implemented_rules_hold_all_of_it():
    assert load(ARTEFACTS) is load(ARTEFACTS)
    rules = load(ARTEFACTS).rules
    assert (load(ARTEFACTS).count("fatal"), load(ARTEFACTS).count("warning")) == (420, 724)
    assert set(rules) | {"SAKSROBOT-KID", "SAKSROBOT-FORMAT"} <= set(IMPLEMENTED_RULES)  # tests configure it


@pytest.mark.parametrize("problem", ["not set", "no folder", "no stylesheets", "not XSLT"])
def test_a_missing_or_unreadable_release_stops_with_a_reason(tmp_path, problem):
    folder = tmp_path / "release"
    if problem in ("no stylesheets", "not XSLT"):
        folder.mkdir()
    if problem == "not XSLT":
        for name in ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL.xslt"):
            (folder / name).write_text('<xsl:attribute name="id">X</xsl:attribute>'
                                       '<xsl:attribute name="flag">fatal</xsl:attribute><svrl:text>x</svrl:text>')
    settings = load_settings(invoices={"validation": "official",
                                       "validation_artefacts": None if problem == "not set" else str(folder)})
    with pytest.raises(ValidationUnavailable) as stopped:
        open_validation(settings)
    assert "validation_artefacts" in stopped.value.message or str(folder) in stopped.value.message


def test_saksrobot_invoices_rules_shows_the_release_or_says_builtin(monkeypatch):
    monkeypatch.setenv("SAKSROBOT_INVOICES__VALIDATION_ARTEFACTS", str(ARTEFACTS))
    shown = CliRunner().invoke(app, ["invoices", "rules"])
    assert shown.exit_code == 0 and "3.0.21" in shown.output and "420 avvisende" in shown.output
    monkeypatch.setenv("SAKSROBOT_INVOICES__VALIDATION", "builtin")
    assert "Bare saksrobots egne regler" in CliRunner().invoke(app, ["invoices", "rules"]).output
    monkeypatch.setenv("SAKSROBOT_INVOICES__VALIDATION", "official")
    monkeypatch.setenv("SAKSROBOT_INVOICES__VALIDATION_ARTEFACTS", "/nowhere")
    missing = CliRunner().invoke(app, ["invoices", "rules"])
    assert missing.exit_code == 2 and "Fant ikke" in missing.output
