"""What every page object and ``ui`` back-end shares, whatever system it drives.

:class:`Screen` finds fields by their visible label (with per-system label overrides for when an
upgrade renames one), fills and chooses values, submits forms and reads label/value lists and
tables. :class:`WebSession` owns one browser per back-end and a fresh context per operation,
logging in again when the system asks (an expired session). Screenshots and traces are kept
on failure only when the browser settings allow it (default off: screens show personal data).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, Response, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from saksrobot import browser
from saksrobot.errors import ApplicationError, BusinessError, ConfigurationError
from saksrobot.settings import BrowserSettings, SystemSettings

log = logging.getLogger(__name__)
T = TypeVar("T")

# Selects the option with this value or (case-insensitively) this text, and fires the events a
# person's choice fires; answers whether such an option exists. One round trip to the browser.
_SELECT_OPTION = """(select, [value, text]) => {
  const option = [...select.options].find(o => (value !== null && o.value === value)
      || (text !== null && o.text.trim().toLowerCase() === text.toLowerCase()));
  if (!option) return false;
  select.value = option.value;
  select.dispatchEvent(new Event("input", {bubbles: true}));
  select.dispatchEvent(new Event("change", {bubbles: true}));
  return true;
}"""
# The rows of a table as {column heading: cell text}; rows without a full set of cells are skipped.
_TABLE_ROWS = (
    "t => { const h = [...t.querySelectorAll('thead th')].map(x => x.textContent.trim());"
    " return [...t.querySelectorAll('tbody tr')].filter(r => r.querySelectorAll('td').length"
    " === h.length).map(r => Object.fromEntries([...r.querySelectorAll('td')].map("
    "(c, i) => [h[i], c.textContent.trim()]))); }")
# The pairs of a <dl> as [label, value]; a <time> gives its ISO datetime.
_DL_PAIRS = (
    "dl => [...dl.querySelectorAll('dt')].map(dt => { const dd = dt.nextElementSibling;"
    " const time = dd && dd.querySelector('time[datetime]');"
    " const value = time ? time.getAttribute('datetime') : (dd ? dd.textContent.trim() : '');"
    " return [dt.textContent.trim(), value]; })")


def shows(page: Page, path: str) -> bool:
    """Whether the page is at ``path`` (path and query; the login page's ``?neste=`` does not count)."""
    url = urlsplit(page.url)
    return url.path + (f"?{url.query}" if url.query else "") == path or url.path == path


class Screen:
    """Base of the page objects: label look-up and the checks every screen shares.

    ``system`` names the system in messages ("Arkivet"), ``labels_setting`` the setting that
    renames labels (``archive.labels``).
    """

    name = "skjermbilde"
    system = "Fagsystemet"
    labels_setting = "labels"

    def __init__(self, page: Page, labels: Mapping[str, str], system: str | None = None) -> None:
        self.page, self._labels = page, labels
        self.system = system or self.system
        self._shown: set[str] | None = None

    def field(self, label: str) -> Locator:
        shown = self._labels.get(label, label)
        if self._shown is None:  # one look at the screen's labels instead of one per field
            self._shown = set(self.page.evaluate(
                "[...document.querySelectorAll('label')].map(l => l.textContent.trim())"))
        if shown not in self._shown:
            raise ApplicationError(
                f"Fant ikke feltet «{shown}» på skjermbildet «{self.name}». Er skjermbildet endret? "
                f"Oppdater innstillingen {self.labels_setting}.", code="screen_changed")
        return self.page.get_by_label(shown, exact=True)

    def fill(self, label: str, value: str | None) -> None:
        if value:
            self.field(label).fill(value)

    def select(self, label: str, *, value: str | None = None, text: str | None = None,
               unknown: str = "Ukjent verdi") -> None:
        """Choose the option with this value or this visible text (either may be given, or both);
        an unknown one is a business error."""
        if value is None and text is None:
            return
        chosen = self.field(label).evaluate(_SELECT_OPTION, [value, text])
        if not chosen:
            raise BusinessError(f"{unknown} «{text if text is not None else value}»", code="unknown_code")

    def offers(self, label: str, wanted: str) -> bool:
        """Whether the list field has an option with this value or (any letter case) this text."""
        options = self.field(label).evaluate("s => [...s.options].map(o => [o.value, o.text.trim()])")
        return any(wanted == value or wanted.casefold() == text.casefold() for value, text in options)

    def submit(self, button: str) -> Response | None:
        """Click ``button`` and wait for the page the form post leads to (after redirects);
        an HTTP 5xx answer is an application error."""
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name=button, exact=True).click()
        response = navigation.value
        if response is not None and response.status >= 500:
            raise ApplicationError(f"{self.system} svarte med feil (HTTP {response.status}) på «{self.name}»",
                                   code="server_error")
        return response

    def save(self, button: str, success: str) -> re.Match[str]:
        """Submit the form; return the match of ``success`` (a regex) on the page URL it leads to,
        or raise why not: the form's errors (business), an expired session or an unexpected page."""
        response = self.submit(button)
        if match := re.search(success, self.page.url):
            return match
        if "/login" in self.page.url:
            # saved, and the session expired on the way to the result page: the redirects tell
            request = response.request.redirected_from if response is not None else None
            while request is not None:
                if match := re.search(success, request.url):
                    return match
                request = request.redirected_from
            raise ApplicationError(f"Økten i {self.system.lower()} utløp under «{self.name}»",
                                   code="session_expired")
        if errors := self.form_errors():
            raise BusinessError("; ".join(errors), code="refused")
        raise ApplicationError(f"Uventet side etter lagring: {self.page.url}", code="unexpected_response")

    def form_errors(self) -> list[str]:
        """The messages of the error summary, or of the inline field errors."""
        summary = self.page.get_by_test_id("feiloppsummering")
        if summary.count():
            return [t.strip() for t in summary.locator("li").all_inner_texts()]
        return [t.strip() for t in self.page.locator(".feltfeil").all_inner_texts()]

    def details(self, section: str | None = None) -> dict[str, str]:
        """A label/value list (``<dl>``) as {label: value}: the first on the page, or the one
        following the heading ``section``."""
        dl = self.page.locator("dl").first if section is None else self.page.locator(
            f"xpath=//h2[normalize-space()='{section}']/following-sibling::dl[1]")
        return dict(dl.evaluate(_DL_PAIRS))

    def rows(self, table: Locator) -> list[dict[str, str]]:
        """Rows of ``table`` as {column heading: cell text}."""
        return table.evaluate(_TABLE_ROWS)


