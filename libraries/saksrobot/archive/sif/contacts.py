"""ContactService: private persons and enterprises (``ExternalID`` with a capital D here)."""

from __future__ import annotations

from saksrobot.archive.sif._base import (
    AdditionalField,
    AdditionalListField,
    Address,
    DateCriterion,
    DateRange,
    Page,
    Part,
    ReadAddress,
    ReadField,
    ReadPart,
    Request,
)


class ContactRelation(Part):
    Recno: int | None = None
    ReferenceNumber: str | None = None
    ExternalId: str | None = None
    Role: str | None = None


class _ContactFields(Request):
    ADContextUser: str | None = None
    DataSource: str | None = None
    ContactRelations: list[ContactRelation] | None = None
    ExternalID: str | None = None
    PhoneNumber: str | None = None
    MobilePhone: str | None = None
    Email: str | None = None
    PostAddress: Address | None = None
    Categories: list[str] | None = None
    CustomNo1: str | None = None
    CustomNo2: str | None = None
    CustomNo3: str | None = None
    Active: bool | None = None
    CreatedDate: str | None = None
    ModifiedDate: str | None = None
    AccessGroup: str | None = None
    AdditionalFields: list[AdditionalField] | None = None
    AlternativeEmail: str | None = None


class SynchronizePrivatePersonArgs(_ContactFields):
    FirstName: str | None = None
    MiddleName: str | None = None
    LastName: str | None = None
    PersonalIdNumber: str | None = None
    PrivateAddress: Address | None = None
    WorkAddress: Address | None = None
    Gender: str | None = None
    Title: str | None = None


class SynchronizeEnterpriseArgs(_ContactFields):
    EnterpriseNumber: str | None = None
    Name: str | None = None
    Telefax: str | None = None
    OfficeAddress: Address | None = None
    Initials: str | None = None
    Web: str | None = None
    ParentEnterpriseNumber: str | None = None


class _Search(Request):
    ADContextUser: str | None = None
    Recno: int | None = None
    Name: str | None = None
    ExternalID: str | None = None
    Active: bool | None = None
    Categories: list[str] | None = None
    CreatedDateRange: DateRange | None = None
    ModifiedDateRange: DateRange | None = None
    Page: int | None = None
    MaxRows: int | None = None
    SortCriterion: str | None = None
    AdditionalFields: list[AdditionalField] | None = None
    IncludeCustomFields: bool | None = None
    DateCriteria: list[DateCriterion] | None = None
    Email: str | None = None
    AlternativeEmail: str | None = None
    AdditionalListFields: list[AdditionalListField] | None = None


class GetPrivatePersonsArgs(_Search):
    PersonalIdNumber: str | None = None
    CustomNo1: str | None = None
    CustomNo2: str | None = None
    CustomNo3: str | None = None


class GetEnterprisesArgs(_Search):
    """No ``IsInternal``: internal units are found by their category (``Categories``)."""

    EnterpriseNumber: str | None = None
    Initials: str | None = None


class _ReadContact(ReadPart):
    Recno: int | None = None
    ExternalID: str | None = None
    MobilePhone: str | None = None
    PhoneNumber: str | None = None
    Email: str | None = None
    PostAddress: ReadAddress | None = None
    Categories: list[str] | None = None
    CustomNo1: str | None = None
    CustomNo2: str | None = None
    CustomNo3: str | None = None
    Active: bool | None = None
    CreatedDate: str | None = None
    ModifiedDate: str | None = None
    AccessGroup: str | None = None
    AdditionalFields: list[ReadField] | None = None
    AlternativeEmail: str | None = None


class PrivatePerson(_ReadContact):
    FirstName: str | None = None
    MiddleName: str | None = None
    LastName: str | None = None
    PersonalIdNumber: str | None = None
    PrivateAddress: ReadAddress | None = None
    WorkAddress: ReadAddress | None = None
    Gender: str | None = None
    Title: str | None = None


class ContactRelationName(ReadPart):
    Name: str | None = None


class Enterprise(_ReadContact):
    EnterpriseNumber: str | None = None
    Name: str | None = None
    Telefax: str | None = None
    OfficeAddress: ReadAddress | None = None
    Initials: str | None = None
    Web: str | None = None
    ParentEnterpriseNumber: str | None = None
    ContactRelations: list[ContactRelationName] | None = None


class GetPrivatePersonsResponse(Page):
    PrivatePersons: list[PrivatePerson] | None = None


class GetEnterprisesResponse(Page):
    Enterprises: list[Enterprise] | None = None
