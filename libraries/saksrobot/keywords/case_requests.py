"""CaseRequestsLibrary: keywords for the archive_cases process (request sheet -> cases)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from robot.api import logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn

from saksrobot import sheets
from saksrobot.domain.case_request import CaseRequest
from saksrobot.domain.identity import contains_fnr
from saksrobot.errors import BusinessError
from saksrobot.keywords._context import suite_library
from saksrobot.keywords.archive import ArchiveLibrary
from saksrobot.keywords.workitems import WorkItemsLibrary
from saksrobot.privacy import mask
from saksrobot.settings import Settings, load_settings
from saksrobot.workitems import State, WorkItem

RESULT_COLUMNS = ["Rad", "Id", "Tittel", "Resultat", "Saksnummer", "Årsak"]


@dataclass
class RequestRow:
    """One row of the request sheet. ``repr`` shows no personal data (no title; the key masked)."""

    row: int
    key: str
    title: str
    payload: dict[str, Any]

    def __repr__(self) -> str:
        return f"RequestRow(row={self.row}, key={mask(self.key)!r})"


def _text(value: Any) -> str:
    """A cell as text: Excel's 42.0 for an id typed as 42 becomes "42"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _result(item: WorkItem | None, run_id: str | None) -> dict[str, str]:
    """The result-sheet columns for a request, from its work item."""
    if item is None:
        return {"Resultat": "Ikke lest inn"}
    if item.state == State.DONE:
        created_now = item.result.get("created") and item.run_id == run_id
        return {"Resultat": "Opprettet" if created_now else "Fantes fra før",
                "Saksnummer": item.result.get("case_number", "")}
    shown = {State.MANUAL: "Avvist", State.FAILED: "Feilet", State.RESOLVED: "Behandlet manuelt",
             State.IN_PROGRESS: "Under behandling", State.PENDING: "Venter – prøves igjen"}
    return {"Resultat": shown[State(item.state)], "Årsak": item.reason_text or ""}


@library(scope="SUITE", version="0.1.0", doc_format="ROBOT")
class CaseRequestsLibrary:
    """Keywords for turning a sheet of case requests into cases in the archive.

    The sheet (``.xlsx`` or ``.csv``) has the columns ``Id``, ``Tittel``, ``Intern tittel``,
    ``Sakstype``, ``Arkivdel``, ``Ansvarlig enhet``, ``Klassering``, ``Tilgangskode``,
    ``Hjemmel``, ``Tilgangsgruppe`` and ``Parter``. Every row becomes a work item keyed by its
    ``Id``; a row with bad data is handed to archive staff with the reason and never stops the
    others. The result sheet has one line per row: ``Opprettet``, ``Fantes fra før`` (an earlier
    run made the case), ``Avvist`` (bad data, with the reason), ``Venter – prøves igjen`` (the
    archive failed; the item is retried later) or ``Feilet`` (it failed on every attempt).

    Needs `ArchiveLibrary` and `WorkItemsLibrary` (``process=archive_cases``) in the same suite.

    Example:
    | ${requests}= | `Read Case Requests` | ${CURDIR}/saksforespørsler.xlsx |
    | `Add Work Items For Requests` | ${requests} |
    | `Process Work Items` | Create Case For Work Item |
    | `Write Result Sheet` | ${OUTPUT_DIR}/resultat.xlsx |
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings or load_settings()
        self._rows: list[RequestRow] = []

    @keyword
    def read_case_requests(self, path: Path) -> list[RequestRow]:
        """Reads the request sheet; returns one item per non-empty row (validated later, per item).

        Example:
        | ${requests}= | `Read Case Requests` | ${CURDIR}/data/requests.csv |
        """
        rows = []
        for number, raw in enumerate(sheets.read_rows(Path(path)), start=2):
            payload = {str(k): _text(v) for k, v in raw.items()}
            rows.append(RequestRow(row=number, key=payload.get("Id") or f"uten-id-rad-{number}",
                                   title=payload.get("Tittel", ""), payload=payload))
        self._rows = rows
        logger.info(f"Read {len(rows)} request(s) from {Path(path).name}")
        return rows

    @keyword
    def add_work_items_for_requests(self, requests: list[RequestRow]) -> int:
        """Adds a work item per request, keyed by its ``Id``; returns how many were new.

        A request already known from an earlier run is not added twice. Every field but ``Id``
        may hold personal data (names, fødselsnumre): they are sealed (``workitems.encryption_key``).

        Example:
        | `Add Work Items For Requests` | ${requests} |
        """
        personal = sorted({field for r in requests for field in r.payload} - {"Id"}
                          | {"Id" for r in requests if contains_fnr(r.key)})
        new = suite_library(WorkItemsLibrary).add_items(((r.key, r.payload) for r in requests), personal=personal)
        logger.info(f"{new} new work item(s), {len(requests) - new} known from earlier runs")
        return new

    @keyword
    def create_case_for_work_item(self, item: WorkItem) -> dict[str, Any]:
        """Validates the item's request and creates its case (or finds the one made before).

        Raises a business error for bad data (the item goes to archive staff) and an
        application error when the archive fails (the item is retried later).

        Example:
        | `Process Work Items` | Create Case For Work Item |
        """
        if not item.payload.get("Id"):
            raise BusinessError("Id mangler", code="invalid_request")
        if contains_fnr(item.payload["Id"]):  # it would be the case's external id
            raise BusinessError("Id-en inneholder et fødselsnummer; gi forespørselen en annen Id", code="fnr_in_id")
        request = CaseRequest.from_row(item.payload, allow_synthetic_fnr=self._settings.identity.allow_synthetic_fnr)
        result = suite_library(ArchiveLibrary).archive.create_case(request.to_new_case())
        logger.info(f"Request {item.key}: case {result.case_number} "
                    f"{'created' if result.created else 'found from an earlier run'}")
        return {"case_number": result.case_number, "created": result.created}

    @keyword
    def write_result_sheet(self, path: Path) -> Path | None:
        """Writes the outcome of every row read by `Read Case Requests` (``.xlsx`` or ``.csv``);
        returns its path, or nothing when no row was read (no sheet is written then).

        Example:
        | `Write Result Sheet` | ${OUTPUT_DIR}/resultat.xlsx |
        """
        if not self._rows:
            logger.info("No requests were read: no result sheet")
            return None
        work = suite_library(WorkItemsLibrary)
        items = work.store.by_keys(work.process, [r.key for r in self._rows])
        run_id = BuiltIn().get_variable_value("${RUN_ID}")
        results = [{"Rad": str(r.row), "Id": mask(r.payload.get("Id", "")), "Tittel": mask(r.title),
                    **_result(items.get(r.key), run_id)} for r in self._rows]  # read by many: numbers masked
        written = sheets.write_rows(Path(path), RESULT_COLUMNS, results)
        counts = Counter(r["Resultat"] for r in results)
        logger.info(f"Result sheet {written}: " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
        return written

    @keyword
    def every_request_should_be_settled(self) -> None:
        """Fails when the archive failed for a request (now ``Feilet`` or waiting for a retry).

        Rows with bad data do not fail the task: they are with archive staff, in the result sheet.

        Example:
        | [Teardown] | `Every Request Should Be Settled` |
        """
        work = suite_library(WorkItemsLibrary)
        items = work.store.by_keys(work.process, [r.key for r in self._rows])
        unsettled = sorted(k for k, i in items.items() if i.state in (State.FAILED, State.PENDING, State.IN_PROGRESS))
        if unsettled:
            raise AssertionError(f"The archive failed for {len(unsettled)} request(s): {', '.join(unsettled)}")
