"""Where the shared EHF test corpus is (real Peppol/EHF invoices, valid and invalid, with the rule each
breaks; see its MANIFEST.md). It is not part of the repository: tests and benchmarks use it when found."""

from __future__ import annotations

import os
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[3]


def official_artefacts() -> Path | None:
    """The official Peppol BIS Billing validation stylesheets beside the corpus (``official-xslt``)."""
    corpus = ehf_corpus()
    folder = corpus / "official-xslt" if corpus else None
    return folder if folder and (folder / "PEPPOL-EN16931-UBL.xslt").is_file() else None


def ehf_corpus() -> Path | None:
    """``SAKSROBOT_EHF_CORPUS``, else ``shared/data/ehf`` beside the checkout, else the workplace's
    ``/work/shared/data/ehf``; ``None`` when none exists."""
    candidates = [os.environ.get("SAKSROBOT_EHF_CORPUS"), CHECKOUT.parent / "shared/data/ehf",
                  "/work/shared/data/ehf"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "results.json").is_file():
            return Path(candidate)
    return None
