"""The gevinstrealiseringsplan and the realised budget gains, kept as data (``config/gevinst_plan.toml``).

The plan says how many items (or hours) each process is planned to save per year; realised budget
gains are entered separately by managers, each with the decision (vedtak) that realised it. Freed
time is *not* a budget gain (DOMAIN §5): the two are never added together.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator

from saksrobot.errors import ConfigurationError
from saksrobot.settings import Baseline, Settings


class _Entry(BaseModel):
    model_config = {"extra": "forbid"}


class PlanEntry(_Entry):
    """Planned savings of one process for one calendar year: items (hours follow from the baseline in
    force) or hours directly."""

    process: str = Field(min_length=1)
    year: int = Field(ge=2000, le=2100)
    planned_items: int | None = Field(None, ge=0)
    planned_hours: float | None = Field(None, ge=0)
    gevinstansvarlig: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _items_or_hours(self) -> PlanEntry:
        if (self.planned_items is None) == (self.planned_hours is None):
            raise ValueError("give either planned_items or planned_hours (one of them)")
        return self


class BudgetGain(_Entry):
    """A realised budget gain (e.g. a position not refilled), entered by a manager with its decision."""

    process: str = Field(min_length=1)
    amount_nok: float = Field(gt=0)
    date: date
    vedtak: str = Field(min_length=1)  # decision reference, e.g. "Budsjettvedtak 2027, KST-sak 112/26"
    description: str = ""


class GevinstPlan(_Entry):
    plan: list[PlanEntry] = []
    budget_gains: list[BudgetGain] = []
    source: str = ""  # the file it was read from, for the report's footer

    def entry(self, process: str, year: int) -> PlanEntry | None:
        return next((e for e in self.plan if e.process == process and e.year == year), None)


def saved_minutes_per_item(baseline: Baseline) -> float:
    """Manual minutes × saving share − follow-up minutes, never below 0 (as the gevinst log computes)."""
    return max(baseline.manual_minutes * baseline.saving_share - baseline.followup_minutes, 0.0)


def _describe(raw: dict[str, Any], section: str, index: int) -> str:
    entries = raw.get(section)
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
    if not isinstance(entry, dict):
        return f"{section}[{index}]"
    what = " ".join(str(entry[k]) for k in ("process", "year", "date", "vedtak") if k in entry)
    return f"{section}[{index}] ({what})" if what else f"{section}[{index}]"


def load_plan(path: Path, known_processes: Iterable[str] | None = None) -> GevinstPlan:
    """Read and validate the plan file; a missing file is an empty plan (the baselines' planned items
    per year are used then). A bad entry fails with a message naming it."""
    if not path.exists():
        return GevinstPlan(source=f"{path} (finnes ikke)")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"{path}: not valid TOML: {exc}", code="invalid_plan") from None
    try:
        plan = GevinstPlan.model_validate({**raw, "source": str(path)})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = list(err["loc"])
            where = _describe(raw, str(loc[0]), loc[1]) if len(loc) >= 2 and isinstance(loc[1], int) else ""
            field = ".".join(str(p) for p in loc[2:]) if where else ".".join(str(p) for p in loc)
            problems.append(f"{where}{': ' if where and field else ''}{field}: {err['msg']}")
        raise ConfigurationError(f"{path}: " + "; ".join(problems), code="invalid_plan") from None
    seen: set[tuple[str, int]] = set()
    for index, entry in enumerate(plan.plan):
        if (entry.process, entry.year) in seen:
            raise ConfigurationError(f"{path}: {_describe(raw, 'plan', index)}: a second plan for "
                                     f"{entry.process} in {entry.year}", code="invalid_plan")
        seen.add((entry.process, entry.year))
    if known_processes is not None:
        known = set(known_processes)
        for section, entries in (("plan", plan.plan), ("budget_gains", plan.budget_gains)):
            for index, entry in enumerate(entries):
                if entry.process not in known:
                    raise ConfigurationError(
                        f"{path}: {_describe(raw, section, index)}: unknown process {entry.process!r} "
                        f"(known: {', '.join(sorted(known))})", code="invalid_plan")
    return plan


def plan_of(settings: Settings) -> GevinstPlan:
    """The plan file named by ``settings.gevinst.plan``, checked against the processes with a baseline."""
    plan = load_plan(settings.path(settings.gevinst.plan), known_processes=settings.gevinst.baselines)
    return plan.model_copy(update={"source": plan.source.replace(str(settings.home) + "/", "")})
