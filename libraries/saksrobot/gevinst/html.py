"""The manager report as self-contained HTML: inline CSS, charts drawn here as inline SVG, no
scripts and nothing loaded from anywhere. :func:`report_fragment` is the body part, for the control
room's Gevinst page to embed; :func:`render_html` wraps it into a page."""

from __future__ import annotations

import math
from datetime import date
from html import escape

from saksrobot.gevinst.report import COLUMNS, Report, View, cell_text, fmt_date, fmt_number, footer_lines

COLOURS = ["#1f5fa8", "#e07b00", "#2e8b57", "#a23b72", "#6b4fbb", "#c9a227", "#3a9ab5", "#8c564b"]
PLANNED, REALISED = "#b8c2cc", "#1f5fa8"
MONTHS = ["jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"]

STYLE = """
.gevinst-rapport { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2329;
  font-size: 14px; line-height: 1.4; }
.gevinst-rapport h2 { font-size: 1.4em; margin: 0 0 .2em; }
.gevinst-rapport h3 { font-size: 1.1em; margin: 1.4em 0 .4em; }
.gevinst-rapport .undertittel { color: #5a6570; margin: 0 0 1em; }
.gevinst-rapport table { border-collapse: collapse; margin: .2em 0 1em; }
.gevinst-rapport th, .gevinst-rapport td { border-bottom: 1px solid #d5dbe1; padding: .3em .45em; text-align: right;
  white-space: nowrap; }
.gevinst-rapport th { background: #eef2f6; vertical-align: bottom; white-space: normal; max-width: 8em;
  font-size: .92em; }
.gevinst-rapport th:nth-child(-n+2), .gevinst-rapport td:nth-child(-n+2) { text-align: left; }
.gevinst-rapport tfoot td { font-weight: 600; border-top: 2px solid #8a96a3; }
.gevinst-rapport figure { margin: 1em 0 1.5em; max-width: 820px; }
.gevinst-rapport figcaption { font-weight: 600; margin-bottom: .3em; }
.gevinst-rapport svg { width: 100%; height: auto; font-size: 11px; }
.gevinst-rapport .tabell { overflow-x: auto; }
.gevinst-rapport footer { border-top: 1px solid #d5dbe1; margin-top: 1.5em; padding-top: .6em; color: #3c4650;
  font-size: .92em; }
.gevinst-rapport footer li { margin: .2em 0; }
.gevinst-rapport .merk { font-weight: 600; }
"""


def _axis(value: float) -> tuple[float, int]:
    """A round axis maximum at or above ``value`` and its number of ticks (steps of 1, 2 or 5 × 10^n)."""
    if value <= 0:
        return 1.0, 4
    rough = value / 4
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    ticks = max(1, math.ceil(value / step - 1e-9))
    return step * ticks, ticks


