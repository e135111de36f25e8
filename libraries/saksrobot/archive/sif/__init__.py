"""The Public 360 SIF contract: the arguments and answers of every method saksrobot calls, with
the real names, nesting and casing (``tests/unit/archive/test_sif_contract.py`` compares them,
field by field and both ways, with the published samples in ``../shared/sif/payloads``).

The client builds every request from these models, so a misspelt argument fails before it is
sent; the simulator validates every request with them and refuses what the real API does not
have, and builds every answer from them.
"""

from __future__ import annotations

from saksrobot.archive.sif._base import ExternalIdValue, Recorded, Request, Response
from saksrobot.archive.sif.cases import CaseResponse, CreateCaseArgs, GetCasesArgs, GetCasesResponse, UpdateCaseArgs
from saksrobot.archive.sif.contacts import (
    GetEnterprisesArgs,
    GetEnterprisesResponse,
    GetPrivatePersonsArgs,
    GetPrivatePersonsResponse,
    SynchronizeEnterpriseArgs,
    SynchronizePrivatePersonArgs,
)
from saksrobot.archive.sif.documents import (
    CreateDocumentArgs,
    CreateDocumentResponse,
    GetDocumentsArgs,
    GetDocumentsResponse,
)
from saksrobot.archive.sif.support import GetCodeTableRowsArgs, GetCodeTableRowsResponse

# (service, method) -> (arguments, answer): every method of the contract
METHODS: dict[tuple[str, str], tuple[type[Request], type[Response]]] = {
    ("CaseService", "CreateCase"): (CreateCaseArgs, CaseResponse),
    ("CaseService", "GetCases"): (GetCasesArgs, GetCasesResponse),
    ("CaseService", "UpdateCase"): (UpdateCaseArgs, CaseResponse),
    ("DocumentService", "CreateDocument"): (CreateDocumentArgs, CreateDocumentResponse),
    ("DocumentService", "GetDocuments"): (GetDocumentsArgs, GetDocumentsResponse),
    ("ContactService", "SynchronizePrivatePerson"): (SynchronizePrivatePersonArgs, Recorded),
    ("ContactService", "GetPrivatePersons"): (GetPrivatePersonsArgs, GetPrivatePersonsResponse),
    ("ContactService", "SynchronizeEnterprise"): (SynchronizeEnterpriseArgs, Recorded),
    ("ContactService", "GetEnterprises"): (GetEnterprisesArgs, GetEnterprisesResponse),
    ("SupportService", "GetCodeTableRows"): (GetCodeTableRowsArgs, GetCodeTableRowsResponse),
}

__all__ = ["METHODS", "ExternalIdValue", "Request", "Response"]
