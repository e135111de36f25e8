"""The ``ui`` back-end: the archive's web UI in headless Chromium, through the page objects.

One browser per :class:`UiArchive` (one per robot run) and a fresh browser context per
operation, sharing the login (see :class:`saksrobot.screens.WebSession`). An expired session is
noticed (the login page appears) and the robot logs in again. Screenshots and traces are
written under ``artifacts_dir`` on failure only when enabled in the settings (default off:
screens show personal data).
"""

from __future__ import annotations

import logging
from pathlib import Path

from playwright.sync_api import Page, Playwright

from saksrobot.archive.client import Archive
from saksrobot.archive.models import (
    ArchiveCode,
    Case,
    CaseQuery,
    CaseResult,
    Enterprise,
    ExternalId,
    NewCase,
    NewJournalPost,
    Party,
    PrivatePerson,
    noark_category,
)
from saksrobot.archive.ui.pages import (
    CasePage,
    NewCasePage,
    NewEnterprisePage,
    NewJournalPostPage,
    NewPersonPage,
    SearchPage,
)
from saksrobot.errors import ApplicationError, BusinessError
from saksrobot.screens import WebSession, shows
from saksrobot.settings import Settings

log = logging.getLogger(__name__)
MIME = {"pdf": "application/pdf", "xml": "application/xml", "txt": "text/plain"}


