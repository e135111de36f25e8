"""Peppol BIS Billing 3.0.21 rules (rules 2026.5, ``PEPPOL-EN16931-UBL.sch``) and the Norwegian
national rules NO-R-001/NO-R-002 that come with it. Each follows the official Schematron test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from saksrobot.domain.identity import is_valid_orgnr
from saksrobot.invoices.model import EhfDocument, Finding, Line
from saksrobot.invoices.rules_en16931 import money, round2
from saksrobot.privacy import mask

CUSTOMIZATION_PREFIX = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
# The $profile variable of 3.0.21: these exact values, nothing else (3.0.21 added the last three).
APPROVED_PROFILES = frozenset({
    "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0",
    "urn:peppol:france:billing:regulated",
    "urn:peppol:france:billing:non-regulated",
    "urn:peppol:bis:billing_with_response",
})
_SLACK = Decimal("0.02")

DESCRIPTIONS: dict[str, str] = {
    "PEPPOL-EN16931-R001": "Forretningsprosess (ProfileID) er oppgitt.",
    "PEPPOL-EN16931-R003": "Kjøpers referanse (BuyerReference) eller ordrereferanse (OrderReference/ID) er oppgitt.",
    "PEPPOL-EN16931-R004": f"CustomizationID begynner med {CUSTOMIZATION_PREFIX} og inneholder ikke «::».",
    "PEPPOL-EN16931-R005": "Mva.-regnskapsvaluta (TaxCurrencyCode) er ulik fakturavalutaen.",
    "PEPPOL-EN16931-R007": "ProfileID er en godkjent verdi (3.0.21: billing:01:1.0, billing_with_response, "
                           "france:billing:regulated/non-regulated).",
    "PEPPOL-EN16931-R008": "Dokumentet har ingen tomme elementer.",
    "PEPPOL-EN16931-R010": "Kjøpers elektroniske adresse (EndpointID) er oppgitt.",
    "PEPPOL-EN16931-R020": "Selgers elektroniske adresse (EndpointID) er oppgitt.",
    "PEPPOL-EN16931-R053": "Nøyaktig én TaxTotal med mva.-spesifikasjon (TaxSubtotal).",
    "PEPPOL-EN16931-R054": "Én TaxTotal uten spesifikasjon når, og bare når, TaxCurrencyCode er oppgitt.",
    "PEPPOL-EN16931-R120": "Linjebeløp = antall × (pris / basisantall) + gebyrer − rabatter på linjen (±0,02).",
    "PEPPOL-COMMON-R041": "Identifikatorer med schemeID 0192 er gyldige organisasjonsnumre (9 siffer, MOD11).",
    "NO-R-001": "Norsk selgers mva.-nummer er NO + gyldig organisasjonsnummer + MVA.",
    "NO-R-002": "Norsk selger oppgir «Foretaksregisteret» (PartyTaxScheme med TaxScheme TAX). Advarsel.",
}


def _orgnr_ok(value: str) -> bool:
    """The u:mod11 test of the Schematron: nine digits, not all zero, MOD11 check digit."""
    return re.fullmatch(r"[0-9]{9}", value) is not None and int(value) > 0 and is_valid_orgnr(value)


def _supplier_country(doc: EhfDocument) -> str:
    """The Schematron's $supplierCountry: seller VAT prefix, tax representative VAT prefix, postal country."""
    for value in (doc.seller.vat_id, doc.tax_representative_vat_id):
        if value:
            return value[:2].upper()
    return (doc.seller.country or "XX").upper()


def check(doc: EhfDocument) -> Iterator[Finding]:
    yield from _document(doc)
    yield from _parties(doc)
    for line in doc.lines:
        yield from _line_amount(line)
    for identifier in doc.identifiers:
        if identifier.scheme == "0192" and not _orgnr_ok(identifier.value):
            yield Finding("PEPPOL-COMMON-R041", "fatal", f"Organisasjonsnummeret i {identifier.element} (schemeID "
                                                         "0192) er ugyldig: det må være 9 siffer med riktig "
                                                         "kontrollsiffer.")


