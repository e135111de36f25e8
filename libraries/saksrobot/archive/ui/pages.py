"""Page objects for the archive's web UI: one class per screen, fields found by their label.

Labels are the archive's own Norwegian texts. When an upgrade renames one, set
``archive.labels`` (``{"Offentlig tittel": "Sakstittel"}``) instead of changing code.
A field that cannot be found raises :class:`ApplicationError` at once, naming the field and screen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode

from playwright.sync_api import Locator, Page, Response

from saksrobot.errors import ApplicationError, BusinessError

# Selects the option with this value (or, case-insensitively, this text) and fires the events a
# person's choice fires; answers whether such an option exists. One round trip to the browser.
_SELECT_OPTION = """(select, [value, text]) => {
  const option = [...select.options].find(o => value !== null ? o.value === value
      : o.text.trim().toLowerCase() === text.toLowerCase());
  if (!option) return false;
  select.value = option.value;
  select.dispatchEvent(new Event("input", {bubbles: true}));
  select.dispatchEvent(new Event("change", {bubbles: true}));
  return true;
}"""


class Screen:
    """Base of the page objects: label look-up and the checks every screen shares."""

    name = "skjermbilde"

    def __init__(self, page: Page, labels: Mapping[str, str]) -> None:
        self.page, self._labels = page, labels
        self._shown: set[str] | None = None

    def field(self, label: str) -> Locator:
        shown = self._labels.get(label, label)
        if self._shown is None:  # one look at the screen's labels instead of one per field
            self._shown = set(self.page.evaluate(
                "[...document.querySelectorAll('label')].map(l => l.textContent.trim())"))
        if shown not in self._shown:
            raise ApplicationError(
                f"Fant ikke feltet «{shown}» på skjermbildet «{self.name}». Er skjermbildet endret? "
                "Oppdater innstillingen archive.labels.", code="screen_changed")
        return self.page.get_by_label(shown, exact=True)

    def fill(self, label: str, value: str | None) -> None:
        if value:
            self.field(label).fill(value)

    def select(self, label: str, *, value: str | None = None, text: str | None = None,
               unknown: str = "Ukjent verdi") -> None:
        """Choose an option by value or by visible text; an unknown one is a business error."""
        if value is None and text is None:
            return
        chosen = self.field(label).evaluate(_SELECT_OPTION, [value, text])
        if not chosen:
            raise BusinessError(f"{unknown} «{value if value is not None else text}»", code="unknown_code")

    def submit(self, button: str) -> Response | None:
        """Click ``button`` and wait for the page the form post leads to (after redirects);
        an HTTP 5xx answer is an application error."""
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name=button, exact=True).click()
        response = navigation.value
        if response is not None and response.status >= 500:
            raise ApplicationError(f"Arkivet svarte med feil (HTTP {response.status}) på «{self.name}»",
                                   code="server_error")
        return response

    def save(self, button: str) -> int:
        """Submit the form; return the recno of the case page it leads to, or raise why not:
        the form's errors (business), an expired session or an unexpected page (application)."""
        self.submit(button)
        if match := re.search(r"/saker/(\d+)$", self.page.url):
            return int(match.group(1))
        if "/login" in self.page.url:
            raise ApplicationError(f"Økten i arkivet utløp under «{self.name}»", code="session_expired")
        if errors := self.form_errors():
            raise BusinessError("; ".join(errors), code="archive_refused")
        raise ApplicationError(f"Uventet side etter lagring: {self.page.url}", code="unexpected_response")

    def form_errors(self) -> list[str]:
        summary = self.page.get_by_test_id("feiloppsummering")
        return [t.strip() for t in summary.locator("li").all_inner_texts()] if summary.count() else []

    def details(self) -> dict[str, str]:
        """The ``<dl>`` of a detail page as {label: value}; a ``<time>`` gives its ISO ``datetime``."""
        pairs = self.page.locator("dl").first.evaluate(
            "dl => [...dl.querySelectorAll('dt')].map(dt => { const dd = dt.nextElementSibling;"
            " const time = dd && dd.querySelector('time[datetime]');"
            " const value = time ? time.getAttribute('datetime') : (dd ? dd.textContent.trim() : '');"
            " return [dt.textContent.trim(), value]; })")
        return dict(pairs)


class LoginPage(Screen):
    name = "Logg inn"

    def is_shown(self) -> bool:
        return "/login" in self.page.url

    def log_in(self, username: str, password: str) -> None:
        self.fill("Brukernavn", username)
        self.fill("Passord", password)
        self.submit("Logg inn")
        if self.is_shown():
            raise ApplicationError("Innlogging i arkivet feilet (feil brukernavn eller passord?)",
                                   code="login_failed")


class NewCasePage(Screen):
    name = "Ny sak"
    path = "/saker/ny"

    def save_case(self) -> int:
        """Save the form; return the new case's recno."""
        return self.save("Lagre sak")


class CasePage(Screen):
    name = "Sak"

    @staticmethod
    def path(recno: int) -> str:
        return f"/saker/{recno}"

    def case_number(self) -> str:
        return self.page.get_by_test_id("saksnummer").inner_text().strip()

    def table(self, test_id: str) -> list[dict[str, str]]:
        """Rows of the table with this test id as {column heading: cell text}."""
        return self.page.get_by_test_id(test_id).evaluate(
            "t => { const h = [...t.querySelectorAll('thead th')].map(x => x.textContent.trim());"
            " return [...t.querySelectorAll('tbody tr')].filter(r => r.querySelectorAll('td').length"
            " === h.length).map(r => Object.fromEntries([...r.querySelectorAll('td')].map("
            "(c, i) => [h[i], c.textContent.trim()]))); }")


class NewJournalPostPage(Screen):
    name = "Ny journalpost"

    @staticmethod
    def path(recno: int) -> str:
        return f"/saker/{recno}/journalposter/ny"

    def save_post(self) -> str:
        """Save the form; return the new document number."""
        self.save("Lagre journalpost")
        return self.page.get_by_test_id("dokumentnummer").inner_text().strip()


class SearchPage(Screen):
    name = "Søk"

    @staticmethod
    def path(**criteria: str) -> str:
        """The result page of a search (the search form is a GET form)."""
        return "/sok" + ("?" + urlencode(criteria) if criteria else "")

    def hits(self) -> list[int]:
        """The recnos of the hits on a result page, in order."""
        hrefs = self.page.evaluate(
            "[...document.querySelectorAll('[data-testid=treff] a')].map(a => a.getAttribute('href'))")
        return [int(m.group(1)) for h in hrefs if (m := re.search(r"/saker/(\d+)", h or ""))]
