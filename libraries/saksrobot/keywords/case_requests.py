"""CaseRequestsLibrary: keywords for the archive_cases process (request sheet -> cases)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from robot.api import logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn

from saksrobot import sheets
from saksrobot.domain.case_request import CaseRequest
from saksrobot.errors import ApplicationError, BusinessError
from saksrobot.keywords.archive import ArchiveLibrary
from saksrobot.settings import Settings, load_settings

RESULT_COLUMNS = ["Rad", "Id", "Tittel", "Resultat", "Saksnummer", "Årsak"]


class Result(StrEnum):
    CREATED = "Opprettet"
    EXISTED = "Fantes fra før"
    REJECTED = "Avvist"
    FAILED = "Feilet"


@dataclass
class RequestRow:
    """One row of the request sheet. ``repr`` shows no personal data."""

    row: int
    request_id: str
    title: str
    request: CaseRequest | None = field(default=None, repr=False)
    error: str | None = None


@library(scope="SUITE", version="0.1.0", doc_format="ROBOT")
class CaseRequestsLibrary:
    """Keywords for turning a sheet of case requests into cases in the archive.

    The sheet (``.xlsx`` or ``.csv``) has the columns ``Id``, ``Tittel``, ``Intern tittel``,
    ``Sakstype``, ``Arkivdel``, ``Ansvarlig enhet``, ``Klassering``, ``Tilgangskode``,
    ``Hjemmel``, ``Tilgangsgruppe`` and ``Parter``. Each row is validated; a row with bad data
    is rejected with a reason and never stops the others. The result sheet has one line per
    row: ``Opprettet``, ``Fantes fra før`` (a re-run), ``Avvist`` (bad data, with the reason)
    or ``Feilet`` (the archive failed even after retries).

    Needs `ArchiveLibrary` imported and opened in the same suite.

    Example:
    | ${requests}= | `Read Case Requests` | ${CURDIR}/saksforespørsler.xlsx |
    | FOR | ${request} | IN | @{requests} |
    |     | `Create Case For Request` | ${request} |
    | END |
    | `Write Result Sheet` | ${OUTPUT_DIR}/resultat.xlsx |
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings or load_settings()
        self._results: list[dict[str, str]] = []

    @keyword
    def read_case_requests(self, path: Path) -> list[RequestRow]:
        """Reads and validates the request sheet; returns one item per non-empty row.

        Rows that fail validation are returned too, carrying their reason, so that
        `Create Case For Request` can report them.

        Example:
        | ${requests}= | `Read Case Requests` | ${CURDIR}/data/requests.csv |
        """
        rows = []
        for number, raw in enumerate(sheets.read_rows(Path(path)), start=2):
            item = RequestRow(row=number, request_id=str(raw.get("Id") or "").strip(),
                              title=str(raw.get("Tittel") or "").strip())
            try:
                item.request = CaseRequest.from_row(
                    raw, allow_synthetic_fnr=self._settings.identity.allow_synthetic_fnr)
            except BusinessError as exc:
                item.error = exc.message
            rows.append(item)
        logger.info(f"Read {len(rows)} request(s) from {Path(path).name}, "
                    f"{sum(r.error is not None for r in rows)} invalid")
        return rows

    @keyword
    def create_case_for_request(self, request: RequestRow) -> str:
        """Creates the case a request asks for and records the outcome; returns the result.

        Never fails on one row: bad data is recorded as ``Avvist`` with the reason, and an
        archive that fails even after retries as ``Feilet``. A request whose case already
        exists (same ``Id``) gets the existing case number, ``Fantes fra før``.

        Example:
        | ${result}= | `Create Case For Request` | ${request} |
        """
        outcome = {"Rad": str(request.row), "Id": request.request_id, "Tittel": request.title}
        try:
            if request.request is None:
                raise BusinessError(request.error or "Ugyldig rad")
            result = self._archive().archive.create_case(request.request.to_new_case())
            outcome |= {"Resultat": Result.CREATED if result.created else Result.EXISTED,
                        "Saksnummer": result.case_number}
            logger.info(f"Row {request.row} ({request.request_id}): {outcome['Resultat']} {result.case_number}")
        except BusinessError as exc:
            outcome |= {"Resultat": Result.REJECTED, "Årsak": exc.message}
            logger.warn(f"Row {request.row} ({request.request_id}) rejected: {exc.message}")
        except ApplicationError as exc:
            outcome |= {"Resultat": Result.FAILED, "Årsak": exc.message}
            logger.error(f"Row {request.row} ({request.request_id}) failed: {exc.message}")
        self._results.append(outcome)
        return outcome["Resultat"]

    @keyword
    def write_result_sheet(self, path: Path) -> Path:
        """Writes the outcome of every request handled so far (``.xlsx`` or ``.csv``).

        Example:
        | `Write Result Sheet` | ${OUTPUT_DIR}/resultat.xlsx |
        """
        written = sheets.write_rows(Path(path), RESULT_COLUMNS, self._results)
        counts = Counter(r["Resultat"] for r in self._results)
        logger.info(f"Result sheet {written}: " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
        return written

    @keyword
    def no_request_should_have_failed(self) -> None:
        """Fails the task when the archive failed for a request even after retries.

        Rejected rows (bad data) do not fail the task: they are reported in the result sheet.

        Example:
        | [Teardown] | `No Request Should Have Failed` |
        """
        failed = [r["Id"] for r in self._results if r["Resultat"] == Result.FAILED]
        if failed:
            raise AssertionError(f"The archive failed for {len(failed)} request(s): {', '.join(failed)}")

    @staticmethod
    def _archive() -> ArchiveLibrary:
        for instance in BuiltIn().get_library_instance(all=True).values():
            if isinstance(instance, ArchiveLibrary):
                return instance
        raise ApplicationError("ArchiveLibrary is not imported in this suite", code="not_open")
