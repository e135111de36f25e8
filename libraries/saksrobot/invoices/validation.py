"""What the invoice robot validates with: the official release a site installed (the default), or,
when a site chooses ``invoices.validation = "builtin"``, saksrobot's own checks only.

Official: the release's findings decide; saksrobot's own checks only add what the release lacks -
their Norwegian message for a rule both report, and warnings of their own (KID). A rule id of the
release that only the own checks report is dropped, so the robot never contradicts the release.
A document the stylesheets cannot finish on (an amount that is not a number) is what the official
validator's schema check rejects: it is reported as ``SAKSROBOT-FORMAT``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Protocol

from saksrobot.invoices.model import EhfDocument, Finding
from saksrobot.invoices.official import OfficialRules, ValidationFailed, ValidationUnavailable, load
from saksrobot.invoices.parse import ubl_text
from saksrobot.invoices.rules import BUILTIN_RULES, OWN_RULES, RULES_VERSION, check
from saksrobot.settings import Settings

BUILTIN_NOTE = ("Fakturaene er kontrollert bare med saksrobots egne regler (invoices.validation = \"builtin\"), "
                "ikke med den offisielle Peppol-valideringen")


class Validation(Protocol):
    name: str  # what a run summary says it validated with

    def findings(self, data: bytes, doc: EhfDocument) -> list[Finding]: ...


@dataclass
class Builtin:
    name: str = f"saksrobots egne regler ({len(BUILTIN_RULES)} av de offisielle, {RULES_VERSION})"

    def findings(self, data: bytes, doc: EhfDocument) -> list[Finding]:  # noqa: ARG002 - the document suffices
        return check(doc)


class Official:
    def __init__(self, rules: OfficialRules) -> None:
        self.rules = rules
        self.name = f"offisiell validering: {rules.release}"

    def findings(self, data: bytes, doc: EhfDocument) -> list[Finding]:
        own = check(doc)
        try:
            official = self.rules.validate(ubl_text(data))
        except ValidationFailed:  # the schema check of the official validator rejects it
            return [f for f in own if f.rule_id == "SAKSROBOT-FORMAT"] or [Finding(
                "SAKSROBOT-FORMAT", "fatal", "Fakturaen er ikke gyldig UBL: en verdi har feil format.")]
        counts = Counter(f.rule_id for f in official)
        # our Norwegian message where both found the rule once (more than once: which is which is unknown)
        norwegian = {f.rule_id: f.message for f in own if counts[f.rule_id] == 1
                     and sum(o.rule_id == f.rule_id for o in own) == 1}
        found = [Finding(f.rule_id, f.severity, norwegian.get(f.rule_id) or f"Offisiell regel (engelsk tekst): "
                         f"{f.message}", location=f.location) for f in official]
        found += [f for f in own if f.rule_id in OWN_RULES]
        return sorted(found, key=lambda f: f.severity != "fatal")


def open_validation(settings: Settings) -> Validation:
    """The configured validation; :class:`ValidationUnavailable` (the run stops) when the official
    release is not set, missing or unreadable."""
    if settings.invoices.validation == "builtin":
        return Builtin()
    if settings.invoices.validation_artefacts is None:
        raise ValidationUnavailable(
            "invoices.validation_artefacts er ikke satt: fakturaene kan ikke valideres. Sett den til mappen med "
            "den offisielle Peppol BIS Billing-utgaven (se README), eller velg invoices.validation = \"builtin\".")
    return Official(load(settings.path(settings.invoices.validation_artefacts)))
