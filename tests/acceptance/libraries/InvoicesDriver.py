"""Test driver for the invoices acceptance suite: the archive simulator, a mixed inbox of EHF files
(generated, hostile, and the shared corpus where present), the robot as a real subprocess, and
checks of the archive through its API and of the inbox folders."""

from __future__ import annotations

import shutil
from contextlib import ExitStack
from pathlib import Path

import httpx
from robot.api import logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn
from run_output import leaks as leaks_in

from saksrobot.archive import CaseQuery, open_archive
from saksrobot.database import make_engine
from saksrobot.demo import robot_environment
from saksrobot.demo.corpus import ehf_corpus
from saksrobot.demo.invoice_inbox import PERSON, Expected, write_inbox
from saksrobot.runner import RunResult, run_robot
from saksrobot.settings import Backend, load_settings
from saksrobot.simulators import databases_in, running_simulators
from saksrobot.workitems import State, WorkItemStore

CORPUS = ehf_corpus()
# corpus files: what the robot should make of them (the Norwegian example's reference is not in the register)
CORPUS_FILES = {
    "valid/ubl/norway/Norwegian-example-1.xml": Expected("manual", reason="unknown_reference"),
    "invalid/ubl/norway/ubl-tc434-example2.xml": Expected("manual", reason="rule_failed"),
    "invalid/cii/CII_business_example_01.xml": Expected("manual", reason="unknown_document"),
}
REJECTED_CODES = {"truncated": ("truncated", "not_xml")}
SIF = "/Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC"


