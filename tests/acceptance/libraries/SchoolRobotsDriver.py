"""Test driver for the school robots' acceptance suite: starts both simulators, runs
school_cases and ppt_referrals as real subprocesses (the school-admin system through its web UI in
headless Chromium), and checks every outcome through the archive's and school-admin's APIs."""

from __future__ import annotations

import json
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import httpx
from robot.api import logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn
from run_output import leaks as leaks_in
from sqlalchemy import text

from archive_records import case_parties
from saksrobot.archive import CaseQuery, open_archive
from saksrobot.database import make_engine
from saksrobot.demo import robot_environment
from saksrobot.domain.school import P13
from saksrobot.runner import RunResult, run_robot
from saksrobot.schooladmin import open_school_admin
from saksrobot.settings import Backend, load_settings
from saksrobot.simulators import databases_in, running_simulators
from saksrobot.simulators.schooladmin.seed import CHILD_BY_ID, REFERRALS, WITHOUT_FOLDER
from saksrobot.workitems import State, WorkItemStore

NORMAL_REFERRALS = ["H-2026-0101", "H-2026-0102", "H-2026-0104", "H-2026-0108", "H-2026-0109", "H-2026-0110"]


@library(scope="SUITE")
class SchoolRobotsDriver:
    def __init__(self) -> None:
        self._stack = ExitStack()
        self._runs: list[RunResult] = []

    @keyword
    def start_simulators(self) -> None:
        work = Path(BuiltIn().get_variable_value("${OUTPUT_DIR}"))
        self.database = work / "saksrobot.db"
        self.settings = databases_in(load_settings(logs_dir=work / "runs"), work)
        self.sims = self._stack.enter_context(running_simulators(self.settings, port=0))
        api = load_settings(archive={"base_url": self.sims.archive_url, "api_key": self.sims.api_key, "retries": 0},
                            schooladmin={"base_url": self.sims.schooladmin_url, "api_key": self.sims.api_key,
                                         "retries": 0})
        self.archive = self._stack.enter_context(open_archive(api, Backend.API))
        self.school = self._stack.enter_context(open_school_admin(api, Backend.API))

    @keyword
    def stop_simulators(self) -> None:
        self._stack.close()

    @keyword
    def reset_simulators(self) -> None:
        """Both simulators back to their seed data; the robot's database emptied; faults off."""
        for url in (self.sims.archive_url, self.sims.schooladmin_url):
            self._post(f"{url}/_sim/reset")
            self._post(f"{url}/_sim/faults", {"latency_ms": 0, "error_rate": 0, "session_timeout_minutes": 0,
                                              "renamed_labels": {}})
        for file in self.database.parent.glob(self.database.name + "*"):
            file.unlink()

    def _post(self, url: str, body: dict | None = None) -> None:
        httpx.post(url, json=body or {}, headers={"Authorization": f"authkey {self.sims.api_key}"}).raise_for_status()

    @keyword
    def set_school_admin_faults(self, **faults: str) -> None:
        self._post(f"{self.sims.schooladmin_url}/_sim/faults", {k: json.loads(v) for k, v in faults.items()})

    @keyword
    def run_school_robot(self, robot: str, archive_backend: str = "api", schooladmin_backend: str = "ui") -> RunResult:
        env = robot_environment(self.settings, self.sims, database_url=f"sqlite:///{self.database}",
                                archive_backend=archive_backend, schooladmin_backend=schooladmin_backend)
        env |= {"SAKSROBOT_ARCHIVE__RETRY_BACKOFF_SECONDS": "0.05", "SAKSROBOT_SCHOOLADMIN__RETRY_BACKOFF_SECONDS":
                "0.05", "SAKSROBOT_SCHOOLADMIN__RETRIES": "6", "SAKSROBOT_BROWSER__TIMEOUT_SECONDS": "10"}
        run = run_robot(self.settings, robot, env=env, timeout=900)
        self._runs.append(run)
        logger.info(f"Run {run.run_id} of {robot}: exit {run.return_code}, output {run.output_dir}")
        if not run.succeeded:
            raise AssertionError(f"{robot} failed with exit {run.return_code}; see {run.log_html}")
        return run

    def _items(self, process: str) -> dict[str, object]:
        store = WorkItemStore(make_engine(f"sqlite:///{self.database}"))
        return {i.key: i for i in store.find(process, list(State), limit=1000)}

    @keyword
    def every_new_child_should_have_one_folder(self) -> None:
        """Each child lacking a folder got exactly one, of the right shape; the invalid number went to staff."""
        items = self._items("school_cases")
        assert sorted(items) == sorted(WITHOUT_FOLDER), sorted(items)
        manual = {k: i.reason_text for k, i in items.items() if i.state == State.MANUAL}
        assert list(manual) == ["E-1010"] and "ugyldig" in manual["E-1010"].lower(), manual
        for child_id in WITHOUT_FOLDER:
            if child_id == "E-1010":
                assert self.school.child(child_id).folder_case_number is None
                continue
            seeded = CHILD_BY_ID[child_id]
            child = self.school.child(child_id)
            assert items[child_id].state == State.DONE
            assert child.folder_case_number == items[child_id].result["case_number"], child_id
            folders = self.archive.find_cases(CaseQuery(contact_reference=seeded["fnr"],
                                                        case_type="Elev" if child.kind == "elev" else "Barn"))
            assert [c.case_number for c in folders] == [child.folder_case_number], child_id
            case = folders[0]
            title = "Elevmappe" if child.kind == "elev" else "Barnemappe"
            assert (case.title, case.unofficial_title, case.sub_archive) == (
                title, f"{title} - {seeded['first_name']} {seeded['last_name']}", case.case_type), child_id
            assert [(c.archive_type, c.code) for c in case.archive_codes] == [
                ("FNR", seeded["fnr"]), ("FAGKLASSE PRINSIPP", "B31")], child_id
            assert (case.access_code, case.paragraph, case.access_group, case.responsible_unit) == (
                "13", P13, child.unit.access_group, child.unit.name), child_id
            assert case_parties(self.sims, case.case_number) == [(seeded["fnr"], "Sakspart", True)], child_id
        logger.info(f"{len(WITHOUT_FOLDER) - 1} folders checked; E-1010 with archive staff")

    @keyword
    def every_referral_should_be_filed_or_with_archive_staff(self) -> None:
        items = self._items("ppt_referrals")
        new = [r["id"] for r in REFERRALS if r["status"] == "ny"]
        assert sorted(items) == sorted(new), sorted(items)
        expected_manual = {"H-2026-0103": "Mangler samtykke fra foresatte", "H-2026-0105": "fødselsnummer er ugyldig",
                           "H-2026-0106": "finnes ikke i elev- eller barneregisteret",
                           "H-2026-0107": "mottatt før (H-2026-0101)"}
        manual = {k: i.reason_text for k, i in items.items() if i.state == State.MANUAL}
        assert sorted(manual) == sorted(expected_manual), manual
        for key, reason in expected_manual.items():
            assert reason in manual[key], (key, manual[key])
            assert self.school.referral(key).status == "ny", key
        for key in NORMAL_REFERRALS:
            self._check_filed(key, items[key])

    def _check_filed(self, key: str, item) -> None:  # noqa: ANN001
        seeded = next(r for r in REFERRALS if r["id"] == key)
        referral = self.school.referral(key)
        assert item.state == State.DONE and referral.status == "behandlet", key
        assert referral.case_number == item.result["case_number"], key
        case = self.archive.get_case(referral.case_number)
        child = seeded["child"]
        assert (case.title, case.case_type, case.sub_archive, case.access_code, case.paragraph, case.access_group) == (
            "PPT-sak", "PPT", "PPT", "13", P13, "PPT"), key
        assert case.unofficial_title == f"PPT-sak - {child['first_name']} {child['last_name']}", key
        assert [(c.archive_type, c.code) for c in case.archive_codes] == [("FNR", child["fnr"])], key
        assert (child["fnr"], "Sakspart", True) in case_parties(self.sims, case.case_number), key
        key_field = {"Name": "CF_SaksrobotId", "Value": f"saksrobot:ppt_referrals/{key}"}
        posts = [d for d in self._documents(case.case_number) if key_field in (d["CustomFields"] or [])]
        assert len(posts) == 1, (key, len(posts))
        post = posts[0]
        assert (post["OfficialTitle"], post["Category"]["Description"], post["AccessCodeCode"], post["Paragraph"],
                post["AccessGroup"]) == ("Henvisning til PPT", "Dokument inn", "13", P13, "PPT"), key
        assert post["DocumentDate"] == seeded["received"][:10], key
        assert len(post["Files"]) == 1 + len(seeded["attachments"]), key
        sender = post["Contacts"][0]
        referrer = seeded["referrer"]
        expected = {"skole": referrer["orgnr"], "barnehage": referrer["orgnr"], "eleven selv": child["fnr"],
                    "foresatte": seeded["guardians"][0]["fnr"]}[referrer["kind"]]
        assert (sender["Role"], sender["ReferenceNumber"]) == ("Avsender", expected), key

    def _documents(self, case_number: str) -> list[dict]:
        response = httpx.post(
            f"{self.sims.archive_url}/Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC/DocumentService/GetDocuments",
            json={"parameter": {"CaseNumber": case_number, "IncludeCustomFields": True}},
            headers=self.sims.archive_headers)
        return response.json()["Documents"]

    @keyword("The Re-referral Should Be In The Existing PPT Case")
    def the_re_referral_should_be_in_the_existing_ppt_case(self) -> None:
        cases = self.archive.find_cases(CaseQuery(case_type="PPT", title="PPT-sak - Tobias Eide"))
        assert len(cases) == 1 and cases[0].created < "2026-01-01", cases
        assert self.school.referral("H-2026-0108").case_number == cases[0].case_number

    @keyword
    def archive_counts(self) -> dict[str, int]:
        """Cases and journal posts in the archive now, per case type."""
        counts: Counter[str] = Counter()
        for case_type in ("Elev", "Barn", "PPT"):
            cases = self.archive.find_cases(CaseQuery(case_type=case_type, max_results=1000))
            counts[case_type] = len(cases)
            counts[f"{case_type} journalposter"] = sum(len(self._documents(c.case_number)) for c in cases)
        return dict(counts)

    @keyword
    def gevinst_should_count_each_filed_item_once(self) -> None:
        engine = make_engine(f"sqlite:///{self.database}")
        with engine.connect() as c:
            rows = c.execute(text("select process, business_key, outcome, saved_minutes, baseline_version "
                                  "from gevinst_log where process in ('school_cases', 'ppt_referrals')")).all()
        saving = Counter((p, k) for p, k, _, saved, _ in rows if saved > 0)
        assert all(v == 1 for v in saving.values()), saving
        assert {k for p, k in saving if p == "ppt_referrals"} == set(NORMAL_REFERRALS), saving
        assert len([1 for p, _ in saving if p == "school_cases"]) == len(WITHOUT_FOLDER) - 1
        assert all(b == "2026-01" for *_, b in rows)

    @keyword
    def no_fodselsnummer_should_appear_in_run_output_or_the_gevinst_log(self) -> None:
        numbers = {c["fnr"] for c in CHILD_BY_ID.values()}
        numbers |= {r["child"]["fnr"] for r in REFERRALS} | {g["fnr"] for r in REFERRALS for g in r["guardians"]}
        for run in self._runs:
            files = [f for f in run.output_dir.rglob("*") if f.is_file()]
            assert {"log.html", "output.xml", "console.log", "summary.json"} <= {f.name for f in files}
            evidence = [f.name for f in files if f.suffix in (".png", ".zip")]
            assert not evidence, f"screenshots or traces kept by default: {evidence}"
        leaks = leaks_in([run.output_dir for run in self._runs], numbers)
        with make_engine(f"sqlite:///{self.database}").connect() as c:
            dump = json.dumps([list(map(str, row)) for table in ("gevinst_log", "runs", "work_items")
                               for row in c.execute(text(f"select * from {table}")).all()])  # noqa: S608
        leaks += [f"database:{n[:2]}…" for n in numbers if n in dump]
        assert not leaks, f"Fødselsnummer found in: {sorted(set(leaks))}"
        logger.info(f"Scanned {len(self._runs)} runs and the database for {len(numbers)} numbers")
