"""EN 16931 business rules (CEN, bundled with Peppol BIS Billing 3.0.21, rules 2026.5): the mandatory
fields BR-01 … BR-16, BR-61 and the totals rules BR-CO-10 … BR-CO-18.

Each rule follows the official Schematron test (``ubl/schematron/UBL/EN16931-UBL-model.sch``),
including its context: the totals rules apply only when ``cac:LegalMonetaryTotal`` is present, the
country-code rules only when the postal address is. Amounts compare as decimals after XPath
``round(x * 100) div 100``, which rounds halves towards positive infinity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import ROUND_FLOOR, Decimal

from saksrobot.invoices.model import EhfDocument, Finding

_HALF = Decimal("0.5")


def round2(value: Decimal) -> Decimal:
    """XPath ``round(value * 10 * 10) div 100``: halves go up (towards +∞), also for negative amounts."""
    return (value * 100 + _HALF).to_integral_value(rounding=ROUND_FLOOR) / 100


def money(value: Decimal | None) -> str:
    """An amount for a Norwegian message: ``1436,50``; ``mangler`` when absent."""
    return "mangler" if value is None else f"{value:.2f}".replace(".", ",")


_MANDATORY: tuple[tuple[str, str, Callable[[EhfDocument], bool]], ...] = (
    ("BR-01", "Spesifikasjonsidentifikator (CustomizationID) mangler.", lambda d: bool(d.customization_id)),
    ("BR-02", "Fakturanummer (ID) mangler.", lambda d: bool(d.number)),
    ("BR-03", "Fakturadato (IssueDate) mangler.",  # present in a wrong format: PEPPOL-EN16931-F001
     lambda d: d.issue_date is not None or "IssueDate" in d.invalid_values),
    ("BR-04", "Fakturatypekode (InvoiceTypeCode/CreditNoteTypeCode) mangler.", lambda d: bool(d.type_code)),
    ("BR-05", "Valutakode (DocumentCurrencyCode) mangler.", lambda d: bool(d.currency)),
    ("BR-06", "Selgers juridiske navn (PartyLegalEntity/RegistrationName) mangler.",
     lambda d: bool(d.seller.registration_name)),
    ("BR-07", "Kjøpers juridiske navn (PartyLegalEntity/RegistrationName) mangler.",
     lambda d: bool(d.buyer.registration_name)),
    ("BR-08", "Selgers postadresse mangler.", lambda d: d.seller.has_postal_address),
    ("BR-09", "Selgers postadresse mangler landkode.",
     lambda d: not d.seller.has_postal_address or bool(d.seller.country)),
    ("BR-10", "Kjøpers postadresse mangler.", lambda d: d.buyer.has_postal_address),
    ("BR-11", "Kjøpers postadresse mangler landkode.",
     lambda d: not d.buyer.has_postal_address or bool(d.buyer.country)),
    ("BR-12", "Sum linjebeløp (LineExtensionAmount) mangler.",
     lambda d: not d.totals.present or d.totals.line_extension is not None),
    ("BR-13", "Sum eks. mva. (TaxExclusiveAmount) mangler.",
     lambda d: not d.totals.present or d.totals.tax_exclusive is not None),
    ("BR-14", "Sum inkl. mva. (TaxInclusiveAmount) mangler.",
     lambda d: not d.totals.present or d.totals.tax_inclusive is not None),
    ("BR-15", "Beløp å betale (PayableAmount) mangler.",
     lambda d: not d.totals.present or d.totals.payable is not None),
    ("BR-16", "Fakturaen har ingen fakturalinjer.", lambda d: bool(d.lines)),
)

DESCRIPTIONS: dict[str, str] = {
    **{rule_id: message for rule_id, message, _ in _MANDATORY},
    "BR-61": "Betalingsmåte 30 eller 58 (kreditoverføring) krever kontonummer (PayeeFinancialAccount/ID).",
    "BR-CO-10": "Sum linjebeløp = summen av linjebeløpene.",
    "BR-CO-11": "Sum rabatter på dokumentnivå = summen av rabattene på dokumentnivå.",
    "BR-CO-12": "Sum gebyrer på dokumentnivå = summen av gebyrene på dokumentnivå.",
    "BR-CO-13": "Sum eks. mva. = sum linjebeløp − rabatter + gebyrer.",
    "BR-CO-14": "Total mva. = summen av mva. per kategori (TaxSubtotal).",
    "BR-CO-15": "Sum inkl. mva. = sum eks. mva. + total mva. (nøyaktig ett mva.-beløp i fakturavalutaen).",
    "BR-CO-16": "Å betale = sum inkl. mva. − forskudd + avrunding.",
    "BR-CO-18": "Fakturaen har minst én mva.-spesifikasjon (TaxSubtotal).",
}


def check(doc: EhfDocument) -> Iterator[Finding]:
    for rule_id, message, satisfied in _MANDATORY:
        if not satisfied(doc):
            yield Finding(rule_id, "fatal", message)
    for means in doc.payment_means:
        if means.code in ("30", "58") and not means.has_account:
            yield Finding("BR-61", "fatal", f"Betalingsmåte {means.code} (kreditoverføring) mangler kontonummer "
                                            "(PayeeFinancialAccount/ID).")
    if doc.totals.present:
        yield from _document_totals(doc)
    yield from _tax_totals(doc)


def _document_totals(doc: EhfDocument) -> Iterator[Finding]:
    """The rules with context cac:LegalMonetaryTotal."""
    t = doc.totals
    lines = round2(sum((a for a in doc.line_amounts if a is not None), Decimal(0)))
    if t.line_extension is None or t.line_extension != lines:
        yield Finding("BR-CO-10", "fatal", f"Sum linjebeløp ({money(t.line_extension)}) er ikke lik summen av "
                                           f"fakturalinjene ({money(lines)}).")
    for rule_id, total, is_charge, what in (("BR-CO-11", t.allowance_total, False, "rabatter"),
                                            ("BR-CO-12", t.charge_total, True, "gebyrer")):
        amounts = [ac.amount for ac in doc.allowance_charges if ac.is_charge is is_charge]
        expected = round2(sum((a for a in amounts if a is not None), Decimal(0)))
        if not (total is not None and total == expected) and not (total is None and not amounts):
            yield Finding(rule_id, "fatal", f"Sum {what} på dokumentnivå ({money(total)}) er ikke lik summen av "
                                            f"{what} på dokumentnivå ({money(expected)}).")
    if t.line_extension is None:
        expected = None
    elif t.charge_total is None and t.allowance_total is None:
        expected = t.line_extension  # compared unrounded, as in the official test
    else:
        expected = round2(t.line_extension + (t.charge_total or 0) - (t.allowance_total or 0))
    if t.tax_exclusive is None or expected is None or t.tax_exclusive != expected:
        yield Finding("BR-CO-13", "fatal", f"Sum eks. mva. ({money(t.tax_exclusive)}) er ikke lik sum linjebeløp − "
                                           f"rabatter + gebyrer ({money(expected)}).")
    if not _payable_adds_up(t.payable, t.tax_inclusive, t.prepaid, t.rounding):
        expected = None if t.tax_inclusive is None else t.tax_inclusive - (t.prepaid or 0) + (t.rounding or 0)
        yield Finding("BR-CO-16", "fatal", f"Å betale ({money(t.payable)}) er ikke lik sum inkl. mva. − forskudd + "
                                           f"avrunding ({money(expected)}).")


def _payable_adds_up(payable: Decimal | None, inclusive: Decimal | None, prepaid: Decimal | None,
                     rounding: Decimal | None) -> bool:
    if payable is None or inclusive is None:
        return False
    due = inclusive if prepaid is None else round2(inclusive - prepaid)
    if rounding is None:
        return payable == due
    return round2(payable - rounding) == due


def _tax_totals(doc: EhfDocument) -> Iterator[Finding]:
    for tax in doc.tax_totals:
        if tax.has_subtotals:
            expected = round2(sum((a for a in tax.subtotal_amounts if a is not None), Decimal(0)))
            if tax.amount is None or tax.amount != expected:
                yield Finding("BR-CO-14", "fatal", f"Total mva. ({money(tax.amount)}) er ikke lik summen av mva. per "
                                                   f"kategori ({money(expected)}).")
    if doc.currency:
        amounts = [t.amount for t in doc.tax_totals if t.currency == doc.currency and t.amount is not None]
        exclusive, inclusive = doc.totals.tax_exclusive, doc.totals.tax_inclusive
        if len(amounts) != 1:
            yield Finding("BR-CO-15", "fatal", f"Fakturaen må ha nøyaktig ett mva.-beløp (TaxTotal/TaxAmount) i "
                                               f"fakturavalutaen; den har {len(amounts)}.")
        elif exclusive is None or inclusive is None or inclusive != round2(exclusive + amounts[0]):
            expected = None if exclusive is None else exclusive + amounts[0]
            yield Finding("BR-CO-15", "fatal", f"Sum inkl. mva. ({money(inclusive)}) er ikke lik sum eks. mva. + "
                                               f"mva. ({money(expected)}).")
    if not any(t.has_subtotals for t in doc.tax_totals):
        yield Finding("BR-CO-18", "fatal", "Fakturaen mangler mva.-spesifikasjon (TaxTotal/TaxSubtotal).")
