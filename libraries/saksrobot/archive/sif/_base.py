"""The building blocks of the contract: request models refuse any argument the real API does not
have (``extra="forbid"``); response models carry the real names and ignore what they do not know
(a newer Public 360 may answer with more)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Request(BaseModel):
    """Arguments of one SIF method: exactly the real names; anything else is refused."""

    model_config = ConfigDict(extra="forbid")

    def body(self) -> dict[str, Any]:
        """The ``parameter`` object as sent: the arguments that were set, nothing more."""
        return self.model_dump(mode="json", exclude_none=True)


class Response(BaseModel):
    """An answer of one SIF method, with the envelope every answer carries."""

    model_config = ConfigDict(extra="ignore")

    Successful: bool | None = None
    ErrorMessage: str | None = None
    ErrorDetails: str | None = None


class Part(BaseModel):
    """A nested object of a request (as strict as the request)."""

    model_config = ConfigDict(extra="forbid")


class ReadPart(BaseModel):
    """A nested object of a response."""

    model_config = ConfigDict(extra="ignore")


class ExternalIdValue(Part):
    Id: str | None = None
    Type: str | None = None


class ReadExternalIdValue(ReadPart):
    Id: str | None = None
    Type: str | None = None


class ArchiveCode(Part):
    ArchiveCode: str | None = None
    ArchiveType: str | None = None
    Sort: int | None = None
    IsManualText: bool | None = None


class ReadArchiveCode(ReadPart):
    ArchiveCode: str | None = None
    ArchiveType: str | None = None
    Sort: int | None = None
    IsManualText: bool | None = None


class Remark(Part):
    Title: str | None = None
    Content: str | None = None
    RemarkType: str | None = None


class AdditionalField(Part):
    """A site-defined field (``AdditionalFields`` in requests; read back as ``CustomFields``)."""

    Name: str | None = None
    Value: str | None = None


class ReadField(ReadPart):
    Name: str | None = None
    Value: str | None = None


class AdditionalListField(Part):
    Name: str | None = None
    Value: Any = None


class DateCriterion(Part):
    DateName: str | None = None
    Operator: str | None = None
    DateValue: str | None = None


class DateRange(Part):
    From: str | None = None
    To: str | None = None


class Code(ReadPart):
    """A code-table value as answers give it (a document's category, status, archive...)."""

    Recno: int | None = None
    Code: str | None = None
    Description: str | None = None


class EnterpriseRef(ReadPart):
    Email: str | None = None
    Recno: int | None = None
    ExternalId: str | None = None
    Referencenumber: str | None = None  # sic: lower-case n in answers
    Name: str | None = None
    Url: str | None = None
    Domain: int | None = None


class PersonRef(EnterpriseRef):
    UserId: str | None = None


class Address(Part):
    StreetAddress: str | None = None
    State: str | None = None
    ZipCode: str | None = None
    ZipPlace: str | None = None
    Country: str | None = None
    County: str | None = None
    Area: str | None = None


class ReadAddress(ReadPart):
    StreetAddress: str | None = None
    State: str | None = None
    ZipCode: str | None = None
    ZipPlace: str | None = None
    Country: str | None = None
    County: str | None = None
    Area: str | None = None


class Recorded(Response):
    """The answer of a method that writes one thing: its record number."""

    Recno: int | None = None


class Page(Response):
    TotalPageCount: int | None = None
    TotalCount: int | None = None