def _bar_chart(title: str, groups: list[str], series: list[tuple[str, str, list[float]]]) -> str:
    """Grouped bars: one group per label in ``groups``, one bar per (name, colour, values) series."""
    width, height, left, right, top, bottom = 820, 300, 64, 12, 14, 62
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value, ticks = _axis(max((v for _, _, values in series for v in values), default=0))
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    for tick in range(ticks + 1):
        value = top_value * tick / ticks
        y = top + plot_h - plot_h * tick / ticks
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d5dbe1"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5a6570">'
                     f"{fmt_number(value, 0 if top_value >= 10 else 1)}</text>")
    group_w = plot_w / max(len(groups), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for g, label in enumerate(groups):
        x0 = left + g * group_w + group_w * 0.1
        for s, (name, colour, values) in enumerate(series):
            value = values[g]
            bar_h = plot_h * value / top_value
            x, y = x0 + s * bar_w, top + plot_h - bar_h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar_w - 1, 1):.1f}" height="{bar_h:.1f}" '
                         f'fill="{colour}"><title>{escape(name)}, {escape(label)}: {fmt_number(value, 1)} timer'
                         "</title></rect>")
        parts.append(f'<text x="{x0 + group_w * 0.4:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                     f'fill="#3c4650">{escape(label)}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#5a6570"/>')
    parts.append(f'<text x="14" y="{top + plot_h / 2:.0f}" transform="rotate(-90 14 {top + plot_h / 2:.0f})" '
                 'text-anchor="middle" fill="#5a6570">Timer</text>')
    x = left
    for name, colour, _ in series:
        parts.append(f'<rect x="{x}" y="{height - 22}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="{height - 12}" fill="#1d2329">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def monthly_chart(report: Report) -> str:
    months = sorted({m["month"] for m in report.monthly_hours})
    processes = list(dict.fromkeys(m["process"] for m in report.monthly_hours))
    hours = {(m["month"], m["process"]): m["hours"] for m in report.monthly_hours}
    several_years = len({m[:4] for m in months}) > 1
    labels = [MONTHS[int(m[5:]) - 1] + (f" {m[2:4]}" if several_years else "") for m in months]
    titles = {line.process: line.title for view in report.views for line in view.lines}
    series = [(titles.get(p, p), COLOURS[i % len(COLOURS)], [hours.get((m, p), 0.0) for m in months])
              for i, p in enumerate(processes)]
    return _bar_chart("Timer per måned per robot", labels, series)


def tertial_chart(report: Report) -> str:
    labels = [f"{t['label'][5:]} {t['label'][:4]}" for t in report.tertials]
    return _bar_chart("Planlagt vs realisert per tertial", labels, [
        ("Planlagte timer", PLANNED, [t["planned_hours"] for t in report.tertials]),
        ("Realiserte timer", REALISED, [t["hours"] for t in report.tertials])])


def _table(view: View) -> str:
    head = "".join(f"<th>{escape(header)}</th>" for _, header, _ in COLUMNS)
    rows = "".join("<tr>" + "".join(f"<td>{escape(cell_text(line, key, kind))}</td>" for key, _, kind in COLUMNS)
                   + "</tr>" for line in view.lines)
    total = "".join(f"<td>{escape(cell_text(view.total, key, kind))}</td>" for key, _, kind in COLUMNS)
    return (f'<div class="tabell"><table tabindex="0"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>'
            f"<tfoot><tr>{total}</tr></tfoot></table></div>")


def report_fragment(report: Report) -> str:
    """The report as one ``<section>`` with its own scoped styles, to embed in another page."""
    period = report.period
    parts = [f'<section class="gevinst-rapport"><style>{STYLE}</style>',
             f"<h2>Gevinstrealisering {escape(period.label)}"
             + (f" – {escape(report.robot)}" if report.robot else "") + "</h2>",
             f'<p class="undertittel">{fmt_date(period.start)}–{fmt_date(report.views[0].last_day)}, '
             f"laget {report.generated_at:%d.%m.%Y %H:%M}. Beløp i kroner er beregnet verdi av frigjort tid, "
             "ikke budsjettgevinst.</p>"]
    for view in report.views:
        parts.append(f"<h3>{escape(view.title)}</h3>")
        parts.append(_table(view))
    parts.append(f"<figure><figcaption>Timer per måned per robot</figcaption>{monthly_chart(report)}</figure>")
    parts.append(f"<figure><figcaption>Planlagt vs realisert per tertial</figcaption>{tertial_chart(report)}"
                 "</figure>")
    parts.append("<h3>Realiserte budsjettgevinster</h3>")
    if report.budget_gains:
        rows = "".join(f"<tr><td>{fmt_date(date.fromisoformat(g['date']))}</td><td>{escape(g['process'])}</td>"
                       f"<td>{fmt_number(g['amount_nok'], 0)}</td><td>{escape(g['vedtak'])}</td>"
                       f"<td>{escape(g['description'])}</td></tr>" for g in report.budget_gains)
        parts.append('<div class="tabell"><table tabindex="0"><thead><tr><th>Dato</th><th>Robot</th><th>Beløp (kr)</th>'
                     f"<th>Vedtak</th><th>Beskrivelse</th></tr></thead><tbody>{rows}</tbody></table></div>")
    else:
        parts.append("<p>Ingen registrerte budsjettgevinster i perioden.</p>")
    notes = "".join(f"<li>{escape(text)}</li>" for text in footer_lines(report))
    parts.append(f'<footer><p class="merk">Konstanter og forutsetninger</p><ul>{notes}</ul></footer></section>')
    return "".join(parts)


def render_html(report: Report) -> str:
    """A whole page around :func:`report_fragment`."""
    return ('<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Gevinstrealisering {escape(report.period.label)}</title></head>"
            f'<body style="margin: 1.5em"><main><h1>Gevinstrealisering {escape(report.period.label)}</h1>'
            f"{report_fragment(report)}</main></body></html>\n")
