"""The manager report (gevinstrealisering, DOMAIN §5): per robot and period, the time the robots
freed, what it is in årsverk and (as a calculated value) in NOK, and how it compares with the plan.

How the figures are computed:

- The sums come from the log's totals (``gevinst_totals``: rows counted and saved minutes summed per
  period, robot, outcome and baseline version, kept by the database's triggers as rows are written;
  a period never straddles a Norwegian midnight), added up **in SQL** per (process, time bucket) in
  one query. The time buckets cut the report's range at every Europe/Oslo month start, every rate's
  and baseline's ``valid_from`` and every view boundary, so each bucket has one month, one rate and
  one baseline in force. Python then only adds up a few hundred bucket rows.
- Counted items are rows with outcome ``done``: the log stores a rerun's second success as
  ``duplicate`` (first success per (process, key) counts) and manual, failed, retried and duplicate
  rows save nothing. Hours = Σ saved minutes of counted rows / 60; each row carries the baseline
  snapshot of its own finish date, so a re-measured baseline applies from its date only.
- Beregnet verdi (NOK) = hours × the hourly cost of the rate in force on the bucket's (finish) date;
  årsverk = Σ hours / hours-per-årsverk of that rate × 12 / months of the view.
- Planned hours: the plan (``config/gevinst_plan.toml``) per process and year, else the baseline's
  ``planned_items_per_year``; items are turned into hours with the baseline in force, pro rata by
  months (partial months by days).
- Median time from an item's arrival to its case: over the counted rows with an arrival time. With
  up to :data:`SAMPLE_CAP` counted rows per process in the views it is exact; above that it is taken
  from a fixed, evenly spread sample of about one row in ``ceil(rows / SAMPLE_CAP)``, weighted by
  that step: blocks of consecutive row ids spread over the log (:mod:`saksrobot.gevinst.queries`), thinned
  by a hash of the row id, so that only the sample is read and the same rows are taken every time.

The same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate, pairwise
from operator import itemgetter
from typing import Any

from sqlalchemy.engine import Engine

from saksrobot.gevinst.plan import GevinstPlan, saved_minutes_per_item
from saksrobot.gevinst.queries import Bucket, buckets_of, lead_times
from saksrobot.gevinst.summary import OSLO, Period, utc_of
from saksrobot.settings import GevinstSettings, Rate

SAMPLE_CAP = 10_000  # counted rows per process in the views above which the median comes from a sample
DEFAULT_HOURS_PER_ARSVERK = 1695.0  # DOMAIN §5, used only where no rate is in force
NOTE_NOK = ("Beregnet verdi (kr) er en beregnet verdi av frigjort tid (timer × timekost), ikke en "
            "budsjettgevinst. Realiserte budsjettgevinster føres separat, med vedtak, og vises i egen kolonne.")

# (key, header, kind): the columns of every view, in every format
COLUMNS: list[tuple[str, str, str]] = [
    ("title", "Robot", "text"),
    ("gevinstansvarlig", "Gevinstansvarlig", "text"),
    ("items_done", "Saker", "int"),
    ("handed_over", "Til manuell behandling", "int"),
    ("failed", "Feilet", "int"),
    ("hours", "Timer frigjort", "dec1"),
    ("arsverk", "Årsverk", "dec2"),
    ("value_nok", "Beregnet verdi (kr)", "nok"),
    ("planned_hours", "Planlagte timer", "dec1"),
    ("realisation_pct", "Realisering (%)", "pct"),
    ("budget_gains_nok", "Realisert budsjettgevinst (kr)", "nok"),
    ("handed_over_share_pct", "Andel til manuell (%)", "pct"),
    ("median_lead_time_hours", "Median ankomst–sak (timer)", "dec1"),
]
NUMERIC_KEYS = [key for key, _, kind in COLUMNS if kind != "text"]


@dataclass
class Line:
    """One robot (or the total) in one view. Values are rounded as reported (JSON = Excel)."""

    process: str
    title: str = ""  # the robot's name for staff (``[robots.<name>] title``; its code name without one)
    gevinstansvarlig: str = ""
    items_done: int = 0
    handed_over: int = 0
    failed: int = 0
    hours: float = 0.0
    arsverk: float = 0.0
    value_nok: float | None = 0.0  # None: hours, but no rate in force
    planned_hours: float = 0.0
    realisation_pct: float | None = None
    budget_gains_nok: float = 0.0
    handed_over_share_pct: float | None = None
    median_lead_time_hours: float | None = None
    plan_source: str = ""
    baseline_versions: list[str] = field(default_factory=list)


@dataclass
class View:
    key: str  # period | ytd | previous_year
    name: str  # heading and Excel sheet: Periode, Hittil i år, Fjoråret
    label: str
    start: date
    end: date  # exclusive
    months: float
    lines: list[Line]
    total: Line

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def title(self) -> str:
        dates = f"{fmt_date(self.start)}–{fmt_date(self.last_day)}"
        return f"{self.name} ({dates})" if self.key == "ytd" else f"{self.name} {self.label} ({dates})"


@dataclass
class Report:
    period: Period
    robot: str | None
    generated_at: datetime
    views: list[View]
    monthly_hours: list[dict[str, Any]]  # {"month": "2026-05", "process": ..., "hours": ...}
    tertials: list[dict[str, Any]]  # {"label": "2026-T2", "planned_hours": ..., "hours": ...}
    budget_gains: list[dict[str, Any]]
    rates: list[dict[str, Any]]
    baselines: list[dict[str, Any]]
    plans: list[dict[str, Any]]
    notes: list[str]

    def to_json(self) -> dict[str, Any]:
        """The report as plain data: the one source of every other format."""
        def view(v: View) -> dict[str, Any]:
            return {"key": v.key, "name": v.name, "label": v.label, "start": v.start.isoformat(),
                    "end": v.last_day.isoformat(), "months": v.months,
                    "rows": [asdict(line) for line in v.lines], "total": asdict(v.total)}
        return {
            "report": "gevinstrealisering",
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "period": {"label": self.period.label, "start": self.period.start.isoformat(),
                       "end": (self.period.end - timedelta(days=1)).isoformat()},
            "robot": self.robot,
            "views": [view(v) for v in self.views],
            "charts": {"monthly_hours": self.monthly_hours, "tertials": self.tertials},
            "budget_gains": self.budget_gains,
            "constants": {"rates": self.rates, "baselines": self.baselines, "plans": self.plans,
                          "notes": self.notes},
        }


# --- dates -----------------------------------------------------------------------------------------

def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def months_between(start: date, end: date) -> float:
    """Months in [start, end): whole calendar months count 1, a part of a month its share of days."""
    months, day = 0.0, start
    while day < end:
        month_start = day.replace(day=1)
        month_end = _next_month(month_start)
        months += ((min(end, month_end) - day).days) / (month_end - month_start).days
        day = month_end
    return months


def fmt_date(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def report_views(period: Period, today: date) -> list[tuple[str, str, str, date, date]]:
    """(key, name, label, start, end) of the views of a report: the period; a year adds year-to-date
    (to today) and the previous year; a shorter period within one year adds the year to its end."""
    views = [("period", "Periode", period.label, period.start, period.end)]
    year_start = date(period.start.year, 1, 1)
    is_year = period.start == year_start and period.end == date(period.start.year + 1, 1, 1)
    if is_year:
        ytd_end = min(period.end, today + timedelta(days=1))
        if ytd_end > period.start:
            views.append(("ytd", "Hittil i år", f"{fmt_date(period.start)}–{fmt_date(ytd_end - timedelta(days=1))}",
                          period.start, ytd_end))
        previous = period.start.year - 1
        views.append(("previous_year", "Fjoråret", str(previous), date(previous, 1, 1), period.start))
    elif period.start > year_start and period.end <= date(period.start.year + 1, 1, 1):
        views.append(("ytd", "Hittil i år", f"{fmt_date(year_start)}–{fmt_date(period.end - timedelta(days=1))}",
                      year_start, period.end))
    return views


def weighted_median(values: list[tuple[float, float]]) -> float | None:
    """Median of (value, weight) pairs; with equal weights the usual median (mean of the middle two).
    Sorting is cheap for pairs given in runs of sorted values (the lead-time samples are)."""
    if not values:
        return None
    values = sorted(values)
    running = list(accumulate(weight for _, weight in values))
    half = running[-1] / 2
    i = bisect_left(running, half * (1 - 1e-9))  # the first pair at (or, up to rounding, near) half the weight
    if math.isclose(running[i], half) and i + 1 < len(values):
        return (values[i][0] + values[i + 1][0]) / 2
    return values[i][0]


# --- the report -------------------------------------------------------------------------------------

def _rate_on(settings: GevinstSettings, day: date) -> Rate | None:
    valid = [r for r in settings.rates if r.valid_from <= day]
    return max(valid, key=lambda r: r.valid_from) if valid else None


def planned_hours(settings: GevinstSettings, plan: GevinstPlan, process: str, start: date,
                  end: date) -> tuple[float, set[str]]:
    """Planned hours of ``process`` in [start, end), pro rata by months, and where they came from."""
    total, sources = 0.0, set()
    baselines = settings.baselines.get(process, [])
    for year in range(start.year, (end - timedelta(days=1)).year + 1):
        first, last = max(start, date(year, 1, 1)), min(end, date(year + 1, 1, 1))
        entry = plan.entry(process, year)
        if entry is not None and entry.planned_hours is not None:
            total += entry.planned_hours * months_between(first, last) / 12
            sources.add("plan")
            continue
        cuts = sorted({first, last, *(b.valid_from for b in baselines if first < b.valid_from < last)})
        for a, b in pairwise(cuts):
            baseline = settings.baseline(process, a)
            if baseline is None:
                continue
            items = entry.planned_items if entry is not None else baseline.planned_items_per_year
            if items:
                total += items * saved_minutes_per_item(baseline) / 60 * months_between(a, b) / 12
                sources.add("plan" if entry is not None else "nullpunktsmåling")
    return total, sources


def _responsible(settings: GevinstSettings, plan: GevinstPlan, process: str, last_day: date) -> str:
    entry = plan.entry(process, last_day.year)
    if entry is not None and entry.gevinstansvarlig:
        return entry.gevinstansvarlig
    baseline = settings.baseline(process, last_day)
    if baseline is None and settings.baselines.get(process):
        baseline = min(settings.baselines[process], key=lambda b: b.valid_from)
    return baseline.gevinstansvarlig if baseline else ""


def _r(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits) + 0.0


def _cuts(period: Period, specs: list[tuple[str, str, str, date, date]], settings: GevinstSettings,
          robot: str | None) -> list[date]:
    """The local dates the report's range is cut at: every month start, every view boundary and every
    rate's and baseline's valid_from. The range is the views, widened to whole years for the tertials."""
    lo = min(date(period.start.year, 1, 1), *(s[3] for s in specs))
    hi = max(date((period.end - timedelta(days=1)).year + 1, 1, 1), *(s[4] for s in specs))
    days = {lo, hi, *(s[3] for s in specs), *(s[4] for s in specs)}
    day = lo
    while day < hi:
        days.add(day)
        day = _next_month(day.replace(day=1))
    days |= {r.valid_from for r in settings.rates}
    days |= {b.valid_from for p, bs in settings.baselines.items() if not robot or p == robot for b in bs}
    return sorted(d for d in days if lo <= d <= hi)


@dataclass
class _Sums:
    """Unrounded sums of one robot (or all) in one view."""

    done: int = 0
    manual: int = 0
    failed: int = 0
    hours: float = 0.0
    arsverk: float = 0.0
    nok: float = 0.0
    unrated: float = 0.0  # hours without a rate in force
    planned: float = 0.0
    gains: float = 0.0
    leads: list[tuple[float, float]] = field(default_factory=list)

    def add(self, other: _Sums) -> None:
        for name in ("done", "manual", "failed", "hours", "arsverk", "nok", "unrated", "planned", "gains"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.leads += other.leads

    def line(self, process: str, title: str = "", **extra: Any) -> Line:
        settled = self.done + self.manual + self.failed
        return Line(process=process, title=title or process, items_done=self.done, handed_over=self.manual,
                    failed=self.failed,
                    hours=_r(self.hours, 2), arsverk=_r(self.arsverk, 3),
                    value_nok=None if self.unrated and self.unrated == self.hours else _r(self.nok, 0),
                    planned_hours=_r(self.planned, 1),
                    realisation_pct=_r(self.hours / self.planned * 100, 1) if self.planned else None,
                    budget_gains_nok=_r(self.gains, 0),
                    handed_over_share_pct=_r(self.manual / settled * 100, 1) if settled else None,
                    median_lead_time_hours=_r(weighted_median(self.leads), 2), **extra)


class _Builder:
    """Turns the bucket sums of the log into views, charts and the footer's constants."""

    def __init__(self, settings: GevinstSettings, plan: GevinstPlan, cuts: list[date],
                 buckets: dict[tuple[str, int], Bucket], processes: list[str],
                 sample: dict[str, list[tuple[datetime, float]]], steps: dict[str, int]) -> None:
        self.settings, self.plan, self.cuts, self.buckets = settings, plan, cuts, buckets
        self.processes, self.sample, self.steps = processes, sample, steps
        self.rate_of = [_rate_on(settings, d) for d in cuts[:-1]]
        self.unrated: dict[str, float] = {}  # view name → hours without a rate in force
        self.versions: dict[str, set[str]] = defaultdict(set)
        self.plan_years: set[int] = set()
        self.titles: dict[str, str] = {}  # process → the robot's name for staff

    def _sums(self, process: str, start: date, end: date, months: float) -> tuple[_Sums, set[str], set[str]]:
        sums, versions = _Sums(), set()
        for index in range(self.cuts.index(start), self.cuts.index(end)):
            b = self.buckets.get((process, index))
            if b is None:
                continue
            sums.done, sums.manual, sums.failed = sums.done + b.done, sums.manual + b.manual, sums.failed + b.failed
            versions |= b.versions
            hours, rate = b.minutes / 60, self.rate_of[index]
            sums.hours += hours
            if rate is not None:
                sums.nok += hours * rate.hourly_cost_nok
            else:
                sums.unrated += hours
            sums.arsverk += hours / (rate.hours_per_arsverk if rate else DEFAULT_HOURS_PER_ARSVERK)
        sums.arsverk = sums.arsverk * 12 / months
        sums.planned, sources = planned_hours(self.settings, self.plan, process, start, end)
        if sums.planned:
            self.plan_years |= set(range(start.year, (end - timedelta(days=1)).year + 1))
        sums.gains = sum(g.amount_nok for g in self.plan.budget_gains if g.process == process and start <= g.date < end)
        low, high = utc_of(start), utc_of(end)
        weight = float(self.steps.get(process, 1))
        sums.leads = [(h, weight) for finished, h in self.sample.get(process, ()) if low <= finished < high]
        return sums, versions, sources

    def view(self, key: str, name: str, label: str, start: date, end: date) -> View:
        months = months_between(start, end)
        lines, total = [], _Sums()
        for process in self.processes:
            sums, versions, sources = self._sums(process, start, end, months)
            if not (sums.done or sums.manual or sums.failed or sums.planned or sums.gains):
                continue
            total.add(sums)
            self.versions[process] |= versions
            lines.append(sums.line(process, self.titles.get(process, ""), plan_source=" og ".join(sorted(sources)),
                                   baseline_versions=sorted(versions),
                                   gevinstansvarlig=_responsible(self.settings, self.plan, process,
                                                                 end - timedelta(days=1))))
        if total.unrated:
            self.unrated[name] = total.unrated
        return View(key, name, label, start, end, round(months, 4), lines, total.line("Sum"))

    def monthly_hours(self, period: Period, shown: list[str]) -> list[dict[str, Any]]:
        first, stop = self.cuts.index(period.start), self.cuts.index(period.end)
        hours: dict[tuple[str, str], float] = defaultdict(float)
        for (process, index), b in self.buckets.items():
            if first <= index < stop and process in self.processes:
                hours[(f"{self.cuts[index]:%Y-%m}", process)] += b.minutes / 60
        charted = [p for p in self.processes if p in shown or any(hp == p for _, hp in hours)]
        months = sorted({f"{d:%Y-%m}" for d in self.cuts[first:stop]})
        return [{"month": m, "process": p, "hours": _r(hours.get((m, p), 0.0), 2)} for m in months for p in charted]

    def tertials(self, period: Period) -> list[dict[str, Any]]:
        """Planned and realised hours per tertial of the period's year(s)."""
        result = []
        for year in range(period.start.year, (period.end - timedelta(days=1)).year + 1):
            for n in (1, 2, 3):
                start, end = date(year, 4 * n - 3, 1), date(year + 1, 1, 1) if n == 3 else date(year, 4 * n + 1, 1)
                if start < self.cuts[0] or end > self.cuts[-1]:
                    continue
                first, stop = self.cuts.index(start), self.cuts.index(end)
                hours = sum(b.minutes for (p, i), b in self.buckets.items()
                            if first <= i < stop and p in self.processes) / 60
                planned = sum(planned_hours(self.settings, self.plan, p, start, end)[0] for p in self.processes)
                result.append({"label": f"{year}-T{n}", "planned_hours": _r(planned, 1), "hours": _r(hours, 2)})
        return result

    def rates(self, start: date, end: date) -> list[dict[str, Any]]:
        used = {id(r): r for r in self.rate_of[self.cuts.index(start):self.cuts.index(end)] if r is not None}
        return [{"valid_from": r.valid_from.isoformat(), "hours_per_arsverk": r.hours_per_arsverk,
                 "hourly_cost_nok": r.hourly_cost_nok, "source": r.source}
                for r in sorted(used.values(), key=lambda r: r.valid_from)]

    def baselines(self, start: date, end: date) -> list[dict[str, Any]]:
        """The baseline versions the rows carry and those configured in force in [start, end)."""
        result = []
        for process in self.processes:
            ordered = sorted(self.settings.baselines.get(process, []), key=lambda b: b.valid_from)
            configured = {b.version: b for b in ordered}
            in_force = {b.version for b, following in zip(ordered, [*ordered[1:], None], strict=False)
                        if b.valid_from < end and (following is None or following.valid_from > start)}
            for version in sorted(self.versions[process] | in_force):
                b = configured.get(version)
                result.append({
                    "process": process, "version": version, "valid_from": b.valid_from.isoformat() if b else None,
                    "manual_minutes": b.manual_minutes if b else None,
                    "saving_share": b.saving_share if b else None,
                    "followup_minutes": b.followup_minutes if b else None,
                    "saved_minutes_per_item": _r(saved_minutes_per_item(b), 2) if b else None,
                    "planned_items_per_year": b.planned_items_per_year if b else None,
                    "gevinstansvarlig": b.gevinstansvarlig if b else "",
                    "in_rows": version in self.versions[process]})
        return result

    def plans(self) -> list[dict[str, Any]]:
        return [{"process": e.process, "year": e.year, "planned_items": e.planned_items,
                 "planned_hours": e.planned_hours, "gevinstansvarlig": e.gevinstansvarlig, "note": e.note,
                 "source": self.plan.source}
                for e in sorted(self.plan.plan, key=lambda e: (e.year, e.process))
                if e.process in self.processes and e.year in self.plan_years]

    def notes(self, views: list[View]) -> list[str]:
        sampled = {p: k for p, k in self.steps.items() if k > 1}
        notes = [
            NOTE_NOK,
            "Årsverk = timer / (timer per årsverk × måneder/12); måneder: "
            + ", ".join(f"{v.name} {fmt_number(v.months, 2)}" for v in views) + ".",
            "Kun første vellykkede sak per robot og forretningsnøkkel teller; manuelle, feilede og doble (kjørt "
            "på nytt) saker sparer 0. Hver rad har nullpunktsmålingen som gjaldt da saken ble ferdig. En sak som "
            "sendes tilbake til roboten og overleveres igjen, telles som overlevert én gang.",
            "Planlagte timer: gevinstrealiseringsplanen per robot og år, ellers nullpunktsmålingens planlagte "
            "antall saker per år × sparte minutter per sak; fordelt forholdsmessig på månedene i perioden.",
            "Perioder (måned, tertial, år) regnes etter tidspunktet saken ble ferdig, i norsk tid (Europe/Oslo).",
            "Median ankomst–sak: tid fra saken kom inn i køen til den var ferdig, for talte saker. " + (
                f"Over {fmt_number(SAMPLE_CAP, 0)} saker per robot: beregnet fra et fast, jevnt spredt utvalg (omtrent "
                + ", ".join(f"hver {k}. sak for {p}" for p, k in sorted(sampled.items())) + ")."
                if sampled else "Beregnet over alle saker."),
        ]
        for name, hours in self.unrated.items():
            notes.append(f"{name}: ingen timesats gjaldt for {fmt_number(hours, 1)} timer; de har ingen beregnet "
                         f"verdi, og årsverk er regnet med {fmt_number(DEFAULT_HOURS_PER_ARSVERK, 0)} timer per "
                         "årsverk.")
        return notes


