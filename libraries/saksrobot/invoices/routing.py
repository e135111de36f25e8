"""The routing register: which unit receives an invoice and who approves it, by its references.

Finance staff keep the register as TOML (``invoices.references``, default
``config/invoice_references.toml``). An invoice is routed by its BuyerReference ("Deres ref"),
else its OrderReference, else its AccountingCost: the first that is in the register wins.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from saksrobot.errors import BusinessError, ConfigurationError


class Reference(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    description: str = Field("", repr=False)


@dataclass(frozen=True)
class Route:
    unit: str
    approver: str
    matched_by: str  # "BuyerReference" | "OrderReference" | "AccountingCost"
    reference: str


class UnknownReference(BusinessError):
    code = "unknown_reference"


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


class ReferenceRegister:
    def __init__(self, references: list[Reference]) -> None:
        self._by_key: dict[str, Reference] = {}
        for ref in references:
            if _key(ref.reference) in self._by_key:
                raise ConfigurationError(f"invoices.references: «{ref.reference}» is listed twice")
            self._by_key[_key(ref.reference)] = ref

    @classmethod
    def load(cls, path: Path) -> ReferenceRegister:
        """Read the register; a missing file or a bad entry fails fast, naming the entry."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            return cls([Reference.model_validate(r) for r in data.get("reference", [])])
        except FileNotFoundError:
            raise ConfigurationError(f"invoices.references: {path} does not exist") from None
        except (tomllib.TOMLDecodeError, ValidationError) as exc:
            raise ConfigurationError(f"invoices.references: {path} is not valid: {exc}") from None

    def __len__(self) -> int:
        return len(self._by_key)

    def route(self, buyer_reference: str | None, order_reference: str | None,
              accounting_cost: str | None) -> Route:
        """The route of the first known reference, or :class:`UnknownReference` naming them all."""
        given = [("BuyerReference", buyer_reference), ("OrderReference", order_reference),
                 ("AccountingCost", accounting_cost)]
        for field, value in given:
            if value and (ref := self._by_key.get(_key(value))):
                return Route(unit=ref.unit, approver=ref.approver, matched_by=field, reference=ref.reference)
        shown = ", ".join(f"{f} «{v}»" for f, v in given if v) or "ingen referanse på fakturaen"
        raise UnknownReference(f"Ukjent referanse: {shown}. Legg referansen inn i rutingsregisteret "
                               "eller send fakturaen til riktig enhet manuelt")
