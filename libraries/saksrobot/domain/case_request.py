"""A case request: one row of the sheet that the municipality's units send the archive.

Columns (Norwegian, as the units write them): ``Id``, ``Tittel``, ``Intern tittel``,
``Sakstype``, ``Arkivdel``, ``Ansvarlig enhet``, ``Klassering``, ``Tilgangskode``, ``Hjemmel``,
``Tilgangsgruppe``, ``Parter``. ``Klassering`` is a ``;``-separated list of
``ORDNINGSPRINSIPP:verdi`` (a bare value means a K-code, ``FAGKLASSE PRINSIPP``);
``Parter`` is a ``;``-separated list of fødselsnumre and organisasjonsnumre.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from saksrobot.archive.models import ArchiveCode, ExternalId, NewCase, Party
from saksrobot.domain.identity import InvalidIdentityNumber, is_valid_orgnr, parse_fnr
from saksrobot.errors import BusinessError

COLUMNS = {
    "Id": "request_id", "Tittel": "title", "Intern tittel": "unofficial_title", "Sakstype": "case_type",
    "Arkivdel": "sub_archive", "Ansvarlig enhet": "responsible_unit", "Klassering": "classification",
    "Tilgangskode": "access_code", "Hjemmel": "paragraph", "Tilgangsgruppe": "access_group",
    "Parter": "parties",
}
_LABELS = {field: column for column, field in COLUMNS.items()}
PROCESS = "archive_cases"
DEFAULT_CLASS = "FAGKLASSE PRINSIPP"


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").replace("\n", ";").split(";") if part.strip()]


class InvalidRequest(BusinessError):
    """A request row that cannot become a case; the message names the column(s)."""

    code = "invalid_request"


class CaseRequest(BaseModel):
    """A validated case request. Identity numbers are checked; ``repr`` hides them."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True, hide_input_in_errors=True)

    request_id: str = Field(min_length=1)
    title: str = Field(min_length=1, repr=False)  # free text: never in a repr
    case_type: str = Field(min_length=1)
    responsible_unit: str = Field(min_length=1)
    unofficial_title: str | None = Field(None, repr=False)
    sub_archive: str | None = None
    classification: str | None = Field(None, repr=False)
    access_code: str = "U"
    paragraph: str | None = None
    access_group: str | None = None
    parties: str | None = Field(None, repr=False)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)

    @field_validator("access_code", mode="before")
    @classmethod
    def _default_open(cls, value: Any) -> Any:
        return value or "U"

    @field_validator("parties")
    @classmethod
    def _valid_parties(cls, value: str | None, info: ValidationInfo) -> str | None:
        for reference in _split(value):
            if len(reference) == 11:
                _check_fnr(reference, info)
            elif not (len(reference) == 9 and is_valid_orgnr(reference)):
                raise ValueError("ugyldig organisasjonsnummer eller fødselsnummer")
        return value

    @field_validator("classification")
    @classmethod
    def _valid_classes(cls, value: str | None, info: ValidationInfo) -> str | None:
        for code in cls._codes(value):
            if code.archive_type == "FNR":
                _check_fnr(code.code, info)
        return value

    @staticmethod
    def _codes(value: str | None) -> list[ArchiveCode]:
        codes = []
        for sort, item in enumerate(_split(value), start=1):
            kind, _, code = item.rpartition(":")
            kind = kind.strip().upper() or DEFAULT_CLASS
            codes.append(ArchiveCode(archive_type=kind, code=code.strip(), sort=sort,
                                     is_manual_text=kind == "FNR"))
        return codes

    @classmethod
    def from_row(cls, row: Mapping[str, Any], *, allow_synthetic_fnr: bool = True) -> CaseRequest:
        """Validate one sheet row (keyed by the Norwegian column names)."""
        data = {field: row.get(column) for column, field in COLUMNS.items()}
        try:
            return cls.model_validate(data, context={"allow_synthetic": allow_synthetic_fnr})
        except ValidationError as exc:
            raise InvalidRequest("; ".join(_reason(e) for e in exc.errors())) from None

    def to_new_case(self) -> NewCase:
        """The archive case this request asks for; the request id becomes the external id."""
        parties = tuple(Party(reference=r, unofficial=len(r) == 11) for r in _split(self.parties))
        return NewCase(
            title=self.title, unofficial_title=self.unofficial_title, case_type=self.case_type,
            sub_archive=self.sub_archive, responsible_unit=self.responsible_unit,
            archive_codes=tuple(self._codes(self.classification)), access_code=self.access_code,
            paragraph=self.paragraph, access_group=self.access_group, parties=parties,
            external_id=ExternalId.of(PROCESS, self.request_id),
        )


def _check_fnr(value: str, info: ValidationInfo) -> None:
    allow_synthetic = (info.context or {}).get("allow_synthetic", True)
    try:
        parse_fnr(value, allow_synthetic=allow_synthetic)
    except InvalidIdentityNumber as exc:
        raise ValueError(exc.message[0].lower() + exc.message[1:]) from None


def _reason(error: Mapping[str, Any]) -> str:
    column = _LABELS.get(str(error["loc"][0]), str(error["loc"][0])) if error["loc"] else "Rad"
    if error["type"] in ("missing", "string_too_short", "string_type"):
        return f"{column} mangler"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{column}: {message}"
