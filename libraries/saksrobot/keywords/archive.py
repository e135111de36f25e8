"""ArchiveLibrary: Robot Framework keywords for the archive system (Public 360 style)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from robot.api import logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn

from saksrobot.archive import (
    Archive,
    ArchiveCode,
    Case,
    CaseQuery,
    Category,
    ExternalId,
    FileAttachment,
    NewCase,
    NewJournalPost,
    Party,
    UnregisteredParty,
    noark_category,
    open_archive,
)
from saksrobot.dryrun import DryRunArchive
from saksrobot.errors import ApplicationError
from saksrobot.privacy import install_log_mask
from saksrobot.settings import Backend, Settings, load_settings


@library(scope="SUITE", version="0.1.0", doc_format="ROBOT")
class ArchiveLibrary:
    """Keywords for creating and finding cases (saker) and journal posts in the archive.

    The archive is reached through one of two back-ends, chosen by the setting
    ``archive.backend`` or the ``backend`` argument of `Open Archive`:

    - ``api``: the archive's JSON API (SIF) over HTTP;
    - ``ui``: the archive's web pages in headless Chromium, as a person would use them.

    Both give the same results for the same keywords. Application errors (the archive is
    down, answers HTTP 500, a session expired) are retried with back-off; business errors
    (the archive refuses the data) fail at once with the archive's reason. A fødselsnummer is
    never written to the log.

    Example:
    | `Open Archive`    | backend=ui |
    | ${case}=          | `Create Case` | title=Byggesak Storgata 1 | case_type=Sak | responsible_unit=Byarkivet |
    | `Create Journal Post` | ${case} | title=Søknad | category=Dokument inn | files=${CURDIR}/søknad.pdf |
    | `Close Archive`   |
    """

    def __init__(self, settings: Settings | None = None, process: str | None = None) -> None:
        self._settings = settings or load_settings()
        install_log_mask(self._settings.logging.level)
        self._archive: Archive | None = None
        self._backend: Backend | None = None  # set by Open Archive; connected at first use
        self._process = process

    def _external_id(self, key: str | None) -> ExternalId | None:
        """``key`` as this robot's external id: its type names the robot (``saksrobot:<robot>``; the
        robot is the ``process`` import argument, else the run's top-level suite, which
        ``saksrobot run`` names after the robot file)."""
        if not key:
            return None
        process = self._process or str(BuiltIn().get_variable_value("${SUITE NAME}")).split(".")[0]
        return ExternalId.of(process.strip().lower().replace(" ", "_"), key)

    @property
    def archive(self) -> Archive:
        """The open connection, made at the first use after `Open Archive`; for other keyword
        libraries of the same run."""
        if self._archive is None:
            if self._backend is None:
                raise ApplicationError("The archive is not open: call `Open Archive` first", code="not_open")
            self._archive = self._connect(self._backend)
        return self._archive

    @keyword
    def open_archive(self, backend: Backend | None = None) -> None:
        """Opens the archive with the configured back-end, or the one given.

        The connection is made when the first item needs it, so a run with nothing to do never
        connects. With ``ui`` a headless Chromium is started then (one per run) and the robot
        logs in when the archive asks. The credentials are tried before the first call: a wrong
        API key or password stops the run before that item is changed (an archive that is down
        only gives a warning: its items are retried later). Call `Close Archive` at the end (in
        a teardown).

        Example:
        | `Open Archive` |            | # the backend from settings |
        | `Open Archive` | backend=ui | # the web UI in Chromium    |
        """
        self.close_archive()
        self._backend = backend or self._settings.archive.backend

    def _connect(self, backend: Backend) -> Archive:
        archive = open_archive(self._settings, backend)
        try:
            archive.check()  # a wrong key or password stops the run here, before the item is changed
        except ApplicationError as down:  # not the robot's fault: its items wait and are retried
            logger.warn(f"Arkivet svarer ikke nå ({down.message}); oppgavene prøves igjen senere")
        except BaseException:
            archive.close()
            raise
        logger.info(f"Archive opened ({backend}, {self._settings.archive.base_url})"
                    + (", dry run: nothing is written" if self._settings.dry_run else ""))
        return DryRunArchive(archive) if self._settings.dry_run else archive

    @keyword
    def close_archive(self) -> None:
        """Closes the connection (and the browser of the ``ui`` back-end). Safe to call twice.

        Example:
        | [Teardown] | `Close Archive` |
        """
        self._backend = None
        if self._archive is not None:
            self._archive.close()
            self._archive = None

    @keyword
    def create_case(self, title: str, case_type: str, responsible_unit: str,
                    unofficial_title: str | None = None, sub_archive: str | None = None,
                    archive_codes: dict[str, str] | None = None, access_code: str = "U",
                    paragraph: str | None = None, access_group: str | None = None,
                    parties: list[str] | None = None, external_id: str | None = None,
                    unregistered_parties: list[dict[str, Any]] | None = None) -> str:
        """Creates a case and returns its case number (``YY/NNNNN``).

        ``archive_codes`` maps ordningsprinsipp to value, in order (``FNR`` values are
        fødselsnumre). ``parties`` are fødselsnumre (recorded as screened parties) or
        organisasjonsnumre. ``unregistered_parties`` are parties without either, such as a member
        of the public who wrote by e-mail: a list of ``{"name": ..., "email": ...}`` (screened).
        With ``external_id``, an existing case with that id is returned instead of creating a
        second one: re-running a robot never makes duplicates.

        Example:
        | ${case}= | `Create Case` | title=Elevmappe | case_type=Elev | responsible_unit=Nordby skole |
        | ... | archive_codes=${{ {"FNR": "03851598730", "FAGKLASSE PRINSIPP": "B31"} }} |
        | ... | access_code=13 | paragraph=Offl. § 13 jf. fvl. § 13 (1) nr.1 | external_id=elev-42 |
        """
        case = NewCase(
            title=title, case_type=case_type, responsible_unit=responsible_unit,
            unofficial_title=unofficial_title, sub_archive=sub_archive, access_code=access_code,
            paragraph=paragraph, access_group=access_group,
            archive_codes=tuple(ArchiveCode(archive_type=k, code=v, sort=i, is_manual_text=k == "FNR")
                                for i, (k, v) in enumerate((archive_codes or {}).items(), start=1)),
            parties=tuple(Party(reference=p, unofficial=len(p) == 11) for p in parties or ()),
            unregistered_parties=tuple(UnregisteredParty(name=p.get("name", ""), email=p.get("email"))
                                       for p in unregistered_parties or ()),
            external_id=self._external_id(external_id),
        )
        result = self.archive.create_case(case)
        logger.info(f"Case {result.case_number} {'created' if result.created else 'already existed'}")
        return result.case_number

    @keyword
    def find_cases(self, title: str | None = None, case_type: str | None = None,
                   external_id: str | None = None, case_number: str | None = None,
                   party: str | None = None, max_results: int = 50) -> list[Case]:
        """Returns the cases matching every filter given. ``title`` takes ``%`` wildcards.

        Example:
        | @{cases}= | `Find Cases` | title=Byggesak% | case_type=Sak |
        """
        cases = self.archive.find_cases(CaseQuery(
            title=title, case_type=case_type, external_id=self._external_id(external_id), case_number=case_number,
            contact_reference=party, max_results=max_results))
        logger.info(f"Found {len(cases)} case(s): {', '.join(c.case_number for c in cases)}")
        return cases

    @keyword
    def find_case(self, case_number: str | None = None, external_id: str | None = None) -> Case | None:
        """Returns the case with this case number or external id, or ``None``.

        Example:
        | ${case}= | `Find Case` | external_id=REQ-0042 |
        | Should Be Equal | ${case.case_type} | Sak |
        """
        cases = self.find_cases(case_number=case_number, external_id=external_id, max_results=1)
        return cases[0] if cases else None

    @keyword
    def create_journal_post(self, case_number: str, title: str, category: str = Category.INCOMING,
                            unofficial_title: str | None = None, document_date: date | None = None,
                            access_code: str = "U", paragraph: str | None = None,
                            sender: str | None = None, files: list[Path] | Path | None = None,
                            external_id: str | None = None, sender_name: str | None = None,
                            sender_email: str | None = None) -> str:
        """Files a journal post in the case and returns its document number (``YY/NNNNN-N``).

        ``category`` as staff write it (``Dokument inn``, ``Dokument ut``, ``Notat``), or the
        archive's own description or code. ``sender`` is the sender of an incoming or the
        recipient of an outgoing post (organisasjonsnummer or fødselsnummer); one without either
        is given as ``sender_name`` (and ``sender_email``). ``files`` (one path, or a list) are
        attached as they are.
        With ``external_id``, filing again returns the journal post filed before with that id.

        Example:
        | ${doc}= | `Create Journal Post` | ${case} | title=Henvisning til PPT |
        | ... | category=Dokument inn | access_code=13 | paragraph=Offl. § 13 | files=${CURDIR}/henvisning.pdf |
        | ${doc}= | `Create Journal Post` | ${case} | title=Klage | sender_name=Kari Nordmann |
        | ... | sender_email=kari@example.no | external_id=KLAGE-7 |
        """
        role = "Avsender" if noark_category(category) == "I" else "Mottaker"
        result = self.archive.create_journal_post(NewJournalPost(
            case_number=case_number, title=title, category=category, unofficial_title=unofficial_title,
            document_date=document_date, access_code=access_code, paragraph=paragraph,
            contacts=(Party(reference=sender, role=role, unofficial=len(sender) == 11),) if sender else (),
            unregistered_contacts=(UnregisteredParty(name=sender_name, email=sender_email, role=role),)
            if sender_name else (),
            files=tuple(FileAttachment(title=f.stem, format=f.suffix.lstrip(".").lower(), data=f.read_bytes())
                        for f in ([files] if isinstance(files, Path) else files or ())),
            external_id=self._external_id(external_id),
        ))
        logger.info(f"Journal post {result.document_number} {'created' if result.created else 'already filed'}")
        return result.document_number
