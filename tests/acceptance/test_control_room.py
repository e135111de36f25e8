"""The control room as archive staff use it, in a real headless Chromium: log in, schedule a robot
for weekdays at 07:00 and see 17 May and Christmas skipped, run a robot now against the simulators,
watch the run finish, open its log, resolve one handed-over item and send another back. A manager
cannot change schedules; a logged-out visitor is sent to the log-in page."""

import re
import time

import pytest
from playwright.sync_api import expect

from saksrobot.database import make_engine
from saksrobot.demo import robot_environment
from saksrobot.scheduler import SchedulerService, ScheduleStore
from saksrobot.settings import load_settings
from saksrobot.web.users import Role, UserStore
from saksrobot.workitems import State, WorkItemStore
from served_room import served_room

pytestmark = [pytest.mark.browser, pytest.mark.acceptance]
PASSWORD = "et-langt-passord-2026"


@pytest.fixture
def room(tmp_path, sims):
    import httpx
    for url in (sims.archive_url, sims.schooladmin_url):
        httpx.post(f"{url}/_sim/reset", headers={"Authorization": f"authkey {sims.api_key}"})
    database = f"sqlite:///{tmp_path / 'saksrobot.db'}"
    settings = load_settings(logs_dir=tmp_path / "logs", database={"url": database},
                             archive={"base_url": sims.archive_url},
                             schooladmin={"base_url": sims.schooladmin_url})
    engine = make_engine(database)
    users = UserStore(engine)
    users.add("kari", PASSWORD, Role.OPERATOR, "Kari Arkiv")
    users.add("leder", PASSWORD, Role.MANAGER, "Lene Leder")
    env = robot_environment(settings, sims, database_url=database, schooladmin_backend="api")
    service = SchedulerService(settings, engine, env=env)
    with served_room(settings, engine, service) as (base, browser):
        yield base, browser, engine


def log_in(page, base: str, username: str, target: str = "/") -> None:
    page.goto(base + target)
    expect(page).to_have_url(re.compile(r"/logg-inn"))
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


