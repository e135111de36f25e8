"""WCAG 2.1 AA in the control room: every page, in every state staff meet (a running robot, a form with
errors, messages, the manual queue, a worker list), as each role, on a desktop (1366 px) and a phone
(390 px), checked by axe-core (through axe-playwright-python) in a real Chromium with the app's own
CSP; and reflow: no page is wider than a 320 px screen (WCAG 1.4.10; data tables scroll in their
own box)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from saksrobot.database import make_engine
from saksrobot.gevinst import GevinstLog
from saksrobot.runner import lock
from saksrobot.runner.model import Run
from saksrobot.scheduler import SchedulerService, ScheduleSpec
from saksrobot.settings import load_settings
from saksrobot.web.users import Role, UserStore
from saksrobot.workitems import WorkItemStore, utcnow
from served_room import served_room

pytestmark = [pytest.mark.browser, pytest.mark.acceptance]
PASSWORD = "et-langt-passord-2026"
# every rule of axe's default run (WCAG 2.0/2.1 A and AA and best practices), and the experimental
# check that a control's visible text is in its accessible name (WCAG 2.5.3)
AXE_OPTIONS = {"rules": {"label-content-name-mismatch": {"enabled": True}}}
PAGES = {  # path: the roles that see it
    "/": ("kari", "leder", "ada"), "/roboter": ("kari", "leder", "ada"), "/tidsplaner/ny": ("kari", "ada"),
    "/tidsplaner/1": ("kari", "ada"), "/kjoringer": ("kari", "leder", "ada"), "/manuell": ("kari", "leder", "ada"),
    "/gevinst": ("kari", "leder", "ada"), "/arbeidere": ("ada",), "/brukere": ("ada",), "/innstillinger": ("ada",),
    "/revisjonslogg": ("ada",), "/varsler": ("ada",),
    "/kjoringer/run-1": ("kari", "leder"),
}


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """The control room over a database with a bit of everything: a schedule, runs (one running),
    items handed over, a day's savings."""
    tmp_path = tmp_path_factory.mktemp("a11y")
    database = f"sqlite:///{tmp_path / 'saksrobot.db'}"
    settings = load_settings(logs_dir=tmp_path / "logs", database={"url": database})
    engine = make_engine(database)
    users = UserStore(engine)
    for name, role in (("kari", Role.OPERATOR), ("leder", Role.MANAGER), ("ada", Role.ADMIN)):
        users.add(name, PASSWORD, role, name.capitalize())
    service = SchedulerService(settings, engine, runner=lambda *a, **k: None)
    service.store.create(ScheduleSpec(robot="archive_cases", days="hverdager", times="07:00"), by="kari")
    items = WorkItemStore(engine)
    for key in ("REQ-1", "REQ-2"):
        items.add("archive_cases", key, {"title": "Søknad"})
        items.hand_over(items.reserve("archive_cases"), "unknown_contact", "Fant ikke kontaktpersonen i arkivet")
    log = GevinstLog(engine, settings.gevinst)
    log.record("archive_cases", "REQ-0", "done", finished_at=utcnow())
    with Session(engine) as s:
        s.add(Run(id="run-1", robot="archive_cases", status="succeeded", started_at=utcnow(), finished_at=utcnow(),
                  output_dir=str(tmp_path / "logs"), summary={"started_by": "kari", "items": {"done": 1, "manual": 2}}))
        s.commit()
    lock.acquire(engine, "invoices", "running-run", timedelta(hours=1))  # a robot runs
    with served_room(settings, engine, service) as (base, browser):
        yield base, browser, database


def violations(page) -> list[str]:  # noqa: ANN001 - a Playwright page
    found = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found]


def logged_in(browser, base: str, user: str, width: int, height: int):  # noqa: ANN001, ANN201
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{base}/logg-inn")
    page.get_by_label("Brukernavn").fill(user)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_every_page_of_every_role_has_no_wcag_violation(room, width, height):
    base, browser, database = room
    problems = []
    anonymous = browser.new_page(viewport={"width": width, "height": height})
    anonymous.goto(f"{base}/logg-inn")
    problems += [f"/logg-inn: {v}" for v in violations(anonymous)]
    anonymous.get_by_role("button", name="Logg inn").click()  # a failed log-in: the error shown
    problems += [f"/logg-inn (feil): {v}" for v in violations(anonymous)]
    anonymous.close()
    for user in ("kari", "leder", "ada"):
        page = logged_in(browser, base, user, width, height)
        for path, users in PAGES.items():
            if user in users:
                page.goto(base + path)
                problems += [f"{user} {path}: {v}" for v in violations(page)]
        if user == "kari":  # a form with errors, and a message after an action
            page.goto(f"{base}/tidsplaner/ny")
            page.get_by_label("Klokkeslett").fill("25:99")
            page.get_by_role("button", name="Lagre").click()
            problems += [f"{user} skjema med feil: {v}" for v in violations(page)]
        page.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["/logg-inn", *PAGES])
