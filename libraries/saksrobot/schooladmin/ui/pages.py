"""Page objects for the school-admin system's web UI: one class per screen, found by labels.

When an upgrade renames a label, set ``schooladmin.labels`` (``{"Saksnummer": "Sak"}``).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from saksrobot.errors import ApplicationError, BusinessError
from saksrobot.screens import Screen


class SchoolScreen(Screen):
    system = "Oppvekstsystemet"
    labels_setting = "schooladmin.labels"

    def label(self, text: str) -> str:
        return self._labels.get(text, text)

    def section(self, heading: str) -> dict[str, str]:
        """The label/value list under ``heading``, keyed by the labels' usual texts."""
        shown = self.details(self.label(heading))
        return {text: shown.get(self.label(text), "") for text in self._known(shown)}

    def _known(self, shown: dict[str, str]) -> list[str]:
        renamed = {v: k for k, v in self._labels.items()}
        return [renamed.get(k, k) for k in shown]

    def table(self, table_id: str) -> list[dict[str, str]]:
        renamed = {v: k for k, v in self._labels.items()}
        return [{renamed.get(k, k): v for k, v in row.items()} for row in self.rows(self.page.locator(f"#{table_id}"))]

    def ids(self, table_id: str, prefix: str) -> list[str]:
        """The ids linked from the first column of a list table, in order."""
        hrefs = self.page.locator(f"#{table_id} tbody tr td:first-child a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
        return [h.rsplit("/", 1)[-1] for h in hrefs if h and h.startswith(prefix)]

    def record_case_number(self, field: str, button: str, case_number: str) -> None:
        """Fill in a case number and save; a refusal (another number is recorded) is a business error."""
        self.fill(field, case_number)
        response = self.submit(button)
        if "/login" in self.page.url:
            raise ApplicationError(f"Økten i oppvekstsystemet utløp under «{self.name}»", code="session_expired")
        if errors := self.form_errors():
            conflict = response is not None and response.status == 409
            raise BusinessError("; ".join(errors), code="conflict" if conflict else "refused")


def parse_date(text: str) -> date | None:
    return datetime.strptime(text, "%d.%m.%Y").date() if text else None


def parse_datetime(text: str) -> datetime:
    return datetime.strptime(text, "%d.%m.%Y %H:%M")


class ReferralListPage(SchoolScreen):
    name = "Henvisninger"
    new = "/henvisninger?status=ny"

    def referral_ids(self) -> list[str]:
        return self.ids("henvisninger", "/henvisninger/")


class ReferralPage(SchoolScreen):
    name = "Henvisning"

    @staticmethod
    def path(referral_id: str) -> str:
        return f"/henvisninger/{referral_id}"

    def attachment_links(self) -> list[tuple[str, str]]:
        """(href, file name) of each attachment."""
        return [tuple(pair) for pair in self.page.locator("#vedlegg a[download]").evaluate_all(
            "links => links.map(a => [a.getAttribute('href'), a.getAttribute('download')])")]

    def mark_processed(self, case_number: str) -> None:
        self.record_case_number("Saksnummer", "Marker som behandlet", case_number)
        if self.section("Henvisningen").get("Saksnummer") != case_number:
            raise ApplicationError("Oppvekstsystemet viste ikke saksnummeret etter lagring", code="unexpected_response")


class ChildListPage(SchoolScreen):
    name = "Nye elever og barn"
    without_folder = "/barn?uten_mappe=1"

    def child_ids(self) -> list[str]:
        return self.ids("barn", "/barn/")


class ChildPage(SchoolScreen):
    name = "Elev / barn"

    @staticmethod
    def path(child_id: str) -> str:
        return f"/barn/{child_id}"

    def record_folder(self, case_number: str) -> None:
        self.record_case_number("Saksnummer for mappe", "Registrer mappe", case_number)
        if self.section("Opplysninger").get("Mappe") != case_number:
            raise ApplicationError("Oppvekstsystemet viste ikke mappen etter lagring", code="unexpected_response")


class SearchPage(SchoolScreen):
    name = "Søk"

    @staticmethod
    def path(query: str) -> str:
        return "/sok?" + "q=" + re.sub(r"\s+", "+", query.strip())