def test_archivist_schedules_runs_and_handles_items(room):
    base, browser, engine = room
    page = browser.new_context(locale="nb-NO").new_page()
    log_in(page, base, "kari")
    expect(page.get_by_role("heading", name=re.compile("Oversikt"))).to_be_visible()

    # a schedule for weekdays at 07:00
    page.get_by_role("link", name="Roboter og tidsplaner").click()
    page.locator("#robot-archive_cases").get_by_role("link", name="Ny tidsplan").click()
    page.get_by_label("Dager", exact=True).fill("hverdager")
    page.get_by_label("Klokkeslett", exact=True).fill("07:00")
    page.get_by_role("button", name="Lagre tidsplan").click()
    expect(page.get_by_role("status")).to_contain_text("hverdager kl. 07:00, ikke på helligdager")
    [schedule] = ScheduleStore(engine).all()
    assert (schedule.robot, schedule.days, schedule.times, schedule.enabled) == (
        "archive_cases", "mon,tue,wed,thu,fri", "07:00", True)

    # the next runs skip 17 May and Christmas Day, visibly
    row = page.locator(f"#tidsplan-{schedule.id}")
    page.get_by_label("Vis de neste kjøringene fra dato").fill("2027-05-14")
    page.get_by_role("button", name="Vis", exact=True).click()
    runs = row.locator(".neste-kjoringer li")
    expect(runs.first).to_have_text("14.05.2027 07:00")
    expect(row.locator(".hoppet-over")).to_have_text(re.compile(r"17\.05\.2027 07:00 – .*Grunnlovsdag"))
    expect(runs.locator(":scope:not(.hoppet-over)")).to_have_text(
        ["14.05.2027 07:00", "18.05.2027 07:00", "19.05.2027 07:00", "20.05.2027 07:00", "21.05.2027 07:00"])
    page.get_by_label("Vis de neste kjøringene fra dato").fill("2026-12-23")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(row.locator(".hoppet-over")).to_have_text([
        "24.12.2026 07:00 – julaften (stengt)", "25.12.2026 07:00 – Første juledag",
        "31.12.2026 07:00 – nyttårsaften (stengt)", "01.01.2027 07:00 – Første nyttårsdag"])
    expect(runs.locator(":scope:not(.hoppet-over)")).to_have_text(
        ["23.12.2026 07:00", "28.12.2026 07:00", "29.12.2026 07:00", "30.12.2026 07:00", "04.01.2027 07:00"])

    # pause and resume
    row.get_by_role("button", name="Sett på pause").click()
    expect(page.locator(f"#tidsplan-{schedule.id}")).to_contain_text("Pause")
    page.locator(f"#tidsplan-{schedule.id}").get_by_role("button", name="Fortsett").click()
    expect(page.locator(f"#tidsplan-{schedule.id}")).to_contain_text("Aktiv")

    # run a robot now and watch it finish
    page.locator("#robot-ppt_referrals").get_by_role("button", name="Kjør nå Henvisninger til PPT").click()
    expect(page).to_have_url(re.compile(r"/kjoringer"))
    first = page.locator("#kjoringer tbody tr").first
    deadline = time.monotonic() + 240
    while "Fullført" not in first.inner_text() and time.monotonic() < deadline:
        assert "Feilet" not in first.inner_text()
        page.wait_for_timeout(2000)
        page.reload()
        first = page.locator("#kjoringer tbody tr").first
    expect(first).to_contain_text("Fullført")
    expect(first).to_contain_text("6 ferdig")
    expect(first).to_contain_text("4 til manuell")
    expect(first).to_contain_text("kari (kjør nå)")
    with page.expect_popup() as popup:
        first.get_by_role("link", name="Logg").click()
    log_page = popup.value
    expect(log_page).to_have_title("ppt_referrals Log")
    log_page.close()

    # the manual queue: resolve one, send another back
    page.get_by_role("link", name="Manuell behandling").click()
    page.get_by_label("Robot").select_option("ppt_referrals")  # the list of one robot, kept after each action
    page.get_by_role("button", name="Vis").click()
    items = page.locator("#manuell tbody tr")
    expect(items).to_have_count(4)
    first_key, second_key = items.nth(0).get_attribute("data-key"), items.nth(1).get_attribute("data-key")
    expect(items.nth(0).get_by_role("link", name=re.compile("Henvisning"))).to_have_attribute(
        "href", re.compile(f"/henvisninger/{first_key}$"))
    items.nth(0).get_by_role("textbox").fill("Sak 26/00077 opprettet manuelt")
    items.nth(0).get_by_role("button", name="Merk som behandlet").click()
    expect(page.get_by_role("status")).to_contain_text("behandlet")
    expect(page).to_have_url(re.compile(r"/manuell\?prosess=ppt_referrals$"))
    second = page.locator(f'tr[data-key="{second_key}"]')
    second.get_by_text("Send tilbake til roboten").click()  # asks first
    second.get_by_role("button", name="Ja, send tilbake").click()
    expect(page.get_by_role("status")).to_contain_text("sendt tilbake")
    expect(page).to_have_url(re.compile(r"/manuell\?prosess=ppt_referrals$"))
    expect(page.locator("#manuell tbody tr")).to_have_count(2)
    store = WorkItemStore(engine)
    by_key = store.by_keys("ppt_referrals", [first_key, second_key])
    assert by_key[first_key].state == State.RESOLVED and by_key[first_key].resolved_by == "kari"
    assert by_key[second_key].state == State.PENDING

    # Oversikt counts today's work; Gevinst shows this year's hours
    page.get_by_role("link", name="Oversikt").click()
    expect(page.locator("#saker-i-dag")).to_have_text("6")
    page.get_by_role("link", name="Gevinst").click()
    expect(page.locator("#gevinst-per-robot")).to_contain_text("Henvisninger til PPT")  # its name for staff


def test_manager_reads_but_cannot_change_and_visitors_must_log_in(room):
    base, browser, engine = room
    visitor = browser.new_context().new_page()
    visitor.goto(base + "/manuell")
    expect(visitor).to_have_url(re.compile(r"/logg-inn\?neste=%2Fmanuell"))

    page = browser.new_context().new_page()
    log_in(page, base, "leder", "/gevinst")
    expect(page).to_have_url(base + "/gevinst")
    expect(page.get_by_role("heading", name="Gevinst", exact=True)).to_be_visible()
    page.goto(base + "/roboter")
    expect(page.get_by_role("button", name=re.compile("Kjør nå"))).to_have_count(0)
    response = page.goto(base + "/tidsplaner/ny")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Ingen tilgang")).to_be_visible()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.goto(base + "/roboter").text())[1]
    posted = page.request.post(base + "/tidsplaner/ny", form={"csrf_token": token, "robot": "archive_cases",
                                                              "days": "hverdager", "times": "07:00"},
                               max_redirects=0)
    assert posted.status == 403
    assert ScheduleStore(engine).all() == []
    assert page.request.post(base + "/roboter/archive_cases/kjor", form={"csrf_token": token},
                             max_redirects=0).status == 403