def test_no_page_is_wider_than_a_320_px_screen(room, path):
    base, browser, database = room
    page = logged_in(browser, base, "ada", 320, 640)
    page.goto(base + path)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    page.close()
    assert widths[0] <= widths[1], f"{path} is {widths[0]} px wide on a {widths[1]} px screen"


def test_the_html_savings_report_has_no_violation(room, tmp_path):
    from datetime import date, datetime

    from saksrobot.gevinst import build_report, parse_period, plan_of
    from saksrobot.gevinst.html import render_html

    settings = load_settings(database={"url": f"sqlite:///{tmp_path / 'r.db'}"})
    engine = make_engine(settings.database.url)
    log = GevinstLog(engine, settings.gevinst)
    for n, process in enumerate(("archive_cases", "invoices", "archive_cases")):
        log.record(process, f"K{n}", "done", finished_at=datetime(2026, 3, 1 + n, 10))
    html = render_html(build_report(engine, settings.gevinst, plan_of(settings), parse_period("2026"),
                                    today=date(2026, 6, 30), titles=settings.robot_titles()))
    _, browser, _ = room
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_content(html)
    assert violations(page) == []
    page.close()


def test_an_operator_handles_an_item_with_the_keyboard_only(room):
    """Skip link, the menu, the manual queue and its buttons, all by Tab and Enter; the focus always
    shows (WCAG 2.1.1, 2.4.1, 2.4.7)."""
    base, browser, database = room
    page = logged_in(browser, base, "kari", 1366, 900)

    def tab_to(name: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.innerText || document.activeElement.value || ''")
            if focused.strip().startswith(name):
                outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert outline != "none", f"the focus on «{name}» does not show"
                return
        raise AssertionError(f"«{name}» not reached with Tab")

    tab_to("Hopp til innholdet")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "innhold"
    page.goto(f"{base}/")
    tab_to("Manuell behandling")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Manuell behandling")
    tab_to("Merk som behandlet")  # (past the robot filter and the first item's note field)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("er merket som behandlet")
    page.close()


def test_on_a_phone_the_manager_downloads_the_report_and_the_operator_sends_an_item_back(room):
    base, browser, database = room
    manager = logged_in(browser, base, "leder", 390, 844)
    manager.get_by_role("link", name="Gevinst").click()
    manager.get_by_label("Periode").fill(f"{utcnow():%Y}")
    manager.get_by_role("button", name="Vis rapporten").click()
    expect(manager.locator("#timer-periode")).to_be_visible()
    with manager.expect_download() as download:
        manager.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename == f"gevinst-{utcnow():%Y}.xlsx"
    manager.close()
    operator = logged_in(browser, base, "kari", 390, 844)
    operator.get_by_role("link", name="Manuell behandling").click()
    row = operator.locator("#manuell tbody tr").first
    row.get_by_text("Send tilbake til roboten").click()
    row.get_by_role("button", name="Ja, send tilbake").click()
    expect(operator.get_by_role("status")).to_contain_text("sendt tilbake")
    operator.close()


def test_the_runs_page_updates_itself_while_a_robot_runs_and_can_be_paused(room):
    """No full-page refresh: the list is fetched again every 5 s while a robot runs (the fixture
    holds a robot's lock), announced politely; the pause button stops it."""
    base, browser, database = room
    page = logged_in(browser, base, "kari", 1366, 900)
    page.goto(f"{base}/kjoringer")
    control = page.locator("#levende")
    expect(control).to_be_visible()
    expect(control).to_have_attribute("data-seconds", "5")
    engine = make_engine(database)
    with Session(engine) as s:
        s.add(Run(id="live-run", robot="invoices", status="succeeded", started_at=utcnow(), finished_at=utcnow(),
                  output_dir="", summary={"started_by": "tidsplan #1"}))
        s.commit()
    expect(page.locator('tr[data-run="live-run"]')).to_be_visible(timeout=20_000)  # without a reload
    expect(control.locator("[aria-live=polite]")).to_contain_text("Oppdatert kl.")
    control.get_by_role("button", name="Pause automatisk oppdatering").click()
    expect(control.get_by_role("button")).to_have_attribute("aria-pressed", "true")
    page.close()


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_each_role_walks_through_its_daily_tasks_with_no_violation_on_any_page(room, width, height):
    """The operator schedules a robot, runs one now, reads a run, resolves an item and sends another back;
    the manager chooses a period and downloads the report; the admin adds a user and deactivates one.
    axe runs on every page reached."""
    base, browser, database = room
    items, robot = WorkItemStore(make_engine(database)), {1366: "invoices", 390: "school_cases"}[width]
    for key in (f"W{width}-1", f"W{width}-2"):
        items.add(robot, key, {"title": "Sak"})
        assert items.hand_over(items.reserve(robot), "unknown_reference", "Ukjent referanse 9999").key == key
    problems: list[str] = []

    def check(page, where: str) -> None:  # noqa: ANN001
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        problems.extend(f"{where}: {v}" for v in violations(page))

    operator = logged_in(browser, base, "kari", width, height)
    check(operator, "oversikt")
    operator.get_by_role("link", name="Roboter og tidsplaner").click()
    check(operator, "roboter")
    operator.locator("#robot-invoices").get_by_role("link", name="Ny tidsplan").click()
    operator.get_by_label("Klokkeslett").fill("06:30")
    operator.get_by_role("button", name="Lagre tidsplan").click()
    expect(operator.get_by_role("status")).to_contain_text("06:30")
    check(operator, "tidsplan lagret")
    operator.locator("#robot-school_cases").get_by_role("button", name="Kjør nå Elev- og barnehagemapper").click()
    expect(operator.get_by_role("status")).to_contain_text("Elev- og barnehagemapper er startet")
    check(operator, "kjøringer")
    operator.locator("#kjoringer tbody tr").filter(has_text="Saker fra forespørsler").first.get_by_role(
        "link", name=re.compile("vis kjøringen")).click()
    check(operator, "en kjøring")
    operator.get_by_role("link", name="Manuell behandling").click()
    operator.get_by_label("Robot", exact=True).select_option(robot)
    operator.get_by_role("button", name="Vis").click()
    first = operator.locator(f'tr[data-key="W{width}-1"]')
    first.get_by_role("textbox").fill("Ført for hånd")
    first.get_by_role("button", name="Merk som behandlet").click()
    expect(operator.get_by_role("status")).to_contain_text("er merket som behandlet")
    second = operator.locator(f'tr[data-key="W{width}-2"]')
    second.get_by_text("Send tilbake til roboten").click()
    second.get_by_role("button", name="Ja, send tilbake").click()
    expect(operator.get_by_role("status")).to_contain_text("sendt tilbake")
    check(operator, "manuell behandling")
    operator.close()

    manager = logged_in(browser, base, "leder", width, height)
    manager.get_by_role("link", name="Gevinst").click()
    check(manager, "gevinst")
    manager.get_by_label("Periode").fill(f"{utcnow():%Y}-T3")
    manager.get_by_label("Robot", exact=True).select_option("archive_cases")
    manager.get_by_role("button", name="Vis rapporten").click()
    check(manager, "gevinst for en periode")
    with manager.expect_download() as download:
        manager.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == f"gevinst-{utcnow():%Y}-T3-archive_cases.csv"
    manager.close()

    admin = logged_in(browser, base, "ada", width, height)
    admin.get_by_role("link", name="Brukere").click()
    admin.get_by_label("Brukernavn").fill(f"ny{width}")
    admin.get_by_label("Passord (minst 12 tegn)").fill(PASSWORD)
    admin.get_by_role("button", name="Legg til bruker").click()
    check(admin, "ny bruker")
    row = admin.get_by_role("row").filter(has_text=f"ny{width}")
    row.get_by_text("Deaktiver", exact=True).click()
    row.get_by_role("button", name=f"Ja, deaktiver ny{width}").click()
    expect(admin.get_by_role("row").filter(has_text=f"ny{width}")).to_contain_text("Deaktivert")
    check(admin, "bruker deaktivert")
    admin.get_by_role("link", name="Revisjonslogg").click()
    admin.get_by_label("Hvem").select_option("ada")
    admin.get_by_role("button", name="Vis").click()
    expect(admin.get_by_role("row").filter(has_text="Bruker aktivert/deaktivert").first).to_contain_text(f"ny{width}")
    check(admin, "revisjonslogg")
    admin.get_by_role("link", name="Innstillinger").click()
    check(admin, "innstillinger")
    admin.close()
    assert not problems, "\n".join(problems)
