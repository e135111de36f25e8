"""The rule check of an EHF document: a subset of the official Peppol BIS Billing 3.0.21 validation
(rules 2026.5 = CEN EN 16931 1.3.16 + Peppol + Norwegian national rules), with the official rule ids,
plus two rules of our own (``SAKSROBOT-…``).

A ``fatal`` finding makes the document invalid (the process hands it to manual handling); a
``warning`` is reported and the document is processed. Rules not implemented here (code lists,
VAT-category rules, …) are listed in ``docs/invoice-rules.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from saksrobot.domain.identity import is_valid_kid
from saksrobot.invoices import rules_en16931, rules_peppol
from saksrobot.invoices.model import EhfDocument, Finding

RULES_VERSION = "Peppol BIS Billing 3.0.21 (rules 2026.5; CEN EN 16931 1.3.16)"
"""The official release the implemented rules follow."""

_OWN = {
    "SAKSROBOT-KID": "KID (PaymentMeans/PaymentID) har gyldig kontrollsiffer, MOD10 eller MOD11. Advarsel: "
                     "ingen offisiell regel kontrollerer KID.",
    "SAKSROBOT-FORMAT": "Datoer, beløp og vedlegg som roboten leser, har gyldig format (xs:date, xs:decimal, "
                        "base64); i den offisielle valideringen fanges dette av XSD-kontrollen.",
}

IMPLEMENTED_RULES: Mapping[str, str] = MappingProxyType(
    {**rules_en16931.DESCRIPTIONS, **rules_peppol.DESCRIPTIONS, **_OWN})
"""Every rule id :func:`check` can report, with what it checks (Norwegian)."""

_FIELD_NAMES = {"IssueDate": "fakturadato", "DueDate": "forfallsdato", "PaymentDueDate": "forfallsdato",
                "EmbeddedDocumentBinaryObject": "vedlegg (base64)"}


def check(doc: EhfDocument) -> list[Finding]:
    """All findings for ``doc``: fatal ones first, then warnings, each group in rule order."""
    findings = [*rules_en16931.check(doc), *rules_peppol.check(doc), *_own(doc)]
    return sorted(findings, key=lambda f: f.severity != "fatal")


def is_valid(findings: Iterable[Finding]) -> bool:
    """``True`` when no finding is fatal."""
    return all(f.severity != "fatal" for f in findings)


def _own(doc: EhfDocument) -> Iterator[Finding]:
    if doc.invalid_values:
        names = sorted({_FIELD_NAMES.get(name, name) for name in doc.invalid_values})
        yield Finding("SAKSROBOT-FORMAT", "fatal", f"Ugyldig format i {', '.join(names)} (dato skal være ÅÅÅÅ-MM-DD, "
                                                   "beløp et desimaltall med punktum, vedlegg base64).")
    if doc.kid and not is_valid_kid(doc.kid):
        yield Finding("SAKSROBOT-KID", "warning", "KID-nummeret har ikke gyldig kontrollsiffer (verken MOD10 eller "
                                                  "MOD11). Fakturaen behandles, men kontroller KID før betaling.")
