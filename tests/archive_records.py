"""What the archive simulator stored, read from its database: for what the real API never answers
(whether a party is screened, IsUnofficial), which tests must still check."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from saksrobot.simulators.archive import db


def case_parties(sims, case_number: str) -> list[tuple[str | None, str, bool]]:  # noqa: ANN001 - RunningSimulators
    """(reference, role, screened) of every party of the case, as stored."""
    engine = db.make_engine(sims.archive_database_url)
    try:
        with Session(engine) as session:
            case = session.scalar(select(db.Case).where(db.Case.case_number == case_number))
            return [(c.reference_number, c.role, c.is_unofficial) for c in case.contacts]
    finally:
        engine.dispose()


def document_contacts(sims, document_number: str) -> list[tuple[str | None, str, bool]]:  # noqa: ANN001
    """(reference, role, screened) of every sender/recipient of the journal post, as stored."""
    engine = db.make_engine(sims.archive_database_url)
    try:
        with Session(engine) as session:
            document = session.scalar(select(db.Document).where(db.Document.document_number == document_number))
            return [(c.reference_number, c.role, c.is_unofficial) for c in document.contacts]
    finally:
        engine.dispose()