def build_report(engine: Engine, settings: GevinstSettings, plan: GevinstPlan, period: Period,
                 robot: str | None = None, *, today: date | None = None,
                 now: datetime | None = None, titles: dict[str, str] | None = None) -> Report:
    """The manager report for ``period``; a year adds year-to-date and the previous year, a shorter
    period the year to its end. ``today`` (Europe/Oslo) ends year-to-date; ``now`` is the print time."""
    now = (now or datetime.now(OSLO)).astimezone(OSLO)
    specs = report_views(period, today or now.date())
    cuts = _cuts(period, specs, settings, robot)
    bounds = [utc_of(d) for d in cuts]
    first_view, end_views = min(s[3] for s in specs), max(s[4] for s in specs)
    view_lo, view_hi = cuts.index(first_view), cuts.index(end_views)

    # the sums per (process, bucket); then the lead-time sample, whose step per process follows from them
    buckets = buckets_of(engine, bounds, robot)
    done: dict[str, int] = defaultdict(int)
    for (process, index), b in buckets.items():
        if view_lo <= index < view_hi:
            done[process] += b.done
    steps = {p: max(1, math.ceil(n / SAMPLE_CAP)) for p, n in done.items() if n}
    sample: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    if steps:
        for process, finished, lead in lead_times(engine, bounds[view_lo], bounds[view_hi], steps):
            sample[process].append((finished, float(lead)))
        for rows in sample.values():  # in order of lead time, so that each view's median sorts a run
            rows.sort(key=itemgetter(1))

    processes = sorted({p for p, _ in buckets} | set(settings.baselines) | {e.process for e in plan.plan}
                       | {g.process for g in plan.budget_gains})
    if robot:
        processes = [robot]
    builder = _Builder(settings, plan, cuts, buckets, processes, sample, steps)
    builder.titles = titles or {}
    views = [builder.view(*spec) for spec in specs]
    gains = [{"process": g.process, "amount_nok": g.amount_nok, "date": g.date.isoformat(), "vedtak": g.vedtak,
              "description": g.description}
             for g in sorted(plan.budget_gains, key=lambda g: (g.date, g.process))
             if g.process in processes and first_view <= g.date < end_views]
    return Report(period=period, robot=robot, generated_at=now, views=views,
                  monthly_hours=builder.monthly_hours(period, [line.process for line in views[0].lines]),
                  tertials=builder.tertials(period), budget_gains=gains, rates=builder.rates(first_view, end_views),
                  baselines=builder.baselines(first_view, end_views), plans=builder.plans(),
                  notes=builder.notes(views))


