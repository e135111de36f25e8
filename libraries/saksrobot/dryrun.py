"""Safe dry run (``saksrobot run ROBOT --dry-run``): the robot reads the real systems and its input
and decides every item, and writes nothing anywhere. Writes to the archive and the school-admin
system are answered as if made and recorded instead; work items and the gevinst log live in an
in-memory database (the real one's open items copied in, read only); files stay where they are.
What the robot would have done, item by item, is written to ``dry-run.jsonl`` in the run folder.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool

from saksrobot.archive.models import Case, CaseResult, JournalPostResult
from saksrobot.privacy import mask
from saksrobot.settings import Settings

log = logging.getLogger(__name__)
FILE = "dry-run.jsonl"


class Plan:
    """What a dry run would have done: per item, its writes and its outcome."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.key: str | None = None
        self.writes: list[str] = []

    def planned(self, what: str) -> None:
        self.writes.append(mask(what))
        log.info("Dry run: would %s", mask(what))

    def decided(self, key: str, outcome: str, reason: str | None) -> None:
        record = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "key": mask(key), "outcome": outcome,
                  "reason": mask(reason) if reason else None, "would": self.writes}
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.writes = []


_plan: Plan | None = None


def active(settings: Settings) -> bool:
    return settings.dry_run


def start(output_dir: Path) -> Plan:
    """Begin recording (once per robot process)."""
    global _plan
    if _plan is None:
        _plan = Plan(output_dir / FILE)
    return _plan


def planned(what: str) -> bool:
    """Record a write a dry run leaves out; ``False`` when this is no dry run (do the write)."""
    if _plan is None:
        return False
    _plan.planned(what)
    return True


def recording() -> bool:
    """This is a dry run."""
    return _plan is not None


def decided(key: str, outcome: str, reason: str | None) -> None:
    if _plan is not None:
        _plan.decided(key, outcome, reason)


@contextmanager
def item(key: str) -> Iterator[None]:
    """The item the writes recorded meanwhile belong to."""
    if _plan is not None:
        _plan.key, _plan.writes = key, []
    yield


def saksrobot_engine(settings: Settings) -> Engine:
    from saksrobot.database import make_engine

    return make_engine(settings.sqlite_ready(settings.database.url))


def work_item_engine(settings: Settings, process: str) -> Engine:
    """An in-memory database at the newest schema, with the real database's items of ``process``
    that a run would take up (pending, reserved, failed) copied in; the real one is only read (and
    not created when it does not exist)."""
    from saksrobot.database import engine_for
    from saksrobot.database.schema import Status, load_models, state
    from saksrobot.workitems.model import State, WorkItem

    memory = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    load_models().create_all(memory)
    url = settings.sqlite_ready(settings.database.url)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return memory
    real = engine_for(url)
    try:
        if state(real).status is not Status.CURRENT:
            return memory
        with real.connect() as source, memory.begin() as target:
            rows = source.execute(select(WorkItem.__table__).where(
                WorkItem.process == process, WorkItem.state.in_([State.PENDING, State.IN_PROGRESS, State.FAILED])))
            for row in rows:
                values = dict(row._mapping) | {"state": State.PENDING, "lease_owner": None, "lease_expires": None,
                                               "not_before": datetime(2000, 1, 1)}
                target.execute(WorkItem.__table__.insert().values(**values))
    finally:
        real.dispose()
    return memory


class _Recording:
    """A system's client whose reads go through and whose writes are recorded, not made."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:  # reads, close
        return getattr(self._inner, name)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()


class DryRunArchive(_Recording):
    """The archive in a dry run: look-ups as in a real run; creates answered with what exists, or
    recorded with a placeholder number."""

    _made = 0

    def __init__(self, inner: Any) -> None:
        super().__init__(inner)
        self._registered: set[str] = set()  # contacts the run would have registered
        self._cases: dict[Any, Any] = {}  # the cases it would have made, by external id

    def find_cases(self, query: Any) -> list[Any]:
        if query.external_id is not None and query.external_id in self._cases:
            return [self._cases[query.external_id]]
        return self._inner.find_cases(query)

    def find_case(self, external_id: Any) -> Any:
        if external_id in self._cases:
            made = self._cases[external_id]
            return CaseResult(case_number=made.case_number, recno=0, created=False)
        return self._inner.find_case(external_id)

    def create_case(self, case: Any) -> Any:
        if case.external_id is not None and (found := self.find_case(case.external_id)):
            return found
        self._inner.check_case(case, frozenset(self._registered))  # what the archive would refuse
        DryRunArchive._made += 1
        planned(f"opprette sak «{case.title}» ({case.case_type}, {case.responsible_unit})")
        number = f"TØRR/{DryRunArchive._made:05d}"
        if case.external_id is not None:
            self._cases[case.external_id] = Case(case_number=number, recno=0, title=case.title,
                                                 case_type=case.case_type, status="B",
                                                 external_id=case.external_id)
        return CaseResult(case_number=number, recno=0, created=True)

    def create_journal_post(self, post: Any) -> Any:
        if post.external_id is not None and not post.case_number.startswith("TØRR") and (
                found := self._inner.find_journal_post(post.external_id, post.case_number)):
            return JournalPostResult(document_number=found, created=False)
        planned(f"arkivere journalpost «{post.title}» i sak {post.case_number} ({len(post.files)} filer)")
        return JournalPostResult(document_number=f"{post.case_number}-TØRR", created=True)

    def synchronize_person(self, person: Any) -> None:
        self._registered.add(person.personal_id_number)
        planned("registrere eller oppdatere en privatperson i kontaktregisteret")

    def synchronize_enterprise(self, enterprise: Any) -> None:
        self._registered.add(enterprise.enterprise_number)
        planned(f"registrere eller oppdatere virksomheten {enterprise.enterprise_number} i kontaktregisteret")

    def update_case(self, case_number: str, changes: Any) -> None:
        planned(f"endre sak {case_number}")


class DryRunSchoolAdmin(_Recording):
    """The school-admin system in a dry run: reads as in a real run, writes recorded."""

    def record_folder(self, child_id: str, case_number: str) -> None:
        planned(f"skrive saksnummer {case_number} på {child_id} i skoleadministrasjonen")

    def mark_processed(self, referral_id: str, case_number: str) -> None:
        planned(f"merke henvisning {referral_id} som behandlet med sak {case_number}")