class UiArchive(Archive):
    """The archive through its web pages, as a person would use it."""

    def __init__(self, settings: Settings, artifacts_dir: Path | None = None,
                 playwright: Playwright | None = None) -> None:
        super().__init__(settings)
        self._web = WebSession("Arkivet", settings.archive, settings.browser, "archive", artifacts_dir, playwright)
        self._labels = settings.archive.labels
        self._key_label = settings.archive.document_key_label
        self._open = self._web.open
        self._on_screen = self._web.on_screen

    # -- operations ---------------------------------------------------------------------------
    def _find_cases(self, query: CaseQuery) -> list[Case]:
        return self._on_screen("søk", lambda page: self._search(page, query))

    def _search(self, page: Page, query: CaseQuery) -> list[Case]:
        if query.archive_code:
            raise ApplicationError("Søk på ordningsverdi finnes ikke i arkivets skjermbilde", code="unsupported")
        external = query.external_id
        criteria = {"saksnummer": query.case_number, "tittel": query.title, "ekstern_id": external and external.id,
                    "ekstern_id_type": external and external.type, "sakspart": query.contact_reference,
                    "sakstype": query.case_type}
        self._open(page, SearchPage.path(**{k: v for k, v in criteria.items() if v}))
        recnos = SearchPage(page, self._labels).hits()[: query.max_results]
        return [self._read_case(page, recno) for recno in recnos]

    def _find_or_create_case(self, case: NewCase, look_up: bool) -> CaseResult:
        """Look up the external id and create the case in one browser context (one login)."""
        def work(page: Page) -> CaseResult:
            if look_up and case.external_id is not None and (
                    found := self._existing_case(lambda query: self._search(page, query), case.external_id)):
                return found
            return self._fill_in_case(page, case)

        return self._on_screen("ny sak", work)

    def _read_case(self, page: Page, recno: int) -> Case:
        self._open(page, CasePage.path(recno))
        screen = CasePage(page, self._labels)
        d = screen.details()
        parties = screen.table("saksparter")
        return Case(
            case_number=d["Saksnummer"], recno=recno, title=d.get("Offentlig tittel", ""),
            unofficial_title=d.get("Intern tittel") or None, case_type=d.get("Sakstype", ""),
            status=d.get("Status", ""), sub_archive=d.get("Arkivdel") or None,
            access_code=d.get("Tilgangskode") or None, paragraph=d.get("Hjemmel") or None,
            access_group=d.get("Tilgangsgruppe") or None, responsible_unit=d.get("Ansvarlig enhet") or None,
            external_id=ExternalId(id=d["Ekstern ID"], type=d.get("Ekstern ID-type", "")) if d.get("Ekstern ID")
            else None, created=d.get("Opprettet") or None,
            archive_codes=tuple(ArchiveCode(archive_type=r["Ordningsprinsipp"], code=r["Ordningsverdi"],
                                            sort=i + 1) for i, r in enumerate(screen.table("klassering"))),
            parties=tuple(Party(reference=r["Referanse"], role=r.get("Rolle", "Sakspart"), unofficial=None)
                          for r in parties if r["Referanse"]),  # (unofficial: not told, as through the API)
            unregistered_parties=tuple(r.get("Navn", "") for r in parties if not r["Referanse"]),
        )

    def _create_case(self, case: NewCase) -> CaseResult:
        return self._on_screen("ny sak", lambda page: self._fill_in_case(page, case))

    def _fill_in_case(self, page: Page, case: NewCase) -> CaseResult:
        if len(case.archive_codes) > 3:
            raise ApplicationError("Skjermbildet har plass til tre ordningsverdier", code="unsupported")
        self._open(page, NewCasePage.path)
        form = NewCasePage(page, self._labels)
        form.fill("Offentlig tittel", case.title)
        form.fill("Intern tittel", case.unofficial_title)
        form.select("Sakstype", value=case.case_type, unknown="Ukjent sakstype")
        form.select("Arkivdel", value=case.sub_archive, unknown="Ukjent arkivdel")
        for i, code in enumerate(case.archive_codes[:3], start=1):
            form.select(f"Ordningsprinsipp {i}", value=code.archive_type, unknown="Ukjent ordningsprinsipp")
            form.fill(f"Ordningsverdi {i}", code.code)
        form.select("Tilgangskode", value=case.access_code, unknown="Ukjent tilgangskode")
        form.fill("Hjemmel", case.paragraph)
        form.select("Tilgangsgruppe", value=case.access_group, unknown="Ukjent tilgangsgruppe")
        form.select("Ansvarlig enhet", text=case.responsible_unit, unknown="Ukjent enhet")
        if case.external_id:
            form.fill("Ekstern ID", case.external_id.id)
            form.fill("Ekstern ID-type", case.external_id.type)
        form.fill("Saksparter", "\n".join(p.reference for p in case.parties))
        form.fill("Uregistrerte parter", "\n".join(f"{p.name}; {p.email or ''}" for p in case.unregistered_parties))
        if any(p.unofficial for p in (*case.parties, *case.unregistered_parties)):
            form.field("Skjerm saksparter").check()
        recno = form.save_case()
        if not shows(page, CasePage.path(recno)):  # saved, but the session expired on the way there
            self._open(page, CasePage.path(recno))
        number = CasePage(page, self._labels).case_number()
        log.info("Created case %s", number)
        return CaseResult(case_number=number, recno=recno, created=True)

    def _create_journal_post(self, post: NewJournalPost) -> str:
        def fill_in(page: Page) -> str:
            case = self._search(page, CaseQuery(case_number=post.case_number, max_results=1))
            if not case:
                raise BusinessError(f"Fant ikke sak {post.case_number}", code="case_not_found")
            self._open(page, NewJournalPostPage.path(case[0].recno))
            form = NewJournalPostPage(page, self._labels)
            form.fill("Offentlig tittel", post.title)
            form.fill("Intern tittel", post.unofficial_title)
            form.select("Dokumentkategori", value=noark_category(post.category), text=post.category,
                        unknown="Ukjent dokumentkategori")
            form.fill("Dokumentdato", post.document_date and post.document_date.isoformat())
            form.select("Tilgangskode", value=post.access_code, unknown="Ukjent tilgangskode")
            form.fill("Hjemmel", post.paragraph)
            form.select("Tilgangsgruppe", value=post.access_group, unknown="Ukjent tilgangsgruppe")
            if post.external_id:
                form.fill(self._key_label, post.external_id.value)
            form.select("Ansvarlig enhet", text=post.responsible_unit, unknown="Ukjent enhet")
            form.fill("Attestant/saksbehandler", post.responsible_person)
            form.fill("Knyttet til journalpost", " ".join(post.referring_documents))
            if post.contacts:
                form.fill("Avsender/mottaker", post.contacts[0].reference)
            if post.unregistered_contacts:
                first = post.unregistered_contacts[0]
                form.fill("Uregistrert avsender/mottaker (navn; e-post)", f"{first.name}; {first.email or ''}")
            if post.files:
                form.field("Filer").set_input_files([
                    {"name": f"{f.title}.{f.format}", "mimeType": MIME.get(f.format, "application/octet-stream"),
                     "buffer": f.data} for f in post.files])
            number = form.save_post()
            log.info("Created journal post %s", number)
            return number

        return self._on_screen("ny journalpost", fill_in)

    def _find_journal_post(self, key: ExternalId, case_number: str) -> str | None:
        def look(page: Page) -> str | None:
            case = self._search(page, CaseQuery(case_number=case_number, max_results=1))
            if not case:
                raise BusinessError(f"Fant ikke sak {case_number}", code="case_not_found")
            posts = CasePage(page, self._labels).table("journalposter")  # _search left the case page open
            number, field = (self._labels.get(c, c) for c in ("Dokumentnummer", self._key_label))
            if posts and not {number, field} <= set(posts[0]):
                raise ApplicationError(f"Fant ikke kolonnene «{number}» og «{field}» i journalpostlisten. Er "
                                       "skjermbildet endret? Oppdater innstillingen archive.labels.",
                                       code="screen_changed")
            found = [p[number] for p in posts if p[field] == key.value]
            return found[0] if found else None

        return self._on_screen("finn journalpost", look)

    def _synchronize_person(self, person: PrivatePerson) -> None:
        def fill_in(page: Page) -> None:
            self._open(page, NewPersonPage.path)
            form = NewPersonPage(page, self._labels)
            form.fill("Fornavn", person.first_name)
            form.fill("Etternavn", person.last_name)
            form.fill("Fødselsnummer", person.personal_id_number)
            form.fill("Adresse", person.address)
            form.save_person()

        self._on_screen("ny kontakt", fill_in)

    def _synchronize_enterprise(self, enterprise: Enterprise) -> None:
        def fill_in(page: Page) -> None:
            self._open(page, NewEnterprisePage.path)
            form = NewEnterprisePage(page, self._labels)
            form.fill("Navn", enterprise.name)
            form.fill("Organisasjonsnummer", enterprise.enterprise_number)
            form.save_enterprise()

        self._on_screen("ny virksomhet", fill_in)

    def _case_problems(self, case: NewCase, registered: frozenset[str]) -> list[str]:
        def read(page: Page) -> list[str]:
            self._open(page, NewCasePage.path)
            form = NewCasePage(page, self._labels)
            return [f"{unknown} «{value}»" for label, unknown, value in (
                ("Sakstype", "Ukjent sakstype", case.case_type), ("Arkivdel", "Ukjent arkivdel", case.sub_archive),
                ("Tilgangskode", "Ukjent tilgangskode", case.access_code),
                ("Ansvarlig enhet", "Ukjent enhet", case.responsible_unit))
                if value is not None and not form.offers(label, value)]

        return self._on_screen("kontroll av ny sak", read)

    def _check(self) -> None:
        self._on_screen("innlogging", lambda page: self._open(page, SearchPage.path()))

    def close(self) -> None:
        self._web.close()



