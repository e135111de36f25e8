"""WorkItemsLibrary: the producer/consumer pattern over saksrobot's durable work items."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from robot.api import logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn

from saksrobot.database import make_engine
from saksrobot.errors import ApplicationError, BusinessError, SaksrobotError
from saksrobot.gevinst import GevinstLog
from saksrobot.settings import Settings, load_settings
from saksrobot.workitems import RetryPolicy, State, WorkItem, WorkItemStore, utcnow


def typed_error(error: BaseException) -> SaksrobotError | None:
    """The saksrobot error behind a keyword failure (Robot Framework keeps it as the context)."""
    while error is not None:
        if isinstance(error, SaksrobotError):
            return error
        error = error.__cause__ or error.__context__
    return None


@library(scope="SUITE", version="0.1.0", doc_format="ROBOT")
class WorkItemsLibrary:
    """Keywords for robots that work through durable work items, one business key at a time.

    A *producer* task adds items (`Add Work Item`); a *consumer* task runs a keyword for each
    (`Process Work Items`). Items survive crashes: a robot killed mid-item leaves the item
    reserved, and the next run takes it up again (the handler's look-up of the external id then
    finds a case made just before the crash). The outcome of the handler decides the state:

    | *Handler result*                   | *Work item*                                   | *Gevinst log* |
    | returns (a case number or a dict)  | ``done`` with the target references          | counts once per key |
    | raises a business error (bad data) | ``manual``, for archive staff, with the reason | saves 0 |
    | raises anything else               | retried with back-off, then ``failed``         | saves 0 |

    Import with the process name: ``Library    saksrobot.keywords.WorkItemsLibrary    process=archive_cases``

    Example:
    | `Add Work Item` | REQ-0042 | ${payload} |
    | `Process Work Items` | Create Case For Request |
    """

    def __init__(self, process: str, settings: Settings | None = None) -> None:
        self._settings = settings = settings or load_settings()
        engine = make_engine(settings.sqlite_ready(settings.database.url))
        self.process = process
        self.store = WorkItemStore(
            engine, lease=timedelta(minutes=settings.workitems.lease_minutes),
            retry=RetryPolicy(settings.workitems.max_attempts, timedelta(seconds=settings.workitems.backoff_seconds)))
        self.gevinst = GevinstLog(engine, settings.gevinst)
        self.outcomes: Counter[str] = Counter()

    @staticmethod
    def _run_id() -> str | None:
        return BuiltIn().get_variable_value("${RUN_ID}")

    @keyword
    def add_work_item(self, key: str, payload: dict[str, Any] | None = None, priority: int = 0) -> bool:
        """Adds an item unless one with this business key exists; returns whether it was new.

        Adding the same key again (a re-run of the producer) changes nothing.

        Example:
        | ${new}= | `Add Work Item` | REQ-0042 | ${payload} | priority=1 |
        """
        _, new = self.store.add(self.process, key, payload, priority=priority)
        logger.info(f"Work item {key}: {'added' if new else 'already known'}")
        return new

    def add_items(self, items: Iterable[tuple[str, dict[str, Any]]]) -> int:
        """Add (key, payload) pairs as items (a producer's batch); return how many were new."""
        return sum(self.store.add(self.process, key, payload)[1] for key, payload in items)

    @keyword
    def process_work_items(self, handler: str, limit: int | None = None) -> dict[str, int]:
        """Runs ``handler`` with each ready item (``${item.payload}`` holds its data), until none is left.

        Items left by a robot on this machine that died are taken up first. Returns the
        number of items per outcome (``done``, ``manual``, ``retry``, ``failed``).

        Example:
        | ${counts}= | `Process Work Items` | Create Case For Request |
        """
        self.store.release_orphans(self.process)
        counts: Counter[str] = Counter()
        while limit is None or sum(counts.values()) < limit:
            item = self.store.reserve(self.process, run_id=self._run_id())
            if item is None:
                break
            counts[self.handle_work_item(item, handler)] += 1
        logger.info(f"{self.process}: " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "no items"))
        return dict(counts)

    @keyword
    def handle_work_item(self, item: WorkItem, handler: str) -> str:
        """Runs ``handler`` for one reserved item and records the outcome (see the table above).

        Example:
        | ${outcome}= | `Handle Work Item` | ${item} | Create Case For Request |
        """
        try:
            refs = BuiltIn().run_keyword(handler, item)
        except Exception as failure:  # noqa: BLE001 - every failure ends in a recorded state
            error = typed_error(failure)
            if isinstance(error, BusinessError):
                return self._record(self.store.hand_over(item, error.code, error.message), "manual")
            # not one of ours: only its type is recorded (its text may hold anything, names too)
            error = error or ApplicationError(f"Uventet feil i roboten ({type(failure).__name__}); se loggen",
                                              code="robot_error")
            updated = self.store.fail(item, error.code, error.message)
            return self._record(updated, "failed" if updated.state == State.FAILED else "retry")
        refs = refs if isinstance(refs, dict) else {"case_number": str(refs)} if refs else {}
        return self._record(self.store.complete(item, refs), "done")

    def _record(self, item: WorkItem, outcome: str) -> str:
        self.gevinst.record(self.process, item.key, outcome, finished_at=utcnow(), run_id=item.run_id,
                            reason_code=item.reason_code, target_refs=item.result or {},
                            arrived_at=item.created_at)
        self.outcomes[outcome] += 1
        message = f"Work item {item.key}: {outcome}" + (f" ({item.reason_text})" if item.reason_text and
                                                         outcome != "done" else "")
        (logger.info if outcome == "done" else logger.warn)(message)
        return outcome


    @keyword
    def every_work_item_should_be_settled(self) -> None:
        """Fails when an item of this run met an application error (it waits for a retry, or failed).

        Items handed to archive staff do not fail the task: they are settled, with a reason, in
        the manual queue (``saksrobot queue list --state manual``).

        Example:
        | [Teardown] | `Every Work Item Should Be Settled` |
        """
        logger.info(f"{self.process}: " + (", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
                                           or "no items"))
        unsettled = self.outcomes["retry"] + self.outcomes["failed"]
        if unsettled:
            raise AssertionError(f"{unsettled} work item(s) of {self.process} met an application error "
                                 f"({self.outcomes['retry']} to be retried, {self.outcomes['failed']} failed)")
