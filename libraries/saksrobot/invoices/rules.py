"""saksrobot's own rule checks of an EHF document: a subset of the official Peppol BIS Billing 3.0.21
validation (rules 2026.5 = CEN EN 16931 1.3.16 + Peppol + Norwegian national rules), with the
official rule ids and Norwegian messages, plus two rules of our own (``SAKSROBOT-…``). The robot
validates with the official release (:mod:`saksrobot.invoices.validation`); these checks give it
their Norwegian messages and the KID warning, and stand alone only where a site chooses
``invoices.validation = "builtin"``.

A ``fatal`` finding makes the document invalid (the process hands it to manual handling); a
``warning`` is reported and the document is processed. Rules not implemented here (code lists,
VAT-category rules, …) are listed in ``docs/invoice-rules.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

from saksrobot.domain.identity import is_valid_kid
from saksrobot.invoices import parse, rules_en16931, rules_peppol
from saksrobot.invoices.model import EhfDocument, Finding

RULES_VERSION = "Peppol BIS Billing 3.0.21 (rules 2026.5; CEN EN 16931 1.3.16)"
"""The official release the implemented rules follow."""

OWN_RULES: Mapping[str, str] = MappingProxyType({
    "SAKSROBOT-KID": "KID (PaymentMeans/PaymentID) har gyldig kontrollsiffer, MOD10 eller MOD11. Advarsel: "
                     "ingen offisiell regel kontrollerer KID.",
    "SAKSROBOT-FORMAT": "Beløp, forfallsdato for betaling og vedlegg har gyldig format (xs:decimal, xs:date, "
                        "base64); i den offisielle valideringen avvises slike filer av XSD-kontrollen.",
})
"""saksrobot's own rules (not in any official release)."""

BUILTIN_RULES: Mapping[str, str] = MappingProxyType({
    **rules_en16931.DESCRIPTIONS, **rules_peppol.DESCRIPTIONS,
    "PEPPOL-EN16931-F001": "Datoer (IssueDate, DueDate, TaxPointDate, StartDate, EndDate, ActualDeliveryDate) har "
                           "formatet ÅÅÅÅ-MM-DD."})
"""The official rules saksrobot's own checks implement (``invoices.validation = "builtin"``)."""

F001_DATES = dict(zip(parse.F001_DATES, ("fakturadato", "forfallsdato", "mva.-dato", "startdato", "sluttdato",
                                          "leveringsdato"), strict=True))  # their names for staff
_FORMAT_NAMES = {"PaymentDueDate": "forfallsdato for betaling", "EmbeddedDocumentBinaryObject": "vedlegg (base64)"}


def check(doc: EhfDocument) -> list[Finding]:
    """saksrobot's own findings for ``doc``: fatal ones first, then warnings, each group in rule order.
    A value the UBL schema refuses (an amount that is not a number) is the only finding then: the
    official validator's schema check rejects such a file before any rule is tried."""
    unreadable = [name for name in doc.invalid_values if name not in F001_DATES]
    if any(name not in _FORMAT_NAMES for name in unreadable):
        return [_format(unreadable)]
    findings = [*rules_en16931.check(doc), *rules_peppol.check(doc), *_own(doc, unreadable)]
    return sorted(findings, key=lambda f: f.severity != "fatal")


def is_valid(findings: Iterable[Finding]) -> bool:
    """``True`` when no finding is fatal."""
    return all(f.severity != "fatal" for f in findings)


def _format(names: Iterable[str]) -> Finding:
    shown = sorted({_FORMAT_NAMES.get(name, f"beløp ({name})") for name in names})
    return Finding("SAKSROBOT-FORMAT", "fatal", f"Ugyldig format i {', '.join(shown)} (beløp skal være et "
                                                "desimaltall med punktum, datoer ÅÅÅÅ-MM-DD, vedlegg base64).")


def _own(doc: EhfDocument, unreadable: list[str]) -> Iterator[Finding]:
    for name in doc.invalid_values:  # one finding per date, as the official rule
        if name in F001_DATES:
            yield Finding("PEPPOL-EN16931-F001", "fatal", f"Ugyldig {F001_DATES[name]} ({name}): en dato skal ha "
                                                          "formatet ÅÅÅÅ-MM-DD.")
    if unreadable:
        yield _format(unreadable)
    if doc.kid and not is_valid_kid(doc.kid):
        yield Finding("SAKSROBOT-KID", "warning", "KID-nummeret har ikke gyldig kontrollsiffer (verken MOD10 eller "
                                                  "MOD11). Fakturaen behandles, men kontroller KID før betaling.")


class _ImplementedRules(Mapping[str, str]):
    """The rules of the configured validation, read when first asked: the official release's (from
    ``invoices.validation_artefacts``) and saksrobot's own; the built-in ones alone when no release
    is configured or ``invoices.validation = "builtin"``."""

    def __init__(self) -> None:
        self._rules: Mapping[str, str] | None = None

    def _load(self) -> Mapping[str, str]:
        if self._rules is None:
            from saksrobot.errors import SaksrobotError
            from saksrobot.invoices.official import load
            from saksrobot.settings import load_settings

            rules = dict(BUILTIN_RULES)
            try:
                settings = load_settings()
                folder = settings.invoices.validation_artefacts
                if settings.invoices.validation == "official" and folder is not None:
                    rules |= {r.id: r.text for r in load(settings.path(folder)).rules.values()}
            except SaksrobotError:
                pass  # no (readable) release: the robot itself stops with the reason
            self._rules = MappingProxyType(rules | OWN_RULES)
        return self._rules

    def __getitem__(self, rule_id: str) -> str:
        return self._load()[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


IMPLEMENTED_RULES: Mapping[str, str] = _ImplementedRules()
"""Every rule id the checker can report, with what it checks."""
