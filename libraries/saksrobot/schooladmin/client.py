"""The interface every school-admin back-end implements, and the factory that picks one by setting."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from types import TracebackType

from saksrobot.errors import BusinessError
from saksrobot.retry import Retry
from saksrobot.schooladmin.models import Attachment, Child, Referral
from saksrobot.settings import Backend, Settings

CASE_NUMBER = re.compile(r"^\d{2}/\d{5}$")


class SchoolAdmin(ABC):
    """A connection to the school-admin system (Public Oppvekst style). Both back-ends give the
    same results. Recording a case number is idempotent: the same number again is accepted.
    Errors are :class:`~saksrobot.errors.BusinessError` (the system refused: another case number
    is recorded, unknown id) or :class:`~saksrobot.errors.ApplicationError` (system down or changed).
    """

    def __init__(self, settings: Settings) -> None:
        self._retry = Retry(settings.schooladmin.retries, settings.schooladmin.retry_backoff_seconds)

    # -- what a back-end implements: one call each, no retries ---------------------------------
    @abstractmethod
    def _children_without_folder(self) -> list[str]: ...

    @abstractmethod
    def _child(self, child_id: str) -> Child: ...

    @abstractmethod
    def _record_folder(self, child_id: str, case_number: str) -> None: ...

    @abstractmethod
    def _new_referrals(self) -> list[str]: ...

    @abstractmethod
    def _referral(self, referral_id: str) -> Referral: ...

    @abstractmethod
    def _attachments(self, referral: Referral) -> list[Attachment]: ...

    @abstractmethod
    def _mark_processed(self, referral_id: str, case_number: str) -> None: ...

    @abstractmethod
    def _children_with_fnr(self, fnr: str) -> list[str]: ...

    @abstractmethod
    def close(self) -> None:
        """Release the connection (HTTP client or browser)."""

    # -- what robots call: retried on application errors --------------------------------------
    def children_without_folder(self) -> list[str]:
        """Ids of the pupils and children who still lack an elevmappe / barnemappe."""
        return self._retry(self._children_without_folder)

    def child(self, child_id: str) -> Child:
        """A pupil or child in the register, by id."""
        return self._retry(self._child, child_id)

    def record_folder(self, child_id: str, case_number: str) -> None:
        """Record the case number of the child's folder (the same number again is accepted)."""
        _check_case_number(case_number)
        self._retry(self._record_folder, child_id, case_number)

    def new_referrals(self) -> list[str]:
        """Ids of the referrals to PPT not yet processed, oldest first."""
        return self._retry(self._new_referrals)

    def referral(self, referral_id: str) -> Referral:
        """One referral with every field (attachments as descriptions: see :meth:`attachments`)."""
        return self._retry(self._referral, referral_id)

    def attachments(self, referral: Referral) -> list[Attachment]:
        """The referral's attachments with their bytes, in order."""
        return self._retry(self._attachments, referral)

    def mark_processed(self, referral_id: str, case_number: str) -> None:
        """Mark the referral processed with the case it was filed in (idempotent)."""
        _check_case_number(case_number)
        self._retry(self._mark_processed, referral_id, case_number)

    def is_registered(self, fnr: str) -> bool:
        """Whether a pupil or child with this fødselsnummer is in the register."""
        return bool(self._retry(self._children_with_fnr, fnr))

    def __enter__(self) -> SchoolAdmin:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _check_case_number(case_number: str) -> None:
    if not CASE_NUMBER.match(case_number):
        raise BusinessError(f"Ugyldig saksnummer «{case_number}» (ÅÅ/NNNNN)", code="invalid_case_number")


def open_school_admin(settings: Settings, backend: Backend | None = None) -> SchoolAdmin:
    """Open the school-admin system with the configured back-end (``schooladmin.backend``) or the one given."""
    backend = backend or settings.schooladmin.backend
    if backend is Backend.UI:
        from saksrobot.schooladmin.ui import UiSchoolAdmin

        return UiSchoolAdmin(settings)
    from saksrobot.schooladmin.api import ApiSchoolAdmin

    return ApiSchoolAdmin(settings)
