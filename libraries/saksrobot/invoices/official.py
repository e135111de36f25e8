"""The official Peppol BIS Billing 3 validation: a release's two stylesheets (the CEN EN 16931 rules
for UBL, then the Peppol and national rules) run by SaxonC-HE, their SVRL read into findings.

The stylesheets are installed data, not part of saksrobot: a site points ``invoices.validation_
artefacts`` at the folder of the release it validates against (OpenPEPPOL publishes one with every
BIS release). They are compiled once per process and run on every document, Invoice and CreditNote
alike, as the official validator does. Only a document the safe parser has read gets here, and
only its Invoice/CreditNote element (a Peppol envelope stripped): no DTD, entity or external
reference ever reaches the XSLT processor.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from xml.etree import ElementTree

from saksrobot.errors import ConfigurationError
from saksrobot.invoices.model import Finding

STYLESHEETS = ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL.xslt")
_SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_RULE = re.compile(r'<xsl:attribute name="id">([^<]+)</xsl:attribute>\s*<xsl:attribute name="flag">([^<]+)'
                   r'</xsl:attribute>.*?<svrl:text>(.*?)</svrl:text>', re.S)
_RELEASE = re.compile(r"^Release:[ \t]*(\S[^\r\n]*)", re.M)
_ID_PREFIX = re.compile(r"^\s*\[[^\]]+\]\s*-?\s*")


class ValidationUnavailable(ConfigurationError):
    """The release to validate against is missing or unreadable: the invoice robot does not start."""

    code = "validation_unavailable"


class ValidationFailed(Exception):
    """The stylesheets stopped on the document (a value the UBL schema forbids, e.g. ``x12.50`` as an
    amount): the official validator rejects such a document in its schema check."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Literal["fatal", "warning"]
    text: str  # the release's own (English) text


class OfficialRules:
    """The compiled stylesheets of one release. Use :func:`load` (compiled once per folder)."""

    def __init__(self, folder: Path) -> None:
        files = [folder / name for name in STYLESHEETS]
        missing = [f.name for f in files if not f.is_file()]
        if missing:
            raise ValidationUnavailable(
                f"Fant ikke de offisielle valideringsfilene ({', '.join(missing)}) i {folder}. Sett "
                "invoices.validation_artefacts til mappen med Peppol BIS Billing-utgaven som skal brukes.")
        try:
            texts = [f.read_text(encoding="utf-8") for f in files]
        except (OSError, UnicodeDecodeError) as error:
            raise ValidationUnavailable(f"Kan ikke lese valideringsfilene i {folder} ({type(error).__name__}).") \
                from None
        self.folder = folder
        self.release = _release(folder)
        self.rules = {rule_id: Rule(rule_id, "fatal" if flag == "fatal" else "warning", _plain(text))
                      for text_ in texts for rule_id, flag, text in _RULE.findall(text_)}
        if not self.rules:
            raise ValidationUnavailable(f"Valideringsfilene i {folder} inneholder ingen regler.")
        self._lock = threading.Lock()  # one SaxonC processor per process; calls one at a time
        try:
            from saxonche import PySaxonProcessor

            self._saxon = PySaxonProcessor(license=False)
            compiler = self._saxon.new_xslt30_processor()
            self._stylesheets = [compiler.compile_stylesheet(stylesheet_file=str(f)) for f in files]
        except Exception as error:  # noqa: BLE001 - SaxonC raises its own types (PySaxonApiError ...)
            raise ValidationUnavailable(f"Valideringsfilene i {folder} kan ikke kompileres: {error}") from None

    def count(self, severity: str) -> int:
        return sum(rule.severity == severity for rule in self.rules.values())

    def validate(self, ubl: str) -> list[Finding]:
        """The release's findings for one UBL document (its text), in the stylesheets' order;
        :class:`ValidationFailed` when the stylesheets cannot finish on it."""
        with self._lock:
            try:
                node = self._saxon.parse_xml(xml_text=ubl)
                reports = [sheet.transform_to_string(xdm_node=node) for sheet in self._stylesheets]
            except Exception as error:  # noqa: BLE001 - SaxonC's own error types
                raise ValidationFailed(str(error).splitlines()[0] if str(error) else type(error).__name__) from None
        findings = []
        for report in reports:
            for failed in ElementTree.fromstring(report.encode()).iter(f"{_SVRL}failed-assert"):  # our own output
                rule_id = failed.get("id", "")
                text = _plain(failed.findtext(f"{_SVRL}text") or "")
                severity = "fatal" if failed.get("flag") == "fatal" else "warning"
                findings.append(Finding(rule_id, severity, text, location=failed.get("location", "")))
        return findings


def _plain(text: str) -> str:
    """A rule's text without its ``[ID]-`` prefix and surplus white space."""
    return " ".join(_ID_PREFIX.sub("", text).split())


def _release(folder: Path) -> str:
    """The release's name, from the ``Release:`` line of its PROVENANCE.md (else the folder's name)."""
    try:
        match = _RELEASE.search((folder / "PROVENANCE.md").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        match = None
    if match is None:
        return folder.name
    line = match.group(1).strip()
    return line[:line.index(")") + 1] if ")" in line else line.rstrip(".")


_loaded: dict[Path, OfficialRules] = {}
_loading = threading.Lock()


def load(folder: Path) -> OfficialRules:
    """The release in ``folder``, compiled once per process."""
    folder = Path(folder).resolve()
    with _loading:
        if folder not in _loaded:
            _loaded[folder] = OfficialRules(folder)
        return _loaded[folder]
