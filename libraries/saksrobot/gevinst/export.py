"""The manager report as a file, in each format managers download it in: the same bytes from
``saksrobot report --output`` and from the control room's Gevinst page."""

from __future__ import annotations

import io
import json

from saksrobot.gevinst.report import Report, render_csv

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8", "json": "application/json"}


def export(report: Report, fmt: str) -> bytes:
    """The report as a file of ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "xlsx":
        from saksrobot.gevinst.excel import write_xlsx

        out = io.BytesIO()
        write_xlsx(report, out)
        return out.getvalue()
    if fmt == "csv":  # a byte-order mark lets Norwegian Excel open it with æ, ø and å intact
        return render_csv(report).encode("utf-8-sig")
    if fmt == "html":
        from saksrobot.gevinst.html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "json":
        return (json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    raise ValueError(f"Unknown report format {fmt!r}")


def file_name(report: Report, fmt: str) -> str:
    robot = f"-{report.robot}" if report.robot else ""
    return f"gevinst-{report.period.label.replace('..', '_til_')}{robot}.{fmt}"
