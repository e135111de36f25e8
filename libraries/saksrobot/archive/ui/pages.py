"""Page objects for the archive's web UI: one class per screen, fields found by their label.

Labels are the archive's own Norwegian texts. When an upgrade renames one, set
``archive.labels`` (``{"Offentlig tittel": "Sakstittel"}``) instead of changing code.
A field that cannot be found raises :class:`ApplicationError` at once, naming the field and screen.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from saksrobot.errors import ApplicationError
from saksrobot.screens import Screen, shows


class ArchiveScreen(Screen):
    system = "Arkivet"
    labels_setting = "archive.labels"


class NewCasePage(ArchiveScreen):
    name = "Ny sak"
    path = "/saker/ny"

    def save_case(self) -> int:
        """Save the form; return the new case's recno."""
        return int(self.save("Lagre sak", r"/saker/(\d+)$").group(1))


class CasePage(ArchiveScreen):
    name = "Sak"

    @staticmethod
    def path(recno: int) -> str:
        return f"/saker/{recno}"

    def case_number(self) -> str:
        return self.page.get_by_test_id("saksnummer").inner_text().strip()

    def table(self, test_id: str) -> list[dict[str, str]]:
        """Rows of the table with this test id as {column heading: cell text}."""
        return self.rows(self.page.get_by_test_id(test_id))


class NewJournalPostPage(ArchiveScreen):
    name = "Ny journalpost"

    @staticmethod
    def path(recno: int) -> str:
        return f"/saker/{recno}/journalposter/ny"

    def save_post(self) -> str:
        """Save the form; return the new document number."""
        recno = self.save("Lagre journalpost", r"/saker/(\d+)$").group(1)
        if not shows(self.page, f"/saker/{recno}"):  # saved, then the session expired: no number shown
            raise ApplicationError("Økten i arkivet utløp etter lagring av journalposten", code="session_expired")
        return self.page.get_by_test_id("dokumentnummer").inner_text().strip()


class NewPersonPage(ArchiveScreen):
    name = "Ny kontakt"
    path = "/kontakter/ny"

    def save_person(self) -> int:
        """Save the form (the archive creates the person or updates the one with the same number);
        return the person's recno."""
        return int(self.save("Lagre kontakt", r"[?&]lagret=(\d+)").group(1))


class NewEnterprisePage(ArchiveScreen):
    name = "Ny virksomhet"
    path = "/kontakter/ny-virksomhet"

    def save_enterprise(self) -> int:
        """Save the form (creates the enterprise or updates the one with the same orgnr); return its recno."""
        return int(self.save("Lagre virksomhet", r"[?&]lagret=(\d+)").group(1))


class SearchPage(ArchiveScreen):
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
