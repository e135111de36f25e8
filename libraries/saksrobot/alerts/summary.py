"""The daily summary for managers: yesterday's runs, items and hours saved, as counts only (no
personal data), from the same figures as the control room's Oversikt and Gevinst pages."""

from __future__ import annotations

from datetime import date, time, timedelta

from saksrobot.alerts.rules import Finding, Window
from saksrobot.gevinst import parse_period, summarize
from saksrobot.gevinst.report import fmt_number
from saksrobot.web import pages


def summary_text(window: Window, day: date) -> str:
    """What happened on ``day`` (Oslo), in Norwegian."""
    settings, engine = window.settings, window.engine
    figures = pages.today(engine, day)
    saved = {line.process: line for line in summarize(engine, parse_period(f"{day}..{day}"))}
    lines = [f"Kjøringer: {len(figures.runs)}, av dem {figures.failed_runs} med problemer "
             f"(feilet, stoppet, ikke kjørt eller mistet)."]
    for process in sorted(set(figures.done) | set(figures.manual) | set(saved)):
        hours = saved[process].hours_saved if process in saved else 0.0
        lines.append(f"- {settings.robot_title(process)}: {figures.done.get(process, 0)} ferdige, "
                     f"{figures.manual.get(process, 0)} til manuell behandling, {fmt_number(hours, 1)} timer spart.")
    lines.append(f"Timer spart i alt: {fmt_number(sum(line.hours_saved for line in saved.values()), 1)}.")
    lines.append(f"Oppgaver som feilet: {figures.failed_items}. Venter på manuell behandling nå: "
                 f"{figures.waiting_manual}.")
    return "\n".join(lines)


def daily_summary(window: Window) -> list[Finding]:
    """Yesterday's summary, once the day's ``alerts.daily_summary_time`` (Oslo) has come; the service
    sends it once per day (its subject is the day)."""
    alerts = window.settings.alerts
    local = pages.oslo(window.now)
    if not alerts.daily_summary or local.time() < time.fromisoformat(alerts.daily_summary_time):
        return []
    day = local.date() - timedelta(days=1)
    if window.sent("daily_summary", day.isoformat()):  # sent already: its figures are not read again
        return []
    return [Finding("daily_summary", day.isoformat(), None, f"Daglig oppsummering for {day:%d.%m.%Y}",
                    f"Oppsummering for {day:%d.%m.%Y}:\n{summary_text(window, day)}", window.link("/"))]
