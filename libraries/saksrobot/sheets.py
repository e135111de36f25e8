"""Reading request sheets and writing result sheets (.xlsx through rpaframework's Excel
library, .csv through the standard library; Norwegian Excel exports use ``;``)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from saksrobot.errors import BusinessError


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of the first sheet (or the CSV file) as dicts keyed by the header row.

    Empty rows are skipped. An unreadable file is a business error: the sheet must be fixed.
    """
    if not path.exists():
        raise BusinessError(f"Finner ikke filen {path.name}", code="file_missing")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path)
    else:
        raise BusinessError(f"Filtypen {suffix or '(ingen)'} støttes ikke: bruk .xlsx eller .csv",
                            code="file_type")
    return [row for row in rows if any(v not in (None, "") for v in row.values())]


def _read_csv(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    return [{(k or "").strip(): v for k, v in row.items()} for row in reader]


def _read_xlsx(path: Path) -> list[dict[str, Any]]:
    from RPA.Excel.Files import Files  # imported when a workbook is read or written (it is slow to import)

    excel = Files()
    try:
        excel.open_workbook(str(path), read_only=True)
        table = excel.read_worksheet_as_table(header=True)
    except Exception as exc:  # noqa: BLE001 - any parse failure means the file must be fixed
        raise BusinessError(f"Kan ikke lese {path.name}: {type(exc).__name__}", code="file_unreadable") from None
    finally:
        excel.close_workbook()
    return [{str(k).strip(): v for k, v in row.items() if k is not None} for row in table.iter_dicts(with_index=False)]


def write_rows(path: Path, columns: list[str], rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write ``rows`` under a header of ``columns`` to ``path`` (.xlsx or .csv)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = [{c: row.get(c, "") for c in columns} for row in rows]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns, delimiter=";")
            writer.writeheader()
            writer.writerows(data)
        return path
    from RPA.Excel.Files import Files  # imported when a workbook is read or written (it is slow to import)

    excel = Files()
    excel.create_workbook(str(path), fmt="xlsx", sheet_name="Resultat")
    excel.append_rows_to_worksheet(data or [dict.fromkeys(columns, "")], header=True)
    excel.save_workbook()
    excel.close_workbook()
    return path