@library(scope="SUITE")
class InvoicesDriver:
    def __init__(self) -> None:
        self._stack = ExitStack()
        self._runs: list[RunResult] = []

    @keyword
    def start_archive_simulator(self) -> None:
        self.work = Path(BuiltIn().get_variable_value("${OUTPUT_DIR}"))
        self.database = self.work / "saksrobot.db"
        self.folder = self.work / "invoices"
        self.settings = databases_in(load_settings(logs_dir=self.work / "runs"), self.work)
        self.sims = self._stack.enter_context(running_simulators(self.settings, port=0))
        api = load_settings(archive={"base_url": self.sims.archive_url, "api_key": self.sims.api_key, "retries": 0})
        self.archive = self._stack.enter_context(open_archive(api, Backend.API))

    @keyword
    def stop_archive_simulator(self) -> None:
        self._stack.close()

    @keyword
    def fill_the_inbox(self, with_50_mb_file: bool = True, invoices: int = 24) -> int:
        """A fresh archive, an empty database and the mixed inbox (``invoices`` ordinary invoices
        besides credit notes, duplicates, hostile files and the corpus); returns the number of files."""
        httpx.post(f"{self.sims.archive_url}/_sim/reset", headers={"Authorization": f"authkey {self.sims.api_key}"})
        for file in self.database.parent.glob(self.database.name + "*"):
            file.unlink()
        shutil.rmtree(self.folder, ignore_errors=True)
        inbox = self.folder / "inbox"
        self.expected = write_inbox(inbox, invoices=int(invoices))
        if CORPUS is not None:
            for relative, outcome in CORPUS_FILES.items():
                name = "200-" + Path(relative).name
                shutil.copy(CORPUS / relative, inbox / name)
                self.expected[name] = outcome
        else:
            logger.warn("The shared EHF corpus was not found (SAKSROBOT_EHF_CORPUS): only generated files are used")
        if with_50_mb_file:
            with (inbox / "300-huge.xml").open("wb") as f:
                f.write(b'<?xml version="1.0"?><Invoice>' + b" " * 50_000_000 + b"</Invoice>")
            self.expected["300-huge.xml"] = Expected("manual", reason="too_large")
        return len(self.expected)

    @keyword
    def run_invoices(self, backend: str = "api") -> RunResult:
        env = robot_environment(self.settings, self.sims, database_url=f"sqlite:///{self.database}",
                                archive_backend=backend)
        env |= {"SAKSROBOT_INVOICES__FOLDER": str(self.folder), "SAKSROBOT_INVOICES__SETTLE_SECONDS": "0",
                "SAKSROBOT_ARCHIVE__RETRY_BACKOFF_SECONDS": "0.05"}
        run = run_robot(self.settings, "invoices", env=env, timeout=900)
        self._runs.append(run)
        logger.info(f"Run {run.run_id}: exit {run.return_code}, output {run.output_dir}")
        if not run.succeeded:
            raise AssertionError(f"invoices failed with exit {run.return_code}; see {run.log_html}")
        return run

    def _all_items(self) -> list:
        return WorkItemStore(make_engine(f"sqlite:///{self.database}")).find("invoices", list(State), limit=1000)

    def _items(self) -> dict[str, object]:
        """The items by file name (unique while each file was delivered once)."""
        return {i.payload["source"]["file"]: i for i in self._all_items()}

    def _documents(self, **parameter: str) -> list[dict]:
        response = httpx.post(f"{self.sims.archive_url}{SIF}/DocumentService/GetDocuments",
                              json={"parameter": {**parameter, "IncludeCustomFields": True}},
                              headers=self.sims.archive_headers)
        return response.json()["Documents"]

    @keyword
    def every_file_should_have_its_expected_outcome(self) -> None:
        items = self._items()
        assert sorted(items) == sorted(self.expected), sorted(set(self.expected) ^ set(items))
        inbox = self.folder / "inbox"
        assert not [p.name for p in inbox.iterdir()], "files left in the inbox"
        for name, want in self.expected.items():
            item = items[name]
            if want.outcome == "filed":
                assert item.state == State.DONE, (name, item.state, item.reason_text)
                assert item.result["unit"] == want.unit, (name, item.result)
                assert (self.folder / "processed" / name).is_file(), name
            else:
                codes = REJECTED_CODES.get(want.reason, (want.reason,))
                assert item.state == State.MANUAL and item.reason_code in codes, (name, item.state, item.reason_code)
                assert item.reason_text, name
                assert (self.folder / "rejected" / name).is_file(), name
                reason = (self.folder / "rejected" / f"{name}.reason.txt").read_text(encoding="utf-8")
                assert reason.split(":")[0] in codes, (name, reason)
        logger.info(f"{len(items)} files: {sum(i.state == State.DONE for i in items.values())} filed")

    @keyword
    def the_archive_should_hold_exactly_the_expected_journal_posts(self) -> None:
        items = self._items()
        filed = {name: items[name] for name, want in self.expected.items() if want.outcome == "filed"}
        posts = [d for case in self.archive.find_cases(CaseQuery(case_type="Faktura", max_results=1000))
                 for d in self._documents(CaseNumber=case.case_number)]
        assert len(posts) == len(filed), (len(posts), len(filed))
        by_number = {p["DocumentNumber"]: p for p in posts}
        for name, item in filed.items():
            post = by_number[item.result["document_number"]]
            assert post["CustomFields"] == [{"Name": "CF_SaksrobotId", "Value": f"saksrobot:invoices/{item.key}"}], (
                name, post["CustomFields"])
            assert post["ResponsibleEnterprise"]["Name"] == self.expected[name].unit, name
            assert post["ResponsiblePerson"]["Email"] == item.result["approver"], name
            assert post["Category"]["Description"] == "Dokument inn" and post["Contacts"][0]["Role"] == "Avsender", name
            formats = sorted(f["Format"] for f in post["Files"])
            assert "xml" in formats and "pdf" in formats, (name, formats)
            if corrects := self.expected[name].corrects:
                invoice = next(i for i in items.values() if i.key == corrects)
                assert post["ReferringDocuments"] == [invoice.result["document_number"]], (
                    name, post["ReferringDocuments"])
        flagged = [n for n, i in filed.items() if any("SAKSROBOT-KID" in w for w in i.result.get("warnings", []))]
        assert "101-bad-kid.xml" in flagged, flagged
        cases = {p["DocumentNumber"].rsplit("-", 1)[0] for p in posts}
        logger.info(f"{len(posts)} journal posts in {len(cases)} cases")

    @keyword
    def run_output_should_contain_no_fodselsnummer(self) -> None:
        """Every file every run wrote (log.html decoded), and the reason files, hold no fødselsnummer
        from the inbox (a file name and an invoice line carry one)."""
        found = leaks_in([run.output_dir for run in self._runs] + [self.folder / "rejected"], {PERSON})
        assert not found, f"Fødselsnummer found in: {found}"

    @keyword
    def journal_post_count(self) -> int:
        return sum(len(self._documents(CaseNumber=c.case_number))
                   for c in self.archive.find_cases(CaseQuery(case_type="Faktura", max_results=1000)))

    @keyword
    def deliver_the_filed_invoices_again(self) -> int:
        """The access point delivers every processed file once more (same names)."""
        inbox = self.folder / "inbox"
        files = [p for p in (self.folder / "processed").iterdir() if p.is_file()]
        for file in files:
            shutil.copy(file, inbox / file.name)
        return len(files)

    @keyword
    def every_redelivered_file_should_be_a_duplicate(self, count: int) -> None:
        duplicates = [i for i in self._all_items() if "#" in i.key]
        assert all(i.state == State.MANUAL and i.reason_code == "duplicate" for i in duplicates)
        # the generated inbox holds two duplicates of its own; every re-delivered file adds one
        assert len(duplicates) == int(count) + 2, (len(duplicates), count)
        assert not [p.name for p in (self.folder / "inbox").iterdir()], "files left in the inbox"