def _document(doc: EhfDocument) -> Iterator[Finding]:
    if doc.profile_id is None:
        yield Finding("PEPPOL-EN16931-R001", "fatal", "Forretningsprosess (ProfileID) mangler.")
    if doc.buyer_reference is None and doc.order_reference is None:
        yield Finding("PEPPOL-EN16931-R003", "fatal", "Fakturaen mangler både kjøpers referanse (BuyerReference, "
                                                      "«Deres ref.») og ordrereferanse (OrderReference).")
    customization = doc.customization_id or ""
    if not customization.startswith(CUSTOMIZATION_PREFIX) or "::" in customization:
        yield Finding("PEPPOL-EN16931-R004", "fatal", "Spesifikasjonsidentifikatoren (CustomizationID) er ikke Peppol "
                                                      "BIS Billing 3.0 / EHF 3 (for eksempel en eldre EHF 2-faktura).")
    if doc.tax_currency is not None and doc.tax_currency == (doc.currency or ""):
        yield Finding("PEPPOL-EN16931-R005", "fatal", "Mva.-regnskapsvalutaen (TaxCurrencyCode) er lik "
                                                      "fakturavalutaen; den skal bare oppgis når den er en annen.")
    if (doc.profile_id or "") not in APPROVED_PROFILES:
        yield Finding("PEPPOL-EN16931-R007", "fatal", "Forretningsprosessen (ProfileID) er ikke en godkjent Peppol-"
                                                      "verdi (f.eks. urn:fdc:peppol.eu:2017:poacc:billing:01:1.0).")
    if doc.empty_elements:
        count = len(doc.empty_elements)
        shown = ", ".join(sorted(set(doc.empty_elements))[:5])
        what = "ett tomt element" if count == 1 else f"{count} tomme elementer"
        yield Finding("PEPPOL-EN16931-R008", "fatal", f"Dokumentet har {what} ({shown}); tomme elementer er ikke "
                                                      "tillatt.")
    with_subtotals = sum(t.has_subtotals for t in doc.tax_totals)
    if with_subtotals != 1:
        yield Finding("PEPPOL-EN16931-R053", "fatal", f"Fakturaen skal ha nøyaktig én TaxTotal med mva.-spesifikasjon; "
                                                      f"den har {with_subtotals}.")
    without = len(doc.tax_totals) - with_subtotals
    if without != (1 if doc.tax_currency is not None else 0):
        yield Finding("PEPPOL-EN16931-R054", "fatal", "TaxTotal uten spesifikasjon (mva. i regnskapsvaluta) skal "
                                                      "finnes nøyaktig én gang når TaxCurrencyCode er oppgitt, ellers "
                                                      "ikke.")


def _parties(doc: EhfDocument) -> Iterator[Finding]:
    if doc.buyer.present and doc.buyer.endpoint_id is None:
        yield Finding("PEPPOL-EN16931-R010", "fatal", "Kjøpers elektroniske adresse (EndpointID) mangler.")
    if doc.seller.present and doc.seller.endpoint_id is None:
        yield Finding("PEPPOL-EN16931-R020", "fatal", "Selgers elektroniske adresse (EndpointID) mangler.")
    if not doc.seller.present or _supplier_country(doc) != "NO":
        return
    if doc.seller.tax_registration != "Foretaksregisteret":
        yield Finding("NO-R-002", "warning", "Norsk selger bør oppgi «Foretaksregisteret» (foretaksregisterloven "
                                             "§ 10-2) når selgeren er aksjeselskap eller lignende.")
    vat = doc.seller.vat_id
    if vat is not None and vat[:2] == "NO" and not (re.fullmatch(r"[0-9]{9}MVA", vat[2:]) and _orgnr_ok(vat[2:11])):
        yield Finding("NO-R-001", "fatal", "Selgers mva.-nummer skal være NO + et gyldig organisasjonsnummer "
                                           "(9 siffer) + MVA, f.eks. NO999999999MVA.")


def _line_amount(line: Line) -> Iterator[Finding]:
    amount = line.amount if line.amount is not None else Decimal(0)
    quantity = line.quantity if line.quantity is not None else Decimal(1)
    price = line.price if line.price is not None else Decimal(0)
    base = line.base_quantity if line.base_quantity not in (None, 0) else Decimal(1)
    totals = {}
    for indicator in ("true", "false"):
        chosen = [ac.amount for ac in line.allowance_charges if ac.indicator == indicator]
        totals[indicator] = round2(sum((a for a in chosen if a is not None), Decimal(0))) if chosen else Decimal(0)
    expected = quantity * (price / base) + totals["true"] - totals["false"]
    if not amount - _SLACK <= expected <= amount + _SLACK:
        name = mask((line.id or "?")[:20])
        yield Finding("PEPPOL-EN16931-R120", "fatal", f"Linje {name}: linjebeløpet ({money(line.amount)}) er ikke lik "
                                                      f"antall × pris + gebyrer − rabatter ({money(expected)}).")
