"""RobotTestingLibrary: acceptance tests of a robot against the simulators, in Robot Framework alone."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

from robot.api import logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn

from saksrobot.archive import CaseQuery, ExternalId, open_archive
from saksrobot.demo import robot_environment
from saksrobot.runner import RunResult, run_robot
from saksrobot.settings import Backend, Settings, load_settings


@library(scope="SUITE", version="0.2.0", doc_format="ROBOT")
class RobotTestingLibrary:
    """Keywords for testing a robot end to end: the archive and school-admin simulators on free
    ports with their seed data, the robot run as `saksrobot run` runs it (a real subprocess, its
    own database and run folders under ``${OUTPUT_DIR}``), and checks of what it did.

    Example:
    | `Start Simulators` |
    | ${inbox}= | `Delivery Folder With Files From` | robots/data/byggesoknader |
    | ${run}= | `Run Robot` | byggesoknader | INBOX=${inbox} |
    | `Run Should Have Succeeded` | ${run} |
    | `Work Items Should Be` | ${run} | done=2 | manual=1 |
    | `Stop Simulators` |
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings or load_settings()
        self._stack = ExitStack()
        self.sims = None
        self._deliveries = 0

    def _work(self) -> Path:
        return Path(BuiltIn().get_variable_value("${OUTPUT_DIR}")) / "robot-testing"

    @keyword
    def start_simulators(self) -> None:
        """Starts the archive and school-admin simulators, with their seed data, on free ports.

        Example:
        | Suite Setup | `Start Simulators` |
        """
        from saksrobot.simulators import databases_in, running_simulators

        work = self._work()
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        self._settings = databases_in(self._settings, work).model_copy(update={
            "logs_dir": work / "runs", "database": self._settings.database.model_copy(
                update={"url": f"sqlite:///{work / 'saksrobot.db'}"})})
        self.sims = self._stack.enter_context(running_simulators(self._settings, port=0))
        logger.info(f"Simulators: {self.sims.archive_url}, {self.sims.schooladmin_url}")

    @keyword
    def stop_simulators(self) -> None:
        """Stops the simulators.

        Example:
        | Suite Teardown | `Stop Simulators` |
        """
        self._stack.close()
        self.sims = None

    @keyword
    def delivery_folder_with_files_from(self, source: Path) -> Path:
        """Returns a new delivery folder whose ``inbox/`` holds a copy of the files in ``source``
        (relative to the project), for a folder-fed robot's ``INBOX`` variable. The copies are dated
        an hour back: a delivery is complete, so no settle time keeps them waiting.

        Example:
        | ${inbox}= | `Delivery Folder With Files From` | robots/data/byggesoknader |
        """
        source = self._settings.path(source)
        self._deliveries += 1
        folder = self._work() / "deliveries" / f"{source.name}-{self._deliveries}"
        (folder / "inbox").mkdir(parents=True)
        delivered = time.time() - 3600
        for file in sorted(source.iterdir()):
            if file.is_file():
                shutil.copy2(file, copy := folder / "inbox" / file.name)
                os.utime(copy, (delivered, delivered))
        return folder

    @keyword
    def run_robot(self, robot: str, backend: str = "api", **variables: str) -> RunResult:
        """Runs ``robots/<robot>.robot`` once against the simulators and returns the run; the
        ``variables`` are given to the robot (``--variable NAME:value``).

        Example:
        | ${run}= | `Run Robot` | byggesoknader | INBOX=${inbox} |
        | ${run}= | `Run Robot` | byggesoknader | backend=ui | INBOX=${inbox} |
        """
        if self.sims is None:
            raise AssertionError("Start the simulators first: `Start Simulators`")
        env = robot_environment(self._settings, self.sims, database_url=self._settings.database.url,
                                archive_backend=backend) | {"SAKSROBOT_WORKITEMS__BACKOFF_SECONDS": "0"}
        run = run_robot(self._settings, robot, variables=variables, env=env, timeout=600, started_by="test")
        logger.info(f"{robot}: {run.status.value}, log: {run.log_html}")
        return run

    @keyword
    def forget_all_work_items(self) -> None:
        """Deletes the robots' database, as if it were lost: a robot must still not do anything twice.

        Example:
        | `Forget All Work Items` |
        """
        for file in (self._work()).glob("saksrobot.db*"):
            file.unlink()

    @keyword
    def run_should_have_succeeded(self, run: RunResult) -> None:
        """Fails unless the run succeeded.

        Example:
        | `Run Should Have Succeeded` | ${run} |
        """
        if not run.succeeded:
            raise AssertionError(f"{run.robot} ended {run.status.value}; see {run.log_html}")

    @keyword
    def work_items_should_be(self, run: RunResult, done: int = 0, manual: int = 0, retry: int = 0,
                             failed: int = 0) -> None:
        """Checks how many items the run settled per outcome (from its ``items.jsonl``).

        Example:
        | `Work Items Should Be` | ${run} | done=2 | manual=1 |
        """
        events = run.output_dir / "items.jsonl"
        lines = events.read_text(encoding="utf-8").splitlines() if events.exists() else []
        counts = Counter(r["outcome"] for r in map(json.loads, lines) if r["kind"] == "item")
        wanted = {"done": done, "manual": manual, "retry": retry, "failed": failed}
        if {k: counts.get(k, 0) for k in wanted} != wanted:
            raise AssertionError(f"{run.robot}: {dict(counts)}, expected {wanted}")

    @keyword
    def archive_should_have_cases(self, robot: str, *keys: str, count: int = 1) -> None:
        """Checks that the archive holds ``count`` case(s) for each business key the robot used as
        ``external_id`` (1: made once, never twice; 0: never made).

        Example:
        | `Archive Should Have Cases` | byggesoknader | BYGG-1 | BYGG-2 |
        | `Archive Should Have Cases` | byggesoknader | BYGG-3 | count=0 |
        """
        settings = load_settings(archive={"base_url": self.sims.archive_url, "api_key": self.sims.api_key})
        with open_archive(settings, Backend.API) as archive:
            found = {key: len(archive.find_cases(CaseQuery(external_id=ExternalId.of(robot, key))))
                     for key in keys}
        wrong = {k: n for k, n in found.items() if n != int(count)}
        if wrong:
            raise AssertionError(f"Cases per key, expected {count}: {wrong}")

    @keyword
    def archive_should_have_journal_posts(self, robot: str, *keys: str, count: int = 1) -> None:
        """Checks that the archive holds ``count`` journal post(s) filed with each business key (the
        ``external_id`` of `Create Journal Post`), over all the robot's cases and the cases it filed in.

        Example:
        | `Archive Should Have Journal Posts` | byggesoknader | BYGG-1 | BYGG-2 | BYGG-4 |
        """
        import httpx

        values = {ExternalId.of(robot, key).value: key for key in keys}
        base = f"{self.sims.archive_url}/Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC"
        with httpx.Client(base_url=base, headers=self.sims.archive_headers) as client:
            cases = client.post("/CaseService/GetCases", json={"parameter": {"MaxReturnedCases": 1000}}).json()
            found: Counter[str] = Counter()
            for case in cases["Cases"]:
                documents = client.post("/DocumentService/GetDocuments", json={"parameter": {
                    "CaseNumber": case["CaseNumber"], "IncludeCustomFields": True}}).json()["Documents"]
                found.update(values[f["Value"]] for d in documents for f in d["CustomFields"] or []
                             if f["Value"] in values)
        wrong = {key: found[key] for key in keys if found[key] != int(count)}
        if wrong:
            raise AssertionError(f"Journal posts per key, expected {count}: {wrong}")
