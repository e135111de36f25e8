"""The manager report as an Excel workbook: one sheet per view, then the budget gains and the constants.

Number formats are stored in Excel's own (locale-neutral) notation, ``#,##0.0``: Excel shows them
with the reader's separators, in Norwegian as ``1 234,5``. (Writing ``# ##0,0`` into the file would
make Excel read the comma as "divide by 1 000".) Dates are real dates shown as ``dd.mm.yyyy``. The
cells hold exactly the numbers of the JSON output.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from saksrobot.gevinst.report import COLUMNS, Report, View, footer_lines

FORMATS = {"int": "#,##0", "nok": "#,##0", "dec1": "#,##0.0", "dec2": "#,##0.00", "pct": "0.0", "text": "@"}
DATE_FORMAT = "dd.mm.yyyy"
WIDTHS = {"title": 26, "gevinstansvarlig": 26}
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BOLD = Font(bold=True)


def _header(sheet: Worksheet, headers: list[str], widths: list[int]) -> None:
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _view_sheet(sheet: Worksheet, view: View) -> None:
    _header(sheet, [header for _, header, _ in COLUMNS],
            [WIDTHS.get(key, max(12, min(len(header) + 2, 18))) for key, header, _ in COLUMNS])
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "B2"
    for line in [*view.lines, view.total]:
        sheet.append([getattr(line, key) for key, _, _ in COLUMNS])
        for cell, (_, _, kind) in zip(sheet[sheet.max_row], COLUMNS, strict=True):
            cell.number_format = FORMATS[kind]
            if line is view.total:
                cell.font = BOLD
    sheet.append([])
    for label, value in (("Fra", view.start), ("Til og med", view.last_day)):
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 2).number_format = DATE_FORMAT
    sheet.append(["Måneder", view.months])
    sheet.cell(sheet.max_row, 2).number_format = "0.00"


def write_xlsx(report: Report, path: Path | IO[bytes]) -> Path | IO[bytes]:
    """Write the report to ``path`` (.xlsx, or a binary file object) and return it."""
    book = Workbook()
    book.remove(book.active)
    for view in report.views:
        _view_sheet(book.create_sheet(view.name[:31]), view)

    gains = book.create_sheet("Budsjettgevinster")
    _header(gains, ["Dato", "Robot", "Beløp (kr)", "Vedtak", "Beskrivelse"], [12, 18, 14, 30, 50])
    gains.freeze_panes = "A2"
    for gain in report.budget_gains:
        gains.append([date.fromisoformat(gain["date"]), gain["process"], gain["amount_nok"], gain["vedtak"],
                      gain["description"]])
        gains.cell(gains.max_row, 1).number_format = DATE_FORMAT
        gains.cell(gains.max_row, 3).number_format = FORMATS["nok"]

    constants = book.create_sheet("Konstanter")
    _header(constants, ["Gjelder fra", "Timer per årsverk", "Timekost (kr)", "Kilde"], [14, 18, 16, 70])
    constants.freeze_panes = "A2"
    for rate in report.rates:
        constants.append([date.fromisoformat(rate["valid_from"]), rate["hours_per_arsverk"], rate["hourly_cost_nok"],
                          rate["source"]])
        constants.cell(constants.max_row, 1).number_format = DATE_FORMAT
        constants.cell(constants.max_row, 2).number_format = FORMATS["int"]
        constants.cell(constants.max_row, 3).number_format = FORMATS["nok"]
    constants.append([])
    constants.append(["Nullpunktsmåling", "Robot", "Versjon", "Gjelder fra", "Manuelle min per sak", "Andel spart",
                      "Oppfølging min", "Spart min per sak", "Planlagte saker per år", "Gevinstansvarlig"])
    for cell in constants[constants.max_row]:
        cell.font = BOLD
    for b in report.baselines:
        constants.append(["", b["process"], b["version"],
                          date.fromisoformat(b["valid_from"]) if b["valid_from"] else "ikke i konfigurasjonen",
                          b["manual_minutes"], b["saving_share"], b["followup_minutes"], b["saved_minutes_per_item"],
                          b["planned_items_per_year"], b["gevinstansvarlig"]])
        constants.cell(constants.max_row, 4).number_format = DATE_FORMAT
    if report.plans:
        constants.append([])
        constants.append(["Gevinstrealiseringsplan", "Robot", "År", "Planlagte saker", "Planlagte timer",
                          "Gevinstansvarlig", "Kilde"])
        for cell in constants[constants.max_row]:
            cell.font = BOLD
        for p in report.plans:
            constants.append(["", p["process"], p["year"], p["planned_items"], p["planned_hours"],
                              p["gevinstansvarlig"], p["source"]])
    constants.append([])
    constants.append(["Merknader"])
    constants.cell(constants.max_row, 1).font = BOLD
    for text in footer_lines(report):
        constants.append([text])
    if isinstance(path, Path):
        path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
