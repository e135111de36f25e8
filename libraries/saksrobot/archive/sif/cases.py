"""CaseService: CreateCase, GetCases, UpdateCase."""

from __future__ import annotations

from typing import Any

from saksrobot.archive.sif._base import (
    AdditionalField,
    AdditionalListField,
    ArchiveCode,
    Code,
    DateCriterion,
    EnterpriseRef,
    ExternalIdValue,
    Page,
    Part,
    PersonRef,
    ReadArchiveCode,
    ReadExternalIdValue,
    ReadField,
    ReadPart,
    Recorded,
    Remark,
    Request,
)


class CaseContact(Part):
    Role: str | None = None
    ExternalId: str | None = None
    ReferenceNumber: str | None = None  # fnr, orgnr or recno:<n>
    IsUnofficial: bool | None = None
    ContactId: str | None = None


class UnregisteredCaseContact(Part):
    """A party without an identity number in the contact register (a name and an e-mail address)."""

    Role: str | None = None
    IsUnofficial: bool | None = None
    ContactName: str | None = None
    ContactCompanyName: str | None = None
    ReferenceNumber: str | None = None
    Address: str | None = None
    Country: str | None = None
    MobilePhone: str | None = None
    Phone: str | None = None
    Email: str | None = None
    State: str | None = None
    ZipCode: str | None = None
    ZipPlace: str | None = None


class Estate(Part):
    Recno: int | None = None
    ExternalId: str | None = None


class _CaseFields(Request):
    """What CreateCase and UpdateCase both take."""

    ADContextUser: str | None = None
    ExternalId: ExternalIdValue | None = None
    Title: str | None = None
    UnofficialTitle: str | None = None
    Status: str | None = None
    StartDate: str | None = None
    JournalUnit: str | None = None
    SubArchive: str | None = None
    ArchiveCodes: list[ArchiveCode] | None = None
    FiledOnPaper: bool | None = None
    Keywords: list[str] | None = None
    AccessCode: str | None = None
    Paragraph: str | None = None
    AccessGroup: str | None = None
    Notes: str | None = None
    ResponsibleEnterpriseRecno: int | None = None
    ResponsibleEnterpriseNumber: str | None = None
    ResponsiblePersonRecno: int | None = None
    ResponsiblePersonIdNumber: str | None = None
    ResponsiblePersonEmail: str | None = None
    ResponsiblePersonUserId: str | None = None
    Remarks: list[Remark] | None = None
    Contacts: list[CaseContact] | None = None
    UnregisteredContacts: list[UnregisteredCaseContact] | None = None
    Project: str | None = None
    ScrapCode: str | None = None
    ReferringCases: list[str] | None = None
    Category: str | None = None
    Estates: list[Estate] | None = None
    AdditionalFields: list[AdditionalField] | None = None
    ProgressPlanId: str | None = None


class CreateCaseArgs(_CaseFields):
    ClosedDate: str | None = None
    CaseType: str | None = None
    DefaultValueSet: str | None = None


class UpdateCaseArgs(_CaseFields):
    CaseNumber: str | None = None
    SyncCaseContacts: bool | None = None


class CaseResponse(Recorded):
    """CreateCase and UpdateCase answer the case's record and number."""

    CaseNumber: str | None = None


class GetCasesArgs(Request):
    ADContextUser: str | None = None
    Recno: int | None = None
    ContactReferenceNumber: str | None = None
    CaseNumber: str | None = None
    ExternalId: ExternalIdValue | None = None
    Title: str | None = None  # % wildcards
    MaxReturnedCases: int | None = None
    ArchiveCode: str | None = None
    ProjectNumber: str | None = None
    CategoryCode: str | None = None
    IncludeReferringCases: bool | None = None
    IncludeReferringDocuments: bool | None = None
    IncludeCaseContacts: bool | None = None
    IncludeCaseEstates: bool | None = None
    IncludeAccessMatrixRowPermissions: bool | None = None
    AdditionalFields: list[AdditionalField] | None = None
    Page: int | None = None
    LastDate: str | None = None
    OnlyPublicInfo: bool | None = None
    SortCriterion: str | None = None
    IncludeCustomFields: bool | None = None
    ContactExternalId: str | None = None
    DateCriteria: list[DateCriterion] | None = None
    ContactRecnos: list[int] | None = None
    CaseType: str | None = None
    SubArchive: str | None = None
    UnofficialTitle: str | None = None
    AdditionalListFields: list[AdditionalListField] | None = None
    ProgressPlanId: str | None = None
    IncludeDocuments: bool | None = None
    IncludeFiles: bool | None = None
    ArchiveCodes: list[str] | None = None
    IncludeProgressPlan: bool | None = None
    IncludeSubjectSpecificMetaData: bool | None = None


