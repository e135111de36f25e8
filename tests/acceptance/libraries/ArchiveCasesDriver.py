"""Test driver for the archive_cases acceptance suite: starts the archive simulator, runs the
robot as a real subprocess, and checks the outcome through the archive's API."""

from __future__ import annotations

import json
import re
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import httpx
from robot.api import logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn
from run_output import leaks as leaks_in
from sqlalchemy import text as sql

from archive_records import case_parties
from saksrobot import sheets
from saksrobot.archive import CaseQuery, ExternalId, open_archive
from saksrobot.database import make_engine
from saksrobot.demo import robot_environment
from saksrobot.demo.sample import COLUMNS, sample_rows, write_sample_sheet
from saksrobot.domain.case_request import CaseRequest
from saksrobot.domain.identity import contains_fnr
from saksrobot.privacy import mask
from saksrobot.runner import RunResult, run_robot
from saksrobot.settings import Backend, load_settings
from saksrobot.simulators import databases_in, running_simulators
from saksrobot.simulators.archive.seed import DEMO_ENTERPRISES, DEMO_PERSONS
from saksrobot.workitems import State, WorkItemStore

FNR = re.compile(r"(?<!\d)\d{11}(?!\d)")


@library(scope="SUITE")
class ArchiveCasesDriver:
    def __init__(self) -> None:
        self._stack = ExitStack()
        self._runs: list[RunResult] = []
        self._database_dumps: list[str] = []  # every table of the robot's database after each run

    @keyword
    def start_archive_simulator(self) -> None:
        work = Path(BuiltIn().get_variable_value("${OUTPUT_DIR}"))
        self.database = work / "saksrobot.db"
        self.settings = databases_in(load_settings(logs_dir=work / "runs"), work)
        self.sims = self._stack.enter_context(running_simulators(self.settings, port=0))
        self.work = work
        self.use_all_sample_rows()
        api = load_settings(archive={"base_url": self.sims.archive_url, "api_key": self.sims.api_key,
                                     "retries": 0})
        self.archive = self._stack.enter_context(open_archive(api, Backend.API))

    @keyword
    def use_all_sample_rows(self) -> None:
        """The sample sheet: 24 valid and 6 invalid requests."""
        self.sheet = write_sample_sheet(self.work / "saksforespørsler.xlsx", DEMO_PERSONS, DEMO_ENTERPRISES)
        self.rows = sample_rows(DEMO_PERSONS, DEMO_ENTERPRISES)

    @keyword
    def use_the_first_sample_rows(self, count: int) -> None:
        """A shorter sheet for the tests of faults in the web UI, where each row costs seconds."""
        self.rows = sample_rows(DEMO_PERSONS, DEMO_ENTERPRISES)[: int(count)]
        self.sheet = sheets.write_rows(self.work / f"saksforespørsler-{count}.xlsx", list(COLUMNS), self.rows)

    @keyword
    def stop_archive_simulator(self) -> None:
        self._stack.close()

    def _sim(self, path: str, body: dict | None = None) -> None:
        response = httpx.post(f"{self.sims.archive_url}{path}", json=body or {},
                              headers={"Authorization": f"authkey {self.sims.api_key}"})
        response.raise_for_status()

    @keyword
    def reset_archive(self) -> None:
        """Empty and re-seed the simulator's database, empty the robot's, switch all faults off;
        the whole sample sheet."""
        self._sim("/_sim/reset")
        self.use_all_sample_rows()
        for file in self.database.parent.glob(self.database.name + "*"):  # with SQLite's -wal/-shm
            file.unlink()
        self.switch_off_faults()

    @keyword
    def switch_off_faults(self) -> None:
        """Faults off, so that the checks that follow read the archive reliably."""
        self._sim("/_sim/faults", {"latency_ms": 0, "error_rate": 0, "session_timeout_minutes": 0,
                                   "renamed_labels": {}})

    @keyword
    def set_simulator_faults(self, **faults: str) -> None:
        self._sim("/_sim/faults", {k: json.loads(v) for k, v in faults.items()})

    @keyword
    def run_archive_cases(self, backend: str, retries: int = 3, labels: str = "{}", backoff: int = 0,
                          max_attempts: int = 3) -> RunResult:
        env = robot_environment(self.settings, self.sims, database_url=f"sqlite:///{self.database}",
                                archive_backend=backend)
        env |= {"SAKSROBOT_ARCHIVE__RETRIES": str(retries), "SAKSROBOT_ARCHIVE__RETRY_BACKOFF_SECONDS": "0.05",
                "SAKSROBOT_ARCHIVE__LABELS": labels, "SAKSROBOT_BROWSER__TIMEOUT_SECONDS": "10",
                "SAKSROBOT_WORKITEMS__BACKOFF_SECONDS": str(backoff),
                "SAKSROBOT_WORKITEMS__MAX_ATTEMPTS": str(max_attempts)}
        run = run_robot(self.settings, "archive_cases", variables={"REQUESTS": str(self.sheet)}, env=env)
        self._runs.append(run)
        self._database_dumps.append(self._dump_database())
        logger.info(f"Run {run.run_id}: exit {run.return_code}, output {run.output_dir}")
        return run

    @keyword
    def retry_failed_items(self) -> int:
        """What an operator does with `saksrobot queue retry ID` for every failed item."""
        store = WorkItemStore(make_engine(f"sqlite:///{self.database}"))
        failed = store.find("archive_cases", [State.FAILED], limit=1000)
        for item in failed:
            store.retry_failed(item.id)
        return len(failed)

    @keyword
    def results(self, run: RunResult) -> dict[str, dict[str, str]]:
        """The result sheet of a run, by request id (masked where it holds a fødselsnummer)."""
        return {r["Id"]: r for r in sheets.read_rows(run.output_dir / "resultat.xlsx")}

    @keyword
    def run_should_have_succeeded(self, run: RunResult) -> None:
        if not run.succeeded:
            raise AssertionError(f"Run failed with exit {run.return_code}; see {run.log_html}")

    @keyword
    def run_should_have_failed(self, run: RunResult) -> None:
        if run.succeeded:
            raise AssertionError("Run succeeded but should have failed")

    def _valid_ids(self) -> list[str]:
        valid = []
        for row in self.rows:
            try:
                CaseRequest.from_row(row).to_new_case()
            except Exception:  # noqa: BLE001 - invalid rows are the point here
                continue
            if contains_fnr(row["Id"]):
                continue
            if row["Ansvarlig enhet"] != "Kulturetaten" and row["Sakstype"] != "Byggesøknad" and not (
                    row["Tilgangskode"] != "U" and not row["Hjemmel"]):
                valid.append(row["Id"])
        return valid

    @keyword
    def every_valid_request_should_be(self, run: RunResult, outcome: str) -> None:
        results = self.results(run)
        wrong = {i: results[i]["Resultat"] for i in self._valid_ids() if results[i]["Resultat"] != outcome}
        if wrong:
            raise AssertionError(f"Expected {outcome} for every valid request; got {wrong}")
        logger.info(f"{len(self._valid_ids())} valid requests: {outcome}")

    @keyword
    def every_valid_request_should_have_reason(self, run: RunResult, text: str) -> None:
        results = self.results(run)
        wrong = [i for i in self._valid_ids() if text not in (results[i]["Årsak"] or "")]
        if wrong:
            raise AssertionError(f"Reason without «{text}» for {wrong}")

    @keyword
    def invalid_requests_should_be_rejected_with_reasons(self, run: RunResult, **expected: str) -> None:
        """``expected`` maps a request id to a text its reason must contain (case-insensitive)."""
        results = self.results(run)
        invalid = {mask(r["Id"]) for r in self.rows} - set(self._valid_ids())
        if set(expected) != invalid:
            raise AssertionError(f"Expected reasons for {sorted(invalid)}, given {sorted(expected)}")
        for request_id, text in expected.items():
            row = results[request_id]
            if row["Resultat"] != "Avvist" or text.casefold() not in (row["Årsak"] or "").casefold():
                raise AssertionError(f"{request_id}: {row['Resultat']} «{row['Årsak']}», expected Avvist «{text}»")

    @keyword
    def cases_should_match_their_requests(self, run: RunResult) -> None:
        """Every created case, read back through the API, has the fields its request asked for."""
        results = self.results(run)
        rows = {r["Id"]: r for r in self.rows}
        for request_id in self._valid_ids():
            wanted = CaseRequest.from_row(rows[request_id]).to_new_case()
            case = self.archive.get_case(results[request_id]["Saksnummer"])
            got = (case.title, case.unofficial_title, case.case_type, case.responsible_unit, case.access_code,
                   case.paragraph, case.external_id,
                   sorted((c.archive_type, c.code) for c in case.archive_codes),
                   sorted((reference, screened) for reference, _, screened in
                          case_parties(self.sims, case.case_number)))
            want = (wanted.title, wanted.unofficial_title, wanted.case_type, wanted.responsible_unit,
                    wanted.access_code, wanted.paragraph, wanted.external_id,
                    sorted((c.archive_type, c.code) for c in wanted.archive_codes),
                    sorted((p.reference, p.unofficial) for p in wanted.parties))
            if got != want:
                raise AssertionError(f"{request_id} ({case.case_number}) differs from its request")

    @keyword
    def each_valid_request_should_have_exactly_one_case(self) -> None:
        counts = Counter()
        for request_id in self._valid_ids():
            external_id = ExternalId.of("archive_cases", request_id)
            counts[request_id] = len([c for c in self.archive.find_cases(CaseQuery(external_id=external_id))
                                      if c.external_id == external_id])
        wrong = {k: v for k, v in counts.items() if v != 1}
        if wrong:
            raise AssertionError(f"Requests without exactly one case: {wrong}")

    @keyword
    def no_request_should_have_a_case(self) -> None:
        found = [i for i in self._valid_ids()
                 if self.archive.find_cases(CaseQuery(external_id=ExternalId.of("archive_cases", i)))]
        if found:
            raise AssertionError(f"Cases exist for {found}")

    def _dump_database(self) -> str:
        with make_engine(f"sqlite:///{self.database}").connect() as c:
            return json.dumps([list(map(str, row)) for table in ("work_items", "gevinst_log", "runs")
                               for row in c.execute(sql(f"select * from {table}")).all()])  # noqa: S608

    @keyword
    def run_output_should_contain_no_fodselsnummer(self) -> None:
        """Scan every file every run wrote, and the robot's database (work items included) after
        every run, for the sample's fødselsnumre."""
        numbers = set(DEMO_PERSONS) | {n for r in self.rows for n in FNR.findall(r["Parter"] + r["Klassering"])}
        leaks = leaks_in([run.output_dir for run in self._runs], numbers)
        leaks += [f"database:{n[:2]}…" for dump in self._database_dumps for n in numbers if n in dump]
        if leaks:
            raise AssertionError(f"Fødselsnummer found in run output: {sorted(set(leaks))}")
        logger.info(f"Scanned the output of {len(self._runs)} runs for {len(numbers)} numbers")