class LoginPage(Screen):
    name = "Logg inn"

    def is_shown(self) -> bool:
        return "/login" in self.page.url

    def log_in(self, username: str, password: str) -> None:
        self.fill("Brukernavn", username)
        self.fill("Passord", password)
        self.submit("Logg inn")
        if self.is_shown():
            raise ConfigurationError(f"Innlogging i {self.system.lower()} feilet: feil brukernavn eller passord "
                                     "(innstillingene username og password)", code="login_failed")


class _SharedBrowser:
    """One Playwright driver and one Chromium per process (Playwright's sync API allows one driver
    per thread), shared by every :class:`WebSession` that is open: one browser per robot run."""

    def __init__(self) -> None:
        self.users = 0
        self.playwright: Playwright | None = None
        self.browser: Browser | None = None

    def acquire(self, settings: BrowserSettings) -> Browser:
        if self.browser is None:
            self.playwright = sync_playwright().start()
            try:
                self.browser = browser.launch(self.playwright, settings)
            except BaseException:
                self.playwright.stop()
                self.playwright = None
                raise
        self.users += 1
        return self.browser

    def release(self) -> None:
        self.users -= 1
        if self.users == 0 and self.browser is not None and self.playwright is not None:
            try:
                self.browser.close()
            finally:
                self.playwright.stop()
                self.browser = self.playwright = None


_shared = _SharedBrowser()


class WebSession:
    """A system's web UI in the run's browser; each operation gets a fresh context sharing the login.

    The browser is shared with the other web sessions of the process, unless a ``playwright`` of
    the caller's is given (then this session launches its own browser with it).
    """

    def __init__(self, system: str, settings: SystemSettings, browser_settings: BrowserSettings,
                 setting_prefix: str, artifacts_dir: Path | None = None,
                 playwright: Playwright | None = None) -> None:
        if settings.password is None:
            raise ConfigurationError(f"{setting_prefix}.password is not set "
                                     f"(SAKSROBOT_{setting_prefix.upper()}__PASSWORD)")
        self.system, self.settings, self.browser_settings = system, settings, browser_settings
        self.labels = settings.labels
        self._artifacts = artifacts_dir
        self._shared = playwright is None
        self._browser = _shared.acquire(browser_settings) if playwright is None else browser.launch(
            playwright, browser_settings)
        self._storage_state: Any = None

    @contextmanager
    def page(self, operation: str) -> Iterator[Page]:
        """A page in a fresh context; Playwright errors become application errors."""
        context: BrowserContext = self._browser.new_context(
            base_url=self.settings.base_url, storage_state=self._storage_state, locale="nb-NO")
        context.set_default_timeout(self.browser_settings.timeout_seconds * 1000)
        tracing = self.browser_settings.trace_on_failure and self._artifacts is not None
        if tracing:
            context.tracing.start(screenshots=True, snapshots=True)
        page = context.new_page()
        try:
            yield page
        except BaseException as exc:
            self._keep_evidence(context, page, operation, tracing)
            if isinstance(exc, PlaywrightError):
                raise ApplicationError(f"Nettleserfeil under «{operation}»: {exc.message.splitlines()[0]}",
                                       code="browser_error") from None
            raise
        else:
            if tracing:
                context.tracing.stop()
        finally:
            context.close()

    def on_screen(self, operation: str, work: Callable[[Page], T]) -> T:
        with self.page(operation) as page:
            return work(page)

    def open(self, page: Page, path: str) -> None:
        """Go to ``path``, logging in first when the system asks for it."""
        response = page.goto(path)
        login = LoginPage(page, self.labels, self.system)
        if login.is_shown():
            log.info("Logging in to %s", self.system)
            assert self.settings.password is not None
            login.log_in(self.settings.username, self.settings.password.get_secret_value())
            self._storage_state = page.context.storage_state()
            response = None if shows(page, path) else page.goto(path)
        if response is not None and response.status >= 500:
            raise ApplicationError(f"{self.system} svarte med feil (HTTP {response.status})", code="server_error")

    def _keep_evidence(self, context: BrowserContext, page: Page, operation: str, tracing: bool) -> None:
        if self._artifacts is None:
            return
        stem = self._artifacts / re.sub(r"\W+", "-", operation).strip("-")
        try:
            if self.browser_settings.screenshots_on_failure:
                stem.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{stem}.png", full_page=True)
            if tracing:
                context.tracing.stop(path=f"{stem}-trace.zip")
        except PlaywrightError:
            log.warning("Could not save evidence for %s", operation)

    def close(self) -> None:
        """Give the browser back (closed when no other session uses it). Safe to call twice."""
        if self._browser is None:
            return
        browser_, self._browser = self._browser, None
        if self._shared:
            _shared.release()
        else:
            browser_.close()