# --- formatting -------------------------------------------------------------------------------------

DECIMALS = {"int": 0, "nok": 0, "dec1": 1, "dec2": 2, "pct": 1}


def fmt_number(value: float | None, decimals: int) -> str:
    """Norwegian number: thousands with a (non-breaking) space, decimal comma; blank for no value."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def cell_text(line: Line, key: str, kind: str) -> str:
    value = getattr(line, key)
    return str(value) if kind == "text" else fmt_number(value, DECIMALS[kind])


def footer_lines(report: Report) -> list[str]:
    """The constants behind the figures, with source and date, and the notes — in Norwegian."""
    n, d = fmt_number, (lambda text: fmt_date(date.fromisoformat(text)))
    lines = [f"Sats fra {d(r['valid_from'])}: {n(r['hours_per_arsverk'], 0)} timer per årsverk, timekost "
             f"{n(r['hourly_cost_nok'], 0)} kr (kilde: {r['source']})" for r in report.rates]
    if not report.rates:
        lines.append("Ingen timesats i konfigurasjonen ([[gevinst.rates]]): ingen beregnet verdi.")
    for b in report.baselines:
        if b["valid_from"] is None:
            lines.append(f"Nullpunktsmåling {b['process']} {b['version']}: finnes ikke lenger i konfigurasjonen "
                         "(verdiene er lagret på radene)")
            continue
        lines.append(f"Nullpunktsmåling {b['process']} {b['version']} fra {d(b['valid_from'])}: "
                     f"{n(b['manual_minutes'], 1)} min manuelt × andel {n(b['saving_share'], 2)} − "
                     f"{n(b['followup_minutes'], 1)} min oppfølging = {n(b['saved_minutes_per_item'], 2)} min spart "
                     f"per sak; plan {n(b['planned_items_per_year'], 0)} saker/år; "
                     f"gevinstansvarlig {b['gevinstansvarlig'] or '–'}")
    for p in report.plans:
        amount = (f"{n(p['planned_items'], 0)} saker" if p["planned_items"] is not None
                  else f"{n(p['planned_hours'], 0)} timer")
        lines.append(f"Gevinstrealiseringsplan {p['process']} {p['year']}: {amount} (kilde: {p['source']})")
    return lines + report.notes


# the console splits each view in two narrower tables, (key, short header) per part; the budget gains
# are listed below them, each with its decision
CONSOLE_PARTS = [
    ("Gevinst", [("hours", "Timer"), ("arsverk", "Årsverk"), ("value_nok", "Beregnet verdi kr"),
                 ("planned_hours", "Plan timer"), ("realisation_pct", "Realisert %")]),
    ("Volum og kvalitet", [("items_done", "Saker"), ("handed_over", "Manuell"), ("failed", "Feilet"),
                           ("handed_over_share_pct", "Manuell %"), ("median_lead_time_hours", "Median timer")]),
]


def render_table(report: Report, console: Any) -> None:
    """Print the report as rich tables (per view: gains, then volume and quality), the realised budget
    gains and the footer."""
    from rich import box
    from rich.table import Table

    kinds = {key: kind for key, _, kind in COLUMNS}
    for view in report.views:
        for part, columns in CONSOLE_PARTS:
            table = Table("Robot", *(header for _, header in columns), box=box.SIMPLE_HEAD, pad_edge=False,
                          title=f"{view.title} – {part}", title_justify="left")
            for column in table.columns:  # a narrow console folds a number rather than cutting it
                column.overflow = "fold"
            table.columns[0].min_width = max((len(line.title) for line in view.lines), default=5)
            for column in table.columns[1:]:
                column.justify = "right"
            for line in [*view.lines, view.total]:
                table.add_row(line.title, *(cell_text(line, key, kinds[key]) for key, _ in columns),
                              style="bold" if line is view.total else None,
                              end_section=bool(view.lines) and line is view.lines[-1])
            console.print(table)
    responsible = {line.title: line.gevinstansvarlig for line in report.views[0].lines if line.gevinstansvarlig}
    if responsible:
        console.print("Gevinstansvarlig: " + "; ".join(f"{p}: {who}" for p, who in responsible.items()),
                      soft_wrap=True, highlight=False)
    for gain in report.budget_gains:
        console.print(f"Realisert budsjettgevinst {gain['process']} {fmt_date(date.fromisoformat(gain['date']))}: "
                      f"{fmt_number(gain['amount_nok'], 0)} kr, vedtak {gain['vedtak']} – {gain['description']}",
                      soft_wrap=True, highlight=False)
    for text in footer_lines(report):
        console.print(text, soft_wrap=True, highlight=False)


def render_csv(report: Report) -> str:
    """One table of all views for Norwegian Excel: semicolons, decimal comma; the footer after a blank row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["Visning", "Periode", "Fra", "Til", *(header for _, header, _ in COLUMNS)])
    for view in report.views:
        for line in [*view.lines, view.total]:
            writer.writerow([view.name, view.label, fmt_date(view.start), fmt_date(view.last_day),
                             *(cell_text(line, key, kind).replace("\u00a0", "") for key, _, kind in COLUMNS)])
    writer.writerow([])
    for text in footer_lines(report):
        writer.writerow(["Merknad", text])
    return out.getvalue()
