"""SupportService: code tables (case statuses, document categories, access codes, ...)."""

from __future__ import annotations

from saksrobot.archive.sif._base import ReadPart, Request, Response


class GetCodeTableRowsArgs(Request):
    CodeTableName: str | None = None
    IncludeExpiredValues: bool | None = None
    Language: str | None = None


class CodeTableRow(ReadPart):
    Language: str | None = None
    IsExpired: bool | None = None
    Recno: int | None = None
    Code: str | None = None
    Description: str | None = None


class GetCodeTableRowsResponse(Response):
    CodeTableRows: list[CodeTableRow] | None = None
