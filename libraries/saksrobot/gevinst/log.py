"""Writing the gevinst log, with the counting rules of DOMAIN §5:

- saved minutes = manual minutes × saving share − follow-up minutes (never below 0);
- only the first successful outcome per (process, business key) counts;
- an item is handed over once: a hand-over of an item handed over before (sent back to the robot by
  staff, handed over again) is stored as ``manual_again`` and not counted again;
- manual, failed, retried and duplicate outcomes save 0;
- the baseline in force is copied into the row, so a later re-measurement changes nothing old.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from saksrobot import __version__
from saksrobot.gevinst.model import GevinstRow
from saksrobot.settings import GevinstSettings

log = logging.getLogger(__name__)
COUNTED = "done"
REPEATED = {COUNTED: "duplicate", "manual": "manual_again"}  # the outcome of a key's second time

OSLO = ZoneInfo("Europe/Oslo")


class GevinstLog:
    def __init__(self, engine: Engine, settings: GevinstSettings, robot_version: str = __version__) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._settings, self._version = settings, robot_version

    def record(self, process: str, key: str, outcome: str, *, finished_at: datetime, run_id: str | None = None,
               reason_code: str | None = None, target_refs: dict[str, Any] | None = None,
               arrived_at: datetime | None = None) -> GevinstRow:
        """Append the row for one attempt. ``outcome`` is ``done``, ``manual``, ``failed`` or
        ``retry``; a ``done`` for a key that already counted is stored as ``duplicate``, a ``manual``
        for a key handed over before as ``manual_again``."""
        with self._sessions() as s:
            row = self.add(s, process, key, outcome, finished_at=finished_at, run_id=run_id,
                           reason_code=reason_code, target_refs=target_refs, arrived_at=arrived_at)
            s.commit()
            return row

    def add(self, s: Session, process: str, key: str, outcome: str, *, finished_at: datetime,
            run_id: str | None = None, reason_code: str | None = None, target_refs: dict[str, Any] | None = None,
            arrived_at: datetime | None = None) -> GevinstRow:
        """The row of :meth:`record`, added to the caller's session (committed with the caller's
        other writes: the outcome of the item and its row are one transaction)."""
        # finished_at is naive UTC; baselines are dated in Norwegian time, like the reports
        oslo_day = finished_at.replace(tzinfo=UTC).astimezone(OSLO).date()
        baseline = self._settings.baseline(process, oslo_day)
        if outcome in REPEATED and s.scalar(select(GevinstRow.id).where(
                GevinstRow.process == process, GevinstRow.business_key == key,
                GevinstRow.outcome == outcome).limit(1)) is not None:
            outcome = REPEATED[outcome]
        saved = 0.0
        if outcome == COUNTED and baseline is not None:
            saved = max(baseline.manual_minutes * baseline.saving_share - baseline.followup_minutes, 0.0)
        elif outcome == COUNTED:
            log.warning("No gevinst baseline for %s on %s: the item saves 0 minutes", process,
                        finished_at.date())
        row = GevinstRow(
            process=process, robot_version=self._version, run_id=run_id, business_key=key, outcome=outcome,
            reason_code=reason_code, target_refs=target_refs or {},
            baseline_version=baseline.version if baseline else None,
            manual_minutes=baseline.manual_minutes if baseline else 0,
            saving_share=baseline.saving_share if baseline else 0,
            followup_minutes=baseline.followup_minutes if baseline else 0,
            saved_minutes=saved, arrived_at=arrived_at, finished_at=finished_at)
        s.add(row)
        return row
