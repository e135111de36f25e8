"""What robots read from and write to the school-admin system, independent of the back-end.

Every model that holds a name or a fødselsnummer has a ``repr`` that shows only its id: these
objects pass through Robot Framework, whose log shows keyword arguments and return values.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from saksrobot.errors import BusinessError

M = TypeVar("M", bound=BaseModel)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class _Private(_Model):
    def __repr__(self) -> str:
        return f"{type(self).__name__}({getattr(self, 'id', '***')})"

    __str__ = __repr__


class ChildKind(StrEnum):
    PUPIL = "elev"
    KINDERGARTEN = "barn"


class Unit(_Model):
    """A school or kindergarten; ``access_group`` is its access group in the archive."""

    id: int | None = None  # the UI does not show it
    name: str
    orgnr: str
    kind: str  # "skole" | "barnehage"
    access_group: str


class Child(_Private):
    """A pupil or kindergarten child in the register."""

    id: str
    kind: ChildKind
    first_name: str
    last_name: str
    fnr: str
    address: str | None = None
    unit: Unit
    grade: str | None = None
    enrolled: date | None = None
    folder_case_number: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Guardian(_Private):
    name: str
    fnr: str | None = None
    phone: str | None = None
    email: str | None = None
    parental_responsibility: bool = True
    lives_with_child: bool = True
    consent: bool = False


class Referrer(_Private):
    """Who referred the child: a school, kindergarten, health station, child welfare, the
    guardians themselves or the pupil (``kind`` "eleven selv")."""

    kind: str
    name: str
    orgnr: str | None = None
    contact_person: str | None = None
    phone: str | None = None


class ReferredChild(_Private):
    """The child as the referral describes it (it may differ from the register)."""

    first_name: str
    last_name: str
    fnr: str
    address: str | None = None
    unit_name: str | None = None
    unit_orgnr: str | None = None
    grade: str | None = None
    mother_tongue: str | None = None
    interpreter_needed: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Reason(_Model):
    category: str
    text: str = Field("", repr=False)  # free text


class AttachmentInfo(_Model):
    n: int
    title: str = Field(repr=False)  # free text, like the file name
    filename: str = Field(repr=False)
    mime: str = "application/octet-stream"
    size: int | None = None


class Attachment(_Model):
    """An attachment's bytes."""

    title: str
    filename: str
    mime: str
    data: bytes

    def __repr__(self) -> str:
        return f"Attachment({self.mime}, {len(self.data)} bytes)"  # its title and file name are free text

    __str__ = __repr__


class Referral(_Private):
    """A referral (henvisning) to PPT in the school-admin inbox."""

    id: str
    received: datetime
    status: str
    case_number: str | None = None
    referral_type: str
    child: ReferredChild
    guardians: tuple[Guardian, ...] = ()
    referrer: Referrer
    reason: Reason
    to_assess: str | None = None
    measures_tried: str | None = None
    attachments: tuple[AttachmentInfo, ...] = ()


def validated(model: type[M], data: Any, what: str) -> M:
    """``model`` from the system's data; incomplete data is bad data (a business error) and the
    message names only the fields, never their values."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = ", ".join(".".join(map(str, e["loc"])) or "?" for e in exc.errors(include_input=False))
        raise BusinessError(f"Oppvekstsystemet ga ufullstendige opplysninger om {what} ({fields})",
                            code="incomplete_data") from None
