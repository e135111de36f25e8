"""The ``ui`` back-end: the school-admin system's web pages in headless Chromium, as a person
would use them (one browser per run, a fresh context per operation, see
:class:`saksrobot.screens.WebSession`)."""

from __future__ import annotations

import logging
from pathlib import Path

from playwright.sync_api import Page, Playwright

from saksrobot.errors import ApplicationError
from saksrobot.schooladmin.client import SchoolAdmin
from saksrobot.schooladmin.models import (
    Attachment,
    AttachmentInfo,
    Child,
    ChildKind,
    Guardian,
    Reason,
    Referral,
    ReferredChild,
    Referrer,
    Unit,
    validated,
)
from saksrobot.schooladmin.ui.pages import (
    ChildListPage,
    ChildPage,
    ReferralListPage,
    ReferralPage,
    SearchPage,
    parse_date,
    parse_datetime,
)
from saksrobot.screens import WebSession
from saksrobot.settings import Settings

log = logging.getLogger(__name__)
STATUS = {"Ny": "ny", "Behandlet": "behandlet"}


def _yes(text: str) -> bool:
    return text.strip().lower() == "ja"


class UiSchoolAdmin(SchoolAdmin):
    """The school-admin system through its web pages."""

    def __init__(self, settings: Settings, artifacts_dir: Path | None = None,
                 playwright: Playwright | None = None) -> None:
        super().__init__(settings)
        self._web = WebSession("Oppvekstsystemet", settings.schooladmin, settings.browser, "schooladmin",
                               artifacts_dir, playwright)
        self._labels = settings.schooladmin.labels

    def _screen(self, operation: str, path: str, screen: type, work):  # noqa: ANN001, ANN202
        def on_page(page: Page):  # noqa: ANN202
            self._web.open(page, path)
            return work(screen(page, self._labels))
        return self._web.on_screen(operation, on_page)

    def _children_without_folder(self) -> list[str]:
        return self._screen("nye elever og barn", ChildListPage.without_folder, ChildListPage,
                            lambda s: s.child_ids())

    def _children_with_fnr(self, fnr: str) -> list[str]:
        return self._screen("søk", SearchPage.path(fnr), SearchPage, lambda s: s.ids("sok-barn", "/barn/"))

    def _child(self, child_id: str) -> Child:
        return self._screen("elev/barn", ChildPage.path(child_id), ChildPage, _read_child)

    def _record_folder(self, child_id: str, case_number: str) -> None:
        self._screen("registrer mappe", ChildPage.path(child_id), ChildPage,
                     lambda s: s.record_folder(case_number))

    def _new_referrals(self) -> list[str]:
        return self._screen("henvisninger", ReferralListPage.new, ReferralListPage, lambda s: s.referral_ids())

    def _referral(self, referral_id: str) -> Referral:
        return self._screen("henvisning", ReferralPage.path(referral_id), ReferralPage, _read_referral)

    def _attachments(self, referral: Referral) -> list[Attachment]:
        def download(screen: ReferralPage) -> list[Attachment]:
            files = []
            for info, (href, filename) in zip(referral.attachments, screen.attachment_links(), strict=True):
                response = screen.page.request.get(href)  # the link, with the session's cookies
                if not response.ok:
                    raise ApplicationError(f"Kunne ikke laste ned vedlegg {info.n} (HTTP {response.status})",
                                           code="server_error")
                files.append(Attachment(title=info.title, filename=filename, data=response.body(),
                                        mime=response.headers.get("content-type", info.mime).split(";")[0]))
            return files
        return self._screen("vedlegg", ReferralPage.path(referral.id), ReferralPage, download)

    def _mark_processed(self, referral_id: str, case_number: str) -> None:
        self._screen("marker behandlet", ReferralPage.path(referral_id), ReferralPage,
                     lambda s: s.mark_processed(case_number))

    def close(self) -> None:
        self._web.close()


KINDS = {"elev": ChildKind.PUPIL, "barn": ChildKind.KINDERGARTEN}


def _read_child(screen: ChildPage) -> Child:
    d = screen.section("Opplysninger")
    kind = KINDS.get(d.get("Type", "").strip().lower())
    if kind is None:
        raise ApplicationError(f"Ukjent type «{d.get('Type')}» på skjermbildet for {d.get('Id')}: er skjermbildet "
                               "endret?", code="screen_changed")
    unit = Unit(id=None, name=d["Skole/barnehage"], orgnr=d["Organisasjonsnummer"],
                kind="skole" if kind is ChildKind.PUPIL else "barnehage", access_group=d["Tilgangsgruppe"])
    return validated(Child, dict(
        id=d["Id"], kind=kind, first_name=d["Fornavn"], last_name=d["Etternavn"], fnr=d["Fødselsnummer"],
        address=d.get("Adresse") or None, unit=unit, grade=d.get("Trinn/avdeling") or None,
        enrolled=parse_date(d.get("Innmeldt", "")), folder_case_number=d.get("Mappe") or None), d["Id"])


def _read_referral(screen: ReferralPage) -> Referral:
    child, referrer, about = screen.section("Barnet"), screen.section("Henviser"), screen.section("Henvisningen")
    guardians = tuple(Guardian(name=g["Navn"], fnr=g["Fødselsnummer"] or None, phone=g.get("Telefon") or None,
                               email=g.get("E-post") or None, parental_responsibility=_yes(g["Foreldreansvar"]),
                               lives_with_child=_yes(g["Bor med barnet"]), consent=_yes(g["Samtykke"]))
                      for g in screen.table("foresatte"))
    attachments = tuple(AttachmentInfo(n=int(a["Nr"]), title=a["Tittel"], filename=a["Fil"])
                        for a in screen.table("vedlegg"))
    return Referral(
        id=about["Id"], received=parse_datetime(about["Mottatt"]), status=STATUS.get(about["Status"], about["Status"]),
        case_number=about.get("Saksnummer") or None, referral_type=about["Type"],
        child=ReferredChild(first_name=child["Fornavn"], last_name=child["Etternavn"], fnr=child["Fødselsnummer"],
                            address=child.get("Adresse") or None, unit_name=child.get("Skole/barnehage") or None,
                            unit_orgnr=child.get("Organisasjonsnummer") or None,
                            grade=child.get("Trinn/avdeling") or None, mother_tongue=child.get("Morsmål") or None,
                            interpreter_needed=_yes(child.get("Behov for tolk", ""))),
        guardians=guardians,
        referrer=Referrer(kind=referrer["Type"], name=referrer["Navn"],
                          orgnr=referrer.get("Organisasjonsnummer") or None,
                          contact_person=referrer.get("Kontaktperson") or None, phone=referrer.get("Telefon") or None),
        reason=Reason(category=about["Årsak"], text=about.get("Beskrivelse", "")),
        to_assess=about.get("Ønskes vurdert") or None, measures_tried=about.get("Tiltak som er prøvd") or None,
        attachments=attachments)
