"""Single sign-on in a real browser against a real OpenID Connect provider process (oidc-provider-mock,
started here on a free port; a test sets each person's claims with ``PUT /users/<sub>`` and logs in by
typing the subject into its authorization form): staff log in with the button and get their role's
pages, a person in no mapped group or deactivated is refused, log-out ends the session (at the
provider too), and the provider's answer counts once. Forged ID tokens are in tests/unit/web/test_oidc.py."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from saksrobot.database import make_engine
from saksrobot.scheduler import SchedulerService
from saksrobot.settings import load_settings
from saksrobot.web.users import Role, UserStore
from saksrobot.workitems import WorkItemStore
from served_room import free_port, served_room

pytestmark = [pytest.mark.browser, pytest.mark.acceptance]
PASSWORD = "et-langt-passord-2026"
PEOPLE = {  # subject at the provider → claims
    "sub-kari": {"preferred_username": "kari", "name": "Kari Arkiv", "email": "kari@kommune.no",
                 "groups": ["arkiv", "alle-ansatte"]},
    "sub-leder": {"preferred_username": "leder", "name": "Lise Leder", "groups": ["ledere"]},
    "sub-per": {"preferred_username": "per", "name": "Per Utenfor", "groups": ["alle-ansatte"]},
    "sub-siri": {"preferred_username": "siri", "name": "Siri Sluttet", "groups": ["arkiv"]},
    "sub-http": {"preferred_username": "hanne", "groups": ["arkiv"]},
}
NO_GROUP = "Du er ikke i noen gruppe som gir tilgang til saksrobot. Spør en administrator."


@pytest.fixture(scope="module")
def provider(tmp_path_factory) -> Iterator[str]:
    """The provider process; its address is its issuer."""
    port, log = free_port(), tmp_path_factory.mktemp("oidc") / "provider.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:  # until it answers (or has died)
            assert process.poll() is None, log.read_text()
            try:
                httpx.get(f"{issuer}/.well-known/openid-configuration").raise_for_status()
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        for sub, claims in PEOPLE.items():
            httpx.put(f"{issuer}/users/{sub}", json=claims).raise_for_status()
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def room(provider, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("sso")
    database = f"sqlite:///{tmp_path / 'saksrobot.db'}"
    settings = load_settings(logs_dir=tmp_path / "logs", database={"url": database}, web={"oidc": {
        "enabled": True, "issuer": provider, "client_id": "saksrobot", "client_secret": "hemmelig",
        "role_claims": {"arkiv": "operator", "ledere": "manager"}}})
    engine = make_engine(database)
    UserStore(engine).add("ada", PASSWORD, Role.ADMIN, "Ada")  # the first admin: a local password
    items = WorkItemStore(engine)
    items.add("archive_cases", "REQ-1", {"title": "Søknad"})
    items.hand_over(items.reserve("archive_cases"), "unknown_contact", "Fant ikke kontaktpersonen i arkivet")
    service = SchedulerService(settings, engine, runner=lambda *a, **k: None)
    with served_room(settings, engine, service) as (base, browser):
        yield base, browser, engine


def violations(page: Page) -> list[str]:
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in Axe().run(page).response["violations"]]


def sign_on(browser, base: str, sub: str, path: str) -> Page:  # noqa: ANN001 - a Playwright browser
    """A new browser asks for ``path``, is sent to log in, takes the button and logs in at the provider."""
    page = browser.new_context().new_page()
    page.goto(base + path)
    assert not violations(page)
    page.get_by_role("link", name="Logg inn med kommunens konto").click()
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def test_an_operator_logs_in_with_the_button_and_gets_the_operators_pages(room):
    base, browser, engine = room
    page = sign_on(browser, base, "sub-kari", "/manuell")
    assert page.url == f"{base}/manuell"
    expect(page.get_by_role("heading", level=1)).to_have_text("Manuell behandling")
    expect(page.get_by_role("button", name="Merk som behandlet")).to_be_visible()
    expect(page.locator("header .bruker")).to_contain_text("Kari Arkiv (Arkivmedarbeider)")
    assert page.goto(f"{base}/brukere").status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen tilgang")
    kari = UserStore(engine).named("kari")
    assert (kari.role, kari.email, kari.password_hash) == (Role.OPERATOR, "kari@kommune.no", "")
    page.context.close()


def test_a_manager_gets_the_managers_pages_and_no_operator_action(room):
    base, browser, engine = room
    page = sign_on(browser, base, "sub-leder", "/gevinst")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gevinst")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert page.request.post(f"{base}/roboter/archive_cases/kjor", form={"csrf_token": token}).status == 403
    assert page.goto(f"{base}/tidsplaner/ny").status == 403
    page.goto(f"{base}/manuell")
    expect(page.get_by_role("button", name="Merk som behandlet")).to_have_count(0)
    assert UserStore(engine).named("leder").role == Role.MANAGER
    page.context.close()


def test_a_person_in_no_mapped_group_is_refused_and_has_no_session(room):
    base, browser, engine = room
    page = sign_on(browser, base, "sub-per", "/")
    expect(page.get_by_role("alert")).to_have_text(NO_GROUP)
    assert not violations(page)
    page.goto(f"{base}/")
    assert urlparse(page.url).path == "/logg-inn"
    assert UserStore(engine).named("per") is None
    page.context.close()


def test_a_deactivated_user_is_refused(room):
    base, browser, engine = room
    first = sign_on(browser, base, "sub-siri", "/")
    expect(first.get_by_role("heading", level=1)).to_contain_text("Oversikt")
    UserStore(engine).set_active("siri", False)
    first.reload()  # the open session ends too
    assert urlparse(first.url).path == "/logg-inn"
    page = sign_on(browser, base, "sub-siri", "/")
    expect(page.get_by_role("alert")).to_have_text("Brukeren din er deaktivert. Spør en administrator.")
    first.context.close()
    page.context.close()


def test_log_out_ends_the_session_here_and_at_the_provider(room):
    base, browser, engine = room
    page = sign_on(browser, base, "sub-kari", "/")
    cookies = page.context.cookies(base)
    page.get_by_role("button", name="Logg ut").click()  # on to the provider's log-out page
    expect(page.get_by_role("heading", name="End Session")).to_be_visible()
    assert "id_token_hint" in page.url and "post_logout_redirect_uri" in page.url
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    copy = browser.new_context()  # the cookie from before the log-out is worthless
    copy.add_cookies(cookies)
    again = copy.new_page()
    again.goto(f"{base}/")
    assert urlparse(again.url).path == "/logg-inn"
    copy.close()
    page.context.close()


def test_the_providers_answer_counts_once(room, provider):
    """The real provider's answer (its code and our state) logs in only the client that asked, once;
    used again, or by another client, it does nothing (and a link to it logs nobody out)."""
    base, _, _ = room
    with httpx.Client(base_url=base) as browser, httpx.Client(base_url=base) as other:
        start = browser.get("/logg-inn/oidc", params={"neste": "/kjoringer"})
        authorize = httpx.post(start.headers["location"], data={"sub": "sub-http"})
        callback = authorize.headers["location"]
        assert parse_qs(urlparse(callback).query).keys() >= {"code", "state"}
        assert other.get(callback).headers["location"] == "/logg-inn"  # not the client that asked
        assert other.get("/kjoringer").status_code == 303
        response = browser.get(callback)
        assert (response.status_code, response.headers["location"]) == (303, "/kjoringer")
        assert browser.get("/kjoringer").status_code == 200
        assert browser.get(callback).headers["location"] == "/logg-inn"  # used up: ignored
        assert browser.get("/kjoringer").status_code == 200  # the session is as it was
