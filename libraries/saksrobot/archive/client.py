"""The interface every archive back-end implements, and the factory that picks one by setting."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from itertools import chain, repeat
from types import TracebackType

from saksrobot.archive.first_attempt import unused
from saksrobot.archive.models import (
    Case,
    CaseQuery,
    CaseResult,
    Enterprise,
    ExternalId,
    JournalPostResult,
    NewCase,
    NewJournalPost,
    PrivatePerson,
)
from saksrobot.archive.targets import serialised
from saksrobot.errors import BusinessError
from saksrobot.retry import Retry
from saksrobot.settings import Backend, Settings


class Archive(ABC):
    """A connection to the archive system. Both back-ends give the same results.

    ``create_case`` and ``create_journal_post`` are idempotent on ``external_id``: when a case with
    that external id (a journal post in the same case with that key) exists, it is returned
    (``created=False``) instead of a second one being made.
    Errors are :class:`~saksrobot.errors.BusinessError` (the archive refused the data) or
    :class:`~saksrobot.errors.ApplicationError` (the archive is unreachable, failing or changed).
    """

    def __init__(self, settings: Settings) -> None:
        self._retry = Retry(settings.archive.retries, settings.archive.retry_backoff_seconds)
        self._read_legacy = settings.archive.read_legacy_external_ids

    # -- what a back-end implements: one call to the archive each, no retries ------------------
    @abstractmethod
    def _find_cases(self, query: CaseQuery) -> list[Case]: ...

    @abstractmethod
    def _create_case(self, case: NewCase) -> CaseResult: ...

    @abstractmethod
    def _create_journal_post(self, post: NewJournalPost) -> str: ...

    @abstractmethod
    def _find_journal_post(self, key: ExternalId, case_number: str) -> str | None:
        """The document number of the journal post in the case that carries ``key`` in its key
        field, or ``None``."""

    @abstractmethod
    def _synchronize_person(self, person: PrivatePerson) -> None: ...

    @abstractmethod
    def _synchronize_enterprise(self, enterprise: Enterprise) -> None: ...

    @abstractmethod
    def close(self) -> None:
        """Release the connection (HTTP client or browser)."""

    @abstractmethod
    def _check(self) -> None:
        """One read that needs working credentials."""

    @abstractmethod
    def _case_problems(self, case: NewCase, registered: frozenset[str]) -> list[str]:
        """What the archive would refuse in ``case``, found by reading only (codes, units, and the
        contacts not among ``registered``)."""

    def check_case(self, case: NewCase, registered: frozenset[str] = frozenset()) -> None:
        """Raise the :class:`~saksrobot.errors.BusinessError` the archive would answer a create of
        ``case`` with, without writing anything (a dry run's decision); contacts in ``registered``
        count as known (the dry run would have registered them)."""
        problems = self._retry(self._case_problems, case, registered)
        if case.access_code != "U" and not case.paragraph:
            problems.append(f"Hjemmel må fylles ut når tilgangskoden er «{case.access_code}»")
        if problems:
            raise BusinessError("; ".join(problems), code="archive_refused")

    def check(self) -> None:
        """Prove the archive answers and accepts the credentials, or raise why not (a wrong key or
        password is a :class:`~saksrobot.errors.ConfigurationError`: the run stops before any item)."""
        self._retry(self._check)

    # -- what robots call: retried on application errors --------------------------------------
    def find_cases(self, query: CaseQuery) -> list[Case]:
        """Cases matching every filter set in ``query``."""
        return self._retry(self._find_cases, query)

    def get_case(self, case_number: str) -> Case | None:
        """The case with this number, or ``None``."""
        found = self.find_cases(CaseQuery(case_number=case_number, max_results=1))
        return found[0] if found else None

    def create_case(self, case: NewCase) -> CaseResult:
        """Create ``case`` unless a case with its external id exists; return that case then.

        The look-up is repeated on every retry, so a create that reached the archive before an
        error is found, not made twice. Only the first try of a work item's first attempt creates
        without it (:mod:`saksrobot.archive.first_attempt`): nothing can carry its id yet.
        """
        looks_up, look_up = _look_ups(case.external_id)
        with serialised(case.external_id if looks_up else None):  # another item's consumer may make it too
            return self._retry(lambda: self._find_or_create_case(case, next(look_up)))

    def create_journal_post(self, post: NewJournalPost) -> JournalPostResult:
        """File a journal post (document number ``YY/NNNNN-N``) unless the case holds one with its
        external id; that one is returned then (looked up as for :meth:`create_case`)."""
        looks_up, look_up = _look_ups(post.external_id)
        with serialised(post.external_id if looks_up else None):
            return self._retry(lambda: self._find_or_create_journal_post(post, next(look_up)))

    def synchronize_person(self, person: PrivatePerson) -> None:
        """Create the person in the contact register, or update the one with the same fødselsnummer."""
        self._retry(self._synchronize_person, person)

    def synchronize_enterprise(self, enterprise: Enterprise) -> None:
        """Create the enterprise in the contact register, or update the one with the same orgnr."""
        self._retry(self._synchronize_enterprise, enterprise)

    def find_case(self, external_id: ExternalId) -> CaseResult | None:
        """The case made with this external id (also in its form before 0.2, for the robots that
        wrote it), or ``None``."""
        return self._retry(self._existing_case, self._find_cases, external_id)

    def find_journal_post(self, key: ExternalId, case_number: str) -> str | None:
        """The document number of the journal post in the case filed with this key, or ``None``."""
        return self._retry(self._find_journal_post, key, case_number)

    def _find_or_create_journal_post(self, post: NewJournalPost, look_up: bool) -> JournalPostResult:
        if look_up and post.external_id is not None:
            found = self._find_journal_post(post.external_id, post.case_number)
            if found:
                return JournalPostResult(document_number=found, created=False)
        return JournalPostResult(document_number=self._create_journal_post(post), created=True)

    def _existing_case(self, find: Callable[[CaseQuery], list[Case]], external_id: ExternalId) -> CaseResult | None:
        """The case made with this external id (or its form before 0.2, when read), or ``None``."""
        for wanted in (external_id, external_id.legacy if self._read_legacy else None):
            if wanted is None:
                continue
            for found in find(CaseQuery(external_id=wanted, max_results=1)):
                if found.external_id == wanted:
                    return CaseResult(case_number=found.case_number, recno=found.recno, created=False)
        return None

    def _find_or_create_case(self, case: NewCase, look_up: bool) -> CaseResult:
        if look_up and case.external_id is not None and (
                found := self._existing_case(self._find_cases, case.external_id)):
            return found
        return self._create_case(case)

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _look_ups(external_id: ExternalId | None) -> tuple[bool, Iterator[bool]]:
    """Whether the first try of a create looks its external id up first, and whether each try does:
    every try does, but the first of a work item's first attempt (:mod:`saksrobot.archive.first_attempt`)."""
    first = not unused(external_id)
    return first, chain([first], repeat(True))


def open_archive(settings: Settings, backend: Backend | None = None) -> Archive:
    """Open the archive with the configured back-end (``archive.backend``) or the one given."""
    backend = backend or settings.archive.backend
    if backend is Backend.UI:
        from saksrobot.archive.ui import UiArchive

        return UiArchive(settings)
    from saksrobot.archive.api import ApiArchive

    return ApiArchive(settings)
