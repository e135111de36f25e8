"""Incoming invoices: EHF (Peppol BIS Billing 3.0) parsing and rule checks. Bytes in, data out; no I/O.

    doc = parse_ehf(data)          # raises InvoiceRejected (a BusinessError) with a ``code``
    findings = check(doc)          # official rule ids; severity "fatal" or "warning"
    if not is_valid(findings): ...
"""

from saksrobot.invoices.model import Attachment, EhfDocument, Finding, Party, Totals
from saksrobot.invoices.parse import MAX_BYTES, InvoiceRejected, parse_ehf
from saksrobot.invoices.rules import IMPLEMENTED_RULES, check, is_valid

__all__ = [
    "IMPLEMENTED_RULES",
    "MAX_BYTES",
    "Attachment",
    "EhfDocument",
    "Finding",
    "InvoiceRejected",
    "Party",
    "Totals",
    "check",
    "is_valid",
    "parse_ehf",
]
