"""DocumentService: CreateDocument, GetDocuments. A document has no external id of its own."""

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
    ReadExternalIdValue,
    ReadField,
    ReadPart,
    Recorded,
    Remark,
    Request,
)


class DocumentContact(Part):
    Role: str | None = None  # Avsender, Mottaker, ...
    ReferenceNumber: str | None = None
    ExternalId: str | None = None
    IsUnofficial: bool | None = None
    DispatchChannel: str | None = None


class UnregisteredDocumentContact(Part):
    Role: str | None = None
    IsUnofficial: bool | None = None
    ContactName: str | None = None
    ContactCompanyName: str | None = None
    ReferenceNumber: str | None = None
    Address: str | None = None
    Country: str | None = None
    MobilePhone: str | None = None
    Phone: str | None = None
    Fax: str | None = None
    Email: str | None = None
    State: str | None = None
    ZipCode: str | None = None
    ZipPlace: str | None = None
    DispatchChannel: str | None = None


class CaseReference(Part):
    CaseNumber: str | None = None


class DocumentReference(Part):
    DocumentNumber: str | None = None


class FileFromTemplate(Part):
    Title: str | None = None
    TemplateId: str | None = None


class NewFile(Part):
    Title: str | None = None
    Format: str | None = None
    Base64Data: str | None = None
    Data: str | None = None
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


class DocumentEstate(Part):
    Recno: int | None = None
    ExternalId: str | None = None
    Role: str | None = None


class CreateDocumentArgs(Request):
    CaseNumber: str | None = None
    CaseExternalId: ExternalIdValue | None = None
    Archive: str | None = None
    DefaultValueSet: str | None = None
    ADContextUser: str | None = None
    Title: str | None = None
    UnofficialTitle: str | None = None
    DocumentDate: str | None = None
    Category: str | None = None
    Status: str | None = None
    AccessCode: str | None = None
    AccessGroup: str | None = None
    ResponsiblePersonRecno: int | None = None
    ResponsiblePersonIdNumber: str | None = None
    ResponsiblePersonEmail: str | None = None
    ResponsiblePersonUserId: str | None = None
    ResponsibleEnterpriseRecno: int | None = None
    ResponsibleEnterpriseNumber: str | None = None
    Contacts: list[DocumentContact] | None = None
    UnregisteredContacts: list[UnregisteredDocumentContact] | None = None
    SendersReference: str | None = None
    Paragraph: str | None = None
    JournalDate: str | None = None
    DispatchedDate: str | None = None
    FiledOnPaper: bool | None = None
    Notes: str | None = None
    ReferringCases: list[CaseReference] | None = None
    ReferringDocuments: list[DocumentReference] | None = None
    Keywords: list[str] | None = None
    FilesFromTemplate: list[FileFromTemplate] | None = None
    Files: list[NewFile] | None = None
    Remarks: list[Remark] | None = None
    Project: str | None = None
    AdditionalFields: list[AdditionalField] | None = None
    Estates: list[DocumentEstate] | None = None
    RevisionStatus: str | None = None
    SubArchive: str | None = None
    ArchiveCodes: list[ArchiveCode] | None = None
    RecordType: str | None = None


class CreateDocumentResponse(Recorded):
    DocumentNumber: str | None = None


class GetDocumentsArgs(Request):
    ADContextUser: str | None = None
    MaxReturnedDocuments: int | None = None
    IncludeFileData: bool | None = None
    CaseNumber: str | None = None
    CaseExternalId: ExternalIdValue | None = None
    DocumentNumber: str | None = None
    ContactReferenceNumber: str | None = None
    Title: str | None = None
    ContactExternalId: str | None = None
    IncludeRemarks: bool | None = None
    IncludeReferringCases: bool | None = None
    IncludeReferringDocuments: bool | None = None
    AdditionalFields: list[AdditionalField] | None = None
    LastDate: str | None = None
    Recno: int | None = None
    OnlyPublicInfo: bool | None = None
    Page: int | None = None
    SortingCriterion: str | None = None
    IncludeCustomFields: bool | None = None
    IncludeAccessMatrixRowPermissions: bool | None = None
    DateCriteria: list[DateCriterion] | None = None
    ContactRecnos: list[int] | None = None
    DocumentArchive: str | None = None
    AdditionalListFields: list[AdditionalListField] | None = None
    SubArchive: str | None = None
    ArchiveCode: str | None = None
    RecordType: str | None = None
    IncludeFiles: bool | None = None


class ReadDocumentContact(ReadPart):
    ExternalId: str | None = None
    ReferenceNumber: str | None = None
    Role: str | None = None
    SearchName: str | None = None
    Address: str | None = None
    ContactRecno: str | None = None
    Country: str | None = None
    Email: str | None = None
    ZipCode: str | None = None
    ZipPlace: str | None = None


class ReadFile(ReadPart):
    AccessCodeCode: str | None = None
    AccessCodeDescription: str | None = None
    Base64Data: str | None = None
    CategoryCode: str | None = None
    CategoryDescription: str | None = None
    CheckedOutBy: str | None = None
    DegradeCode: str | None = None
    DegradeDate: str | None = None
    DisposalCode: str | None = None
    DisposalDate: str | None = None
    FiledOnPaper: bool | None = None
    Format: str | None = None
    ModifiedBy: str | None = None
    Note: str | None = None
    PaperLocation: str | None = None
    Paragraph: str | None = None
    Recno: int | None = None
    RelationTypeCode: str | None = None
    RelationTypeDescription: str | None = None
    SignDate: str | None = None
    StatusCode: str | None = None
    StatusDescription: str | None = None
    Title: str | None = None
    Type: str | None = None
    URL: str | None = None
    VersionFormatCode: str | None = None
    VersionFormatDescription: str | None = None
    LastChangedDate: str | None = None
    AccessCodeRecno: str | None = None


class ReadRemark(ReadPart):
    Content: str | None = None
    CreatedBy: str | None = None
    CreatedDate: str | None = None
    ExpirationDate: str | None = None
    ModifiedBy: str | None = None
    ModifiedDate: str | None = None
    Title: str | None = None
    TypeCode: str | None = None
    TypeDescription: str | None = None


class ReadDocumentArchiveCode(ReadPart):
    ArciveCode: str | None = None  # sic: the real answer misspells it
    ArchiveType: str | None = None


class Document(ReadPart):
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
    Contacts: list[ReadDocumentContact] | None = None
    Files: list[ReadFile] | None = None
    Remarks: list[ReadRemark] | None = None
    ReferringCases: list[str] | None = None
    ReferringDocuments: list[str] | None = None
    OfficialTitle: str | None = None
    CreatedDate: str | None = None
    CaseRecno: str | None = None
    LastChangedDate: str | None = None
    CustomFields: list[ReadField] | None = None
    DocumentRowPermissions: str | None = None
    DocumentArchive: Code | None = None
    SubArchive: Code | None = None
    URL: str | None = None
    ArchiveCodes: list[ReadDocumentArchiveCode] | None = None
    RecordType: Code | None = None
    AccessGroup: str | None = None


class GetDocumentsResponse(Page):
    Documents: list[Document] | None = None
