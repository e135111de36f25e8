"""WorkItemsLibrary: the producer/consumer pattern over saksrobot's durable work items."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from robot.api import logger
from robot.api.deco import keyword, library
from robot.errors import ExecutionStatus
from robot.libraries.BuiltIn import BuiltIn

from saksrobot import dryrun
from saksrobot.archive.first_attempt import first_attempt
from saksrobot.archive.models import ExternalId
from saksrobot.archive.targets import locked_by
from saksrobot.database.locks import named_lock
from saksrobot.errors import ApplicationError, BusinessError, ConfigurationError, errors_made, typed_error
from saksrobot.gevinst import GevinstLog
from saksrobot.intake.take_in import check_source, settle
from saksrobot.runner.model import first_finished
from saksrobot.settings import Settings, load_settings
from saksrobot.workitems import RetryPolicy, State, WorkItem, WorkItemStore, utcnow
from saksrobot.workitems.sealed import Sealer


class RunStopped(ConfigurationError):
    """The robot cannot work at all (a setting, a refused key): the whole run stops at once."""

    code = "run_stopped"
    ROBOT_EXIT_ON_FAILURE = True  # Robot Framework runs no further task


def _stops_the_run(failure: BaseException) -> bool:
    """Robot Framework itself is stopping: a signal (``saksrobot run --timeout``, Ctrl+C), a task's
    time limit, or a failure marked to end the run."""
    return isinstance(failure, ExecutionStatus) and (failure.exit or failure.test_timeout)


def _items(value: Iterable[str] | str | None) -> list[str]:
    if value is None:
        return []
    return [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)


@library(scope="SUITE", version="0.2.0", doc_format="ROBOT")
class WorkItemsLibrary:
    """Keywords for robots that work through durable work items, one business key at a time.

    A *producer* task adds items (`Add Work Item`); a *consumer* task runs a keyword for each
    (`Process Work Items`). Items survive crashes: a robot killed mid-item leaves the item
    reserved, and the next run takes it up again (the handler's look-up of the external id then
    finds a case made just before the crash). The outcome of the handler decides the state:

    | *Handler result*                       | *Work item*                               | *Gevinst log* |
    | returns (a case number or a dict)      | ``done`` with the target references      | counts once per key |
    | `Hand Over To Archive Staff` (bad data) | ``manual``, for archive staff, with reason | saves 0 |
    | `Retry Later`, or any other failure    | retried with back-off, then ``failed``    | saves 0 |

    The handler may be a Python keyword or a Robot Framework user keyword; the two keywords above
    work at any depth inside it. When the robot cannot work at all (a wrong setting or API key)
    the item is given back untouched and the run stops; so it is when the run is stopped
    (``saksrobot run --timeout``, Ctrl+C).

    Items taken in from a folder (`FolderIntakeLibrary`) move their file when settled. Fields
    named in ``personal`` (at import, or per `Add Work Item`) are sealed apart from the payload
    (``workitems.encryption_key``), opened only for the consumer, and removed
    ``workitems.retention_days`` after the item is done.

    Import with the process name:
    ``Library    saksrobot.keywords.WorkItemsLibrary    process=archive_cases    personal=Parter,Klassering``

    Example:
    | `Add Work Item` | REQ-0042 | ${payload} |
    | `Process Work Items` | Create Case For Request |
    """

    def __init__(self, process: str, personal: str | None = None, settings: Settings | None = None) -> None:
        self._settings = settings or load_settings()
        self.process = process
        self.personal = _items(personal)
        self.dry_run = dryrun.active(self._settings)
        self.outcomes: Counter[str] = Counter()

    @cached_property
    def store(self) -> WorkItemStore:
        """The work items (opened at first use: writing the library's documentation needs no database)."""
        settings = self._settings
        if self.dry_run:
            dryrun.start(Path(BuiltIn().get_variable_value("${OUTPUT_DIR}")))
        engine = dryrun.work_item_engine(settings, self.process) if self.dry_run else dryrun.saksrobot_engine(settings)
        return WorkItemStore(
            engine, lease=timedelta(minutes=settings.workitems.lease_minutes),
            retry=RetryPolicy(settings.workitems.max_attempts, timedelta(seconds=settings.workitems.backoff_seconds)),
            sealer=Sealer(settings.workitems.encryption_key))

    @cached_property
    def gevinst(self) -> GevinstLog:
        return GevinstLog(self.store.engine, self._settings.gevinst)

    @staticmethod
    def _run_id() -> str | None:
        return BuiltIn().get_variable_value("${RUN_ID}")

    @keyword
    def add_work_item(self, key: str, payload: dict[str, Any] | None = None, priority: int = 0,
                      personal: list[str] | None = None) -> bool:
        """Adds an item unless one with this business key exists; returns whether it was new.

        Adding the same key again (a re-run of the producer) changes nothing. The ``personal``
        fields of ``payload`` (with those named at import) are sealed, never stored in clear.

        Example:
        | ${new}= | `Add Work Item` | REQ-0042 | ${payload} | priority=1 |
        | ${new}= | `Add Work Item` | KLAGE-7 | ${{ {"navn": "Kari Nordmann"} }} | personal=${{ ["navn"] }} |
        """
        _, new = self.store.add(self.process, key, payload, priority=priority,
                                personal=[*self.personal, *(personal or [])])
        logger.info(f"Work item {key}: {'added' if new else 'already known'}")
        return new

    def add_items(self, items: Iterable[tuple[str, dict[str, Any]]], personal: Iterable[str] = ()) -> int:
        """Add (key, payload) pairs as items (a producer's batch), sealing the ``personal`` fields
        (and those named at import); return how many were new."""
        personal = [*self.personal, *personal]
        return sum(self.store.add(self.process, key, payload, personal=personal)[1] for key, payload in items)

    @keyword
    def process_work_items(self, handler: str, limit: int | None = None) -> dict[str, int]:
        """Runs ``handler`` with each ready item (``${item.payload}`` holds its data), until none is left.

        Items left by a robot on this machine that died are taken up first. Returns the
        number of items per outcome (``done``, ``manual``, ``retry``, ``failed``).

        Example:
        | ${counts}= | `Process Work Items` | Create Case For Request |
        """
        self.store.release_orphans(self.process)
        if not self.dry_run:
            self.store.purge_personal(timedelta(days=self._settings.workitems.retention_days))
            self._ask_for_helpers()
        counts: Counter[str] = Counter()
        while limit is None or sum(counts.values()) < limit:
            item = self.store.reserve(self.process, run_id=self._run_id())
            if item is None:
                break
            counts[self.handle_work_item(item, handler)] += 1
        logger.info(f"{self.process}: " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "no items"))
        return dict(counts)

    def _ask_for_helpers(self) -> None:
        """On the workers (``runner.mode = "workers"``), the run of a robot with ``[robots.<name>]
        parallel = N`` asks for its N-1 extra consumers once its producers have made the items, when
        there are at least N: they run on other workers, and the items are split by their leases."""
        robot = os.environ.get("SAKSROBOT_RUN_ROBOT", "")
        parallel = self._settings.robot(robot).parallel if robot else 1
        if self._settings.runner.mode != "workers" or parallel == 1 or os.environ.get("SAKSROBOT_RUN_PART") != "0":
            return
        if len(self.store.find(self.process, [State.PENDING], limit=parallel)) < parallel:
            return
        from saksrobot.workers.queue import RobotQueued, defer_run

        try:
            for part in range(1, parallel):
                with contextlib.suppress(RobotQueued):  # that part waits in the queue already
                    defer_run(self._settings, robot, f"{robot}, kjøring {self._run_id()}", None, part=part)
        except Exception as exc:  # noqa: BLE001 - helpers only speed the run up: it goes on alone
            logger.warn(f"{self.process}: no extra consumers asked for ({type(exc).__name__}); this run takes all")
            return
        logger.info(f"{self.process}: {parallel - 1} extra consumer(s) asked for on the workers")

    @keyword
    def handle_work_item(self, item: WorkItem, handler: str) -> str:
        """Runs ``handler`` for one reserved item and records the outcome (see the table above).

        Example:
        | ${outcome}= | `Handle Work Item` | ${item} | Create Case For Request |
        """
        with (dryrun.item(item.key), first_attempt(*self._owned(item)),
              locked_by(partial(named_lock, self.store.engine)), errors_made() as made):
            try:
                check_source(item, self.store)  # a file that cannot be used; a re-delivered key
                refs = BuiltIn().run_keyword(handler, item)
            except Exception as failure:  # noqa: BLE001 - every failure ends in a recorded state
                return self._failed(item, failure, made)
        refs = refs if isinstance(refs, dict) else {"case_number": str(refs)} if refs else {}
        return self._record(self.store.complete(item, refs, also=self._gevinst_row))

    def _owned(self, item: WorkItem) -> tuple[ExternalId, ...]:
        """The external id only this item makes (its process and key), when nothing can carry it
        yet (see ``saksrobot.archive.first_attempt``): the item's first reservation ever, and the
        item added after a run of this robot had finished in this database. Items a database's
        first run adds may have been tried under a database that was lost or replaced."""
        if (item.reservations != 1 or not self._settings.workitems.skip_lookup_on_first_attempt
                or self._history_since is None or item.created_at <= self._history_since):
            return ()
        return (ExternalId.of(self.process, item.key),)

    @cached_property
    def _history_since(self) -> datetime | None:
        """When this database's first run of the robot finished (``None``: this is its first)."""
        return None if self.dry_run else first_finished(self.store.engine, self.process)

    def _failed(self, item: WorkItem, failure: Exception, made: list) -> str:
        if _stops_the_run(failure):
            self.store.release(item, "Kjøringen ble stoppet før oppgaven var ferdig; den tas opp igjen neste gang")
            raise failure
        error = typed_error(failure, made)
        if isinstance(error, ConfigurationError):
            self.store.release(item, f"Roboten kunne ikke arbeide: {error.message}")
            raise RunStopped(f"Kjøringen stoppes: {error.message}", code=error.code) from failure
        if isinstance(error, BusinessError):
            return self._record(self.store.hand_over(item, error.code, error.message, also=self._gevinst_row))
        # not one of ours: only its type is recorded (its text may hold anything, names too)
        error = error or ApplicationError(f"Uventet feil i roboten ({type(failure).__name__}); se loggen",
                                          code="robot_error")
        return self._record(self.store.fail(item, error.code, error.message, also=self._gevinst_row))

    @staticmethod
    def _outcome(item: WorkItem) -> str:
        return {State.DONE: "done", State.MANUAL: "manual", State.FAILED: "failed"}.get(item.state, "retry")

    def _gevinst_row(self, session: Any, item: WorkItem) -> None:
        """The item's gevinst row, in the transaction that records its outcome (never one without the other)."""
        self.gevinst.add(session, self.process, item.key, self._outcome(item), finished_at=utcnow(),
                         run_id=item.run_id, reason_code=item.reason_code, target_refs=item.result or {},
                         arrived_at=item.created_at)

    def _record(self, item: WorkItem) -> str:
        outcome = self._outcome(item)
        self.outcomes[outcome] += 1
        dryrun.decided(item.key, outcome, item.reason_text)
        message = f"Work item {item.key}: {outcome}" + (f" ({item.reason_text})" if item.reason_text and
                                                         outcome != "done" else "")
        (logger.info if outcome == "done" else logger.warn)(message)
        if not self.dry_run:
            try:
                settle(item)  # its file (taken in from a folder) to processed/ or rejected/
            except ApplicationError as exc:  # the next intake moves it (the item is settled)
                logger.warn(f"Work item {item.key}: {exc.message}")
        return outcome

    @keyword
    def hand_over_to_archive_staff(self, reason: str, code: str = "manual") -> None:
        """Ends the handling of the current item: it goes to archive staff (``manual``) with
        ``reason`` (in Norwegian, for them) and ``code``. Never retried. Works at any depth
        inside the handler of `Process Work Items`.

        Example:
        | IF | not $application.get("tiltakshaver") |
        |    | `Hand Over To Archive Staff` | Søknaden mangler tiltakshaver | code=missing_applicant |
        | END |
        """
        raise BusinessError(reason, code=code)

    @keyword
    def retry_later(self, reason: str, code: str = "retry_later") -> None:
        """Ends the handling of the current item for now: it is tried again after a back-off
        (``workitems.backoff_seconds``, doubled each time), and ``failed`` after
        ``workitems.max_attempts``. For a system that is not ready, not for bad data.

        Example:
        | `Retry Later` | Saken er låst av en saksbehandler |
        """
        raise ApplicationError(reason, code=code)

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
