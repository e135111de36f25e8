"""Benchmark: time per case through the robot's ui back-end vs a bare Playwright script doing the
same form submission, and time per case through the api back-end; one run, one simulator.

    .venv/bin/python benchmarks/case_creation.py [--cases 30]

The ui back-end's figure includes what makes it safe to re-run: the look-up of the external id
before creating; the bare script opens the same search page first, so the ratio measures the
framework, not the look-up. Both browser variants use the same Chromium, a fresh context per case,
and a login shared through storage state. Cases are interleaved (ui, bare, ui, bare, …) so that both
meet the same database size. Prints medians and the ratio (goal: at most 1.3). Then the api
back-end alone: the time per case on an item's first attempt, and the archive's requests per case
(counted by the simulator) on a first attempt (anchor: the one CreateCase) and on a later one.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from saksrobot import browser
from saksrobot.archive import ExternalId, NewCase, open_archive
from saksrobot.archive.first_attempt import first_attempt
from saksrobot.archive.ui import UiArchive
from saksrobot.archive.ui.pages import SearchPage
from saksrobot.settings import Backend, load_settings
from saksrobot.simulators import databases_in, running_simulators


def new_case(n: int, kind: str) -> NewCase:
    return NewCase(title=f"Benchmark {kind} {n}", case_type="Sak", responsible_unit="Byarkivet",
                   external_id=ExternalId.of("benchmark", f"{kind}-{n}"))


def bare_playwright(pw, base_url: str, password: str, settings):
    """A minimal hand-written Playwright script: log in once, then per case the same pages as the
    ui back-end: the search for the external id (no hits), then the form, filled and saved."""
    chromium = browser.launch(pw, settings.browser)
    context = chromium.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Brukernavn").fill("robot")
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/")
    state = context.storage_state()
    context.close()

    def create(n: int) -> str:
        ctx = chromium.new_context(base_url=base_url, storage_state=state)
        p = ctx.new_page()
        p.goto(SearchPage.path(ekstern_id=f"bench-bare-{n}"))
        assert p.get_by_test_id("treff").locator("a").count() == 0
        p.goto("/saker/ny")
        p.get_by_label("Offentlig tittel", exact=True).fill(f"Benchmark bare {n}")
        p.get_by_label("Sakstype", exact=True).select_option("Sak")
        p.get_by_label("Ansvarlig enhet", exact=True).select_option(label="Byarkivet")
        p.get_by_label("Ekstern ID", exact=True).fill(f"bench-bare-{n}")
        p.get_by_role("button", name="Lagre sak").click()
        number = p.get_by_test_id("saksnummer").inner_text()
        ctx.close()
        return number

    return create, chromium.close


def calls_answered(sims) -> int:  # noqa: ANN001 - RunningSimulators
    """The archive's API requests so far (the simulator counts them)."""
    counted = httpx.get(f"{sims.archive_url}/_sim/calls", headers=sims.archive_headers).json()
    return sum(n for call, n in counted.items() if "/SI.Data.RPC/" in call)


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = databases_in(load_settings(), Path(tmp))
        with running_simulators(settings, port=0) as sims:
            robot_settings = load_settings(archive={"base_url": sims.archive_url, "api_key": sims.api_key,
                                                    "password": sims.password})
            pw = sync_playwright().start()
            ui = UiArchive(robot_settings, playwright=pw)
            bare, close_bare = bare_playwright(pw, sims.archive_url, sims.password, robot_settings)
            api = open_archive(robot_settings, Backend.API)
            ui.create_case(new_case(0, "warmup-ui"))  # log in and warm up both browsers
            bare(0)
            ui_times, bare_times, api_times = [], [], []
            for n in range(1, args.cases + 1):
                ui_times.append(timed(ui.create_case, new_case(n, "ui")))
                bare_times.append(timed(bare, n))
            ui.close(), close_bare()
            pw.stop()
            api.create_case(new_case(0, "warmup-api"))
            calls = calls_answered(sims)
            for n in range(1, args.cases + 1):  # alone, the browsers gone: its own figure
                case = new_case(n, "api")
                with first_attempt(case.external_id):  # as on a work item's first attempt
                    api_times.append(timed(api.create_case, case))
            first_calls = calls_answered(sims) - calls
            for n in range(1, args.cases + 1):  # a later attempt: looked up first (found, not made again)
                api.create_case(new_case(n, "api"))
            later_calls = calls_answered(sims) - calls - first_calls
            api.close()
    ui_med, bare_med, api_med = (statistics.median(t) * 1000 for t in (ui_times, bare_times, api_times))
    print(f"cases per variant:            {args.cases}")
    print(f"ui back-end, median per case: {ui_med:.1f} ms")
    print(f"bare Playwright, median:      {bare_med:.1f} ms")
    print(f"ratio ui / bare:              {ui_med / bare_med:.2f} (goal <= 1.3)")
    print(f"api back-end, median per case: {api_med:.1f} ms (an item's first attempt)")
    print(f"api requests per case: first attempt {first_calls / args.cases:.2f} (CreateCase; anchor 1), "
          f"later attempt {later_calls / args.cases:.2f} (GetCases, the case found); "
          f"ratio {first_calls / args.cases:.2f}")


if __name__ == "__main__":
    main()