class ReadCaseAddress(ReadPart):
    Type: str | None = None
    Area: str | None = None
    Country: str | None = None
    County: str | None = None
    State: str | None = None
    StreetAddress: str | None = None
    ZipCode: str | None = None
    ZipPlace: str | None = None


class ReadCaseContact(ReadPart):
    """A case's contact as GetCases answers it: ``Referencenumber``, and no ``IsUnofficial``."""

    Address: ReadCaseAddress | None = None
    ContactName: str | None = None
    ContactType: str | None = None
    Recno: int | None = None
    Referencenumber: str | None = None
    Role: str | None = None


class CaseFile(ReadPart):
    Title: str | None = None
    Format: str | None = None
    Base64Data: str | None = None
    Data: list[Any] | None = None
    RelationType: str | None = None
    VersionFormat: str | None = None
    Note: str | None = None
    Category: str | None = None
    Status: str | None = None
    AccessCode: str | None = None
    DegradeCode: str | None = None
    DegradeDate: str | None = None
    FiledOnPaper: bool | None = None
    PaperLocation: str | None = None
    UploadedFileReference: str | None = None
    AdditionalFields: Any = None


class CaseDocument(ReadPart):
    """A document inside a GetCases answer (``IncludeDocuments``); some parts' shapes are not published."""

    Recno: int | None = None
    DocumentNumber: str | None = None
    CaseNumber: str | None = None
    CaseExternalId: ReadExternalIdValue | None = None
    Title: str | None = None
    DocumentDate: str | None = None
    JournalDate: str | None = None
    Category: Code | None = None
    Type: Code | None = None
    StatusCode: str | None = None
    StatusDescription: str | None = None
    AccessCodeDescription: str | None = None
    AccessCodeCode: str | None = None
    AccessCodeRecno: str | None = None
    Paragraph: str | None = None
    ResponsibleEnterprise: EnterpriseRef | None = None
    ResponsibleEnterpriseName: str | None = None
    ResponsiblePerson: PersonRef | None = None
    ResponsiblePersonName: str | None = None
    Contacts: Any = None
    Files: list[CaseFile] | None = None
    Remarks: Any = None
    ReferringCases: Any = None
    ReferringDocuments: Any = None
    OfficialTitle: str | None = None
    CreatedDate: str | None = None
    CaseRecno: str | None = None
    LastChangedDate: str | None = None
    CustomFields: Any = None
    DocumentRowPermissions: str | None = None
    DocumentArchive: Code | None = None
    SubArchive: Code | None = None
    URL: str | None = None
    ArchiveCodes: Any = None
    RecordType: Code | None = None
    AccessGroup: str | None = None


class ProgressPlanValue(ReadPart):
    Recno: str | None = None
    Description: str | None = None
    WorkunitID: str | None = None


class Case(ReadPart):
    Recno: int | None = None
    CaseNumber: str | None = None
    ExternalId: ReadExternalIdValue | None = None
    Title: str | None = None
    Date: str | None = None
    Status: str | None = None  # the status's description, e.g. "Under behandling"
    AccessCodeDescription: str | None = None
    AccessCodeCode: str | None = None
    AccessGroup: str | None = None
    Paragraph: str | None = None
    ResponsibleEnterprise: EnterpriseRef | None = None
    ResponsibleEnterpriseName: str | None = None
    ResponsiblePerson: PersonRef | None = None
    ResponsiblePersonName: str | None = None
    ArchiveCodes: list[ReadArchiveCode] | None = None
    Documents: list[CaseDocument] | None = None
    ReferringCases: Any = None
    ReferringDocuments: Any = None
    UnofficialTitle: str | None = None
    CreatedDate: str | None = None
    Notes: str | None = None
    CaseTypeCode: str | None = None
    CaseTypeDescription: str | None = None
    Contacts: list[ReadCaseContact] | None = None
    ProjectRecno: str | None = None
    ProjectName: str | None = None
    SubArchive: str | None = None
    SubArchiveCode: str | None = None
    CaseEstates: Any = None
    CaseRowPermissions: str | None = None
    CustomFields: list[ReadField] | None = None
    LastChangedDate: str | None = None
    ProgressPlan: ProgressPlanValue | None = None
    SubjectSpecificMetaData: str | None = None
    SubjectSpecificMetaDataNamespace: str | None = None
    URL: str | None = None


class GetCasesResponse(Page):
    Cases: list[Case] | None = None
