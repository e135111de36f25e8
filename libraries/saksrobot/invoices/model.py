"""An EHF document (Peppol BIS Billing 3.0, UBL 2.1 Invoice or CreditNote) as data, and a finding of
the rule check. Built by :func:`saksrobot.invoices.parse.parse_ehf`; read by the rules and the process.

Every field the parser could not find is ``None`` (or empty): the rules, not the parser, decide
what is missing. Text is whitespace-normalised (XPath ``normalize-space``); amounts are ``Decimal``
in the document currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

Severity = Literal["fatal", "warning"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Party(_Model):
    """Seller (AccountingSupplierParty) or buyer (AccountingCustomerParty)."""

    present: bool = False  # the document has the party at all
    # names are not in a repr: a sole proprietorship's name is a person's
    name: str | None = Field(None, repr=False)  # the legal name, else the trading name
    registration_name: str | None = Field(None, repr=False)  # PartyLegalEntity/RegistrationName (BT-27 / BT-44)
    trading_name: str | None = Field(None, repr=False)  # PartyName/Name
    orgnr: str | None = None  # EndpointID 0192, else a 0192 CompanyID/PartyIdentification, else from NO…MVA
    endpoint_id: str | None = None
    endpoint_scheme: str | None = None
    vat_id: str | None = None  # PartyTaxScheme/CompanyID where TaxScheme/ID is VAT
    tax_registration: str | None = None  # PartyTaxScheme/CompanyID where TaxScheme/ID is TAX ("Foretaksregisteret")
    legal_id: str | None = None  # PartyLegalEntity/CompanyID
    legal_id_scheme: str | None = None
    country: str | None = None  # PostalAddress/Country/IdentificationCode
    has_postal_address: bool = False


class Totals(_Model):
    """cac:LegalMonetaryTotal, and the total VAT amount (TaxTotal/TaxAmount in the document currency)."""

    present: bool = False
    line_extension: Decimal | None = None
    tax_exclusive: Decimal | None = None
    tax_inclusive: Decimal | None = None
    allowance_total: Decimal | None = None
    charge_total: Decimal | None = None
    prepaid: Decimal | None = None
    rounding: Decimal | None = None
    payable: Decimal | None = None
    tax_amount: Decimal | None = None


class TaxTotal(_Model):
    amount: Decimal | None = None
    currency: str | None = None
    has_subtotals: bool = False
    subtotal_amounts: tuple[Decimal | None, ...] = ()


class AllowanceCharge(_Model):
    indicator: str | None = None  # cbc:ChargeIndicator as written: "true" = charge, "false" = allowance
    amount: Decimal | None = None

    @property
    def is_charge(self) -> bool | None:
        """The indicator as xs:boolean (``true``/``1``, ``false``/``0``); ``None`` when unreadable."""
        return {"true": True, "1": True, "false": False, "0": False}.get(self.indicator or "")


class Line(_Model):
    id: str | None = None
    amount: Decimal | None = None  # cbc:LineExtensionAmount
    quantity: Decimal | None = None  # InvoicedQuantity / CreditedQuantity
    price: Decimal | None = None  # Price/PriceAmount
    base_quantity: Decimal | None = None  # Price/BaseQuantity
    allowance_charges: tuple[AllowanceCharge, ...] = ()


class PaymentMeans(_Model):
    code: str | None = None
    payment_id: str | None = None  # KID for Norwegian invoices
    account: str | None = None  # PayeeFinancialAccount/ID
    has_account: bool = False


class Attachment(_Model):
    """An embedded document (AdditionalDocumentReference/Attachment/EmbeddedDocumentBinaryObject)."""

    id: str | None = None
    description: str | None = None
    filename: str | None = None
    mime: str | None = None
    data: bytes = b""

    def __repr__(self) -> str:
        return f"Attachment({self.mime!r}, {len(self.data)} bytes)"  # its file name and description are free text

    __str__ = __repr__


class Identifier(_Model):
    """An EndpointID, PartyIdentification/ID or CompanyID that has a schemeID, anywhere in the document."""

    element: str
    scheme: str
    value: str


class EhfDocument(_Model):
    document_type: Literal["Invoice", "CreditNote"]
    customization_id: str | None = None
    profile_id: str | None = None
    number: str | None = None
    issue_date: date | None = None
    due_date: date | None = None  # DueDate (credit notes: the first PaymentMeans/PaymentDueDate)
    type_code: str | None = None
    currency: str | None = None
    tax_currency: str | None = None
    buyer_reference: str | None = None
    order_reference: str | None = None
    accounting_cost: str | None = None
    seller: Party = Party()
    buyer: Party = Party()
    tax_representative_vat_id: str | None = None
    totals: Totals = Totals()
    tax_totals: tuple[TaxTotal, ...] = ()
    allowance_charges: tuple[AllowanceCharge, ...] = ()  # document level
    lines: tuple[Line, ...] = ()
    payment_means: tuple[PaymentMeans, ...] = ()
    kid: str | None = None
    billing_references: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    empty_elements: tuple[str, ...] = ()  # names of elements without any content
    invalid_values: tuple[str, ...] = ()  # names of elements whose date, amount or base64 is not in its format

    @computed_field  # type: ignore[prop-decorator]
    @property
    def line_amounts(self) -> tuple[Decimal | None, ...]:
        return tuple(line.amount for line in self.lines)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def supplier_key(self) -> str:
        """Seller orgnr (or electronic address) and invoice number: the supplier's unique key."""
        return f"{self.seller.orgnr or self.seller.endpoint_id}:{self.number}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken rule: an official rule id (or ``SAKSROBOT-…``), its severity and a Norwegian message."""

    rule_id: str
    severity: Severity
    message: str
    location: str = ""  # where in the document (an XPath, from the official validation)

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.message}"
