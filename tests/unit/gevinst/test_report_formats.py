"""The report's formats: the xlsx holds the JSON's numbers, the HTML loads nothing, and the CLI."""

import csv
import io
import json
import re
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from saksrobot.cli import app
from saksrobot.database import make_engine
from saksrobot.gevinst import GevinstLog, GevinstPlan, build_report, parse_period, plan_of
from saksrobot.gevinst.excel import write_xlsx
from saksrobot.gevinst.html import render_html, report_fragment
from saksrobot.gevinst.report import COLUMNS, NUMERIC_KEYS, render_csv
from saksrobot.settings import GevinstSettings, load_settings

SETTINGS = GevinstSettings.model_validate({
    "baselines": {"archive_cases": [{"version": "v1", "valid_from": "2025-01-01", "manual_minutes": 12,
                                     "saving_share": 0.9, "followup_minutes": 0.8, "planned_items_per_year": 5000,
                                     "gevinstansvarlig": "Leder, byarkivet"}],
                  "invoices": [{"version": "v1", "valid_from": "2025-01-01", "manual_minutes": 12,
                                "saving_share": 0.9, "followup_minutes": 0.5, "planned_items_per_year": 11000}]},
    "rates": [{"valid_from": "2025-01-01", "hours_per_arsverk": 1695, "hourly_cost_nok": 650, "source": "Lønn 2025"},
              {"valid_from": "2026-03-01", "hours_per_arsverk": 1695, "hourly_cost_nok": 700, "source": "Lønn 2026"}],
})
PLAN = GevinstPlan.model_validate({
    "plan": [{"process": "invoices", "year": 2026, "planned_hours": 2000}],
    "budget_gains": [{"process": "invoices", "amount_nok": 325000, "date": "2026-09-01", "vedtak": "KST-sak 112/26",
                      "description": "Halv stilling ikke gjenbesatt"}]})


def fill(engine, settings=SETTINGS):
    log = GevinstLog(engine, settings, robot_version="test")
    start = datetime(2025, 1, 3, 9)
    for n in range(300):  # two years, every 58 h, both robots, some manual and failed
        finished = start + timedelta(hours=58 * n)
        outcome = "manual" if n % 9 == 0 else "failed" if n % 17 == 0 else "done"
        log.record("archive_cases" if n % 2 else "invoices", f"K{n}", outcome, finished_at=finished,
                   arrived_at=finished - timedelta(minutes=30 + n % 240))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('report') / 'saksrobot.db'}")
    fill(engine)
    return build_report(engine, SETTINGS, PLAN, parse_period("2026"), today=date(2026, 10, 15),
                        titles={"invoices": "Inngående fakturaer (EHF)"})


def test_xlsx_holds_the_numbers_of_the_json(report, tmp_path):
    data = report.to_json()
    book = load_workbook(write_xlsx(report, tmp_path / "rapport.xlsx"))
    assert book.sheetnames == ["Periode", "Hittil i år", "Fjoråret", "Budsjettgevinster", "Konstanter"]
    for view in data["views"]:
        sheet = book[view["name"]]
        assert sheet.freeze_panes == "B2"
        assert [c.value for c in sheet[1]] == [header for _, header, _ in COLUMNS]
        expected = [*view["rows"], view["total"]]
        assert len(expected) > 1
        for row_number, line in enumerate(expected, start=2):
            cells = {key: sheet.cell(row_number, column).value for column, (key, _, _) in enumerate(COLUMNS, start=1)}
            assert {k: v for k, v in cells.items() if k in NUMERIC_KEYS} == {k: line[k] for k in NUMERIC_KEYS}
            assert (cells["title"], cells["gevinstansvarlig"] or "") == (line["title"], line["gevinstansvarlig"])
        hours = sheet.cell(2, 6)
        assert hours.number_format == "#,##0.0"  # Excel shows it as 1 234,5 in Norwegian
        dates = [row for row in sheet.iter_rows() if row[0].value in ("Fra", "Til og med")]
        assert [row[1].value.date() for row in dates] == [date.fromisoformat(view["start"]),
                                                         date.fromisoformat(view["end"])]
        assert all(row[1].number_format == "dd.mm.yyyy" for row in dates)
    gains = book["Budsjettgevinster"]
    assert [c.value for c in gains[2]][1:4] == ["invoices", 325000, "KST-sak 112/26"]
    constants = [c.value for row in book["Konstanter"].iter_rows() for c in row if c.value is not None]
    assert "Lønn 2026" in constants and any("ikke en budsjettgevinst" in str(v) for v in constants)


def test_json_has_every_view_and_figure(report):
    data = json.loads(json.dumps(report.to_json()))
    assert [v["key"] for v in data["views"]] == ["period", "ytd", "previous_year"]
    assert data["views"][1]["end"] == "2026-10-15"
    invoices = next(r for r in data["views"][0]["rows"] if r["process"] == "invoices")
    assert invoices["planned_hours"] == 2000.0 and invoices["plan_source"] == "plan"
    assert invoices["budget_gains_nok"] == 325000
    assert [t["label"] for t in data["charts"]["tertials"]] == ["2026-T1", "2026-T2", "2026-T3"]
    assert len({m["month"] for m in data["charts"]["monthly_hours"]}) == 12
    assert [r["source"] for r in data["constants"]["rates"]] == ["Lønn 2025", "Lønn 2026"]


def test_html_is_self_contained_with_both_charts(report):
    page = render_html(report)
    assert not re.search(r"https?://", page)
    assert not re.search(r"<script|<link|<img|<iframe|\bsrc=|@import|url\(", page, re.IGNORECASE)
    assert page.count("<svg") == 2 and "<style>" in page
    assert "Timer per måned per robot" in page and "Planlagt vs realisert per tertial" in page
    assert "KST-sak 112/26" in page and "ikke en budsjettgevinst" in page
    fragment = report_fragment(report)
    assert fragment.startswith('<section class="gevinst-rapport">') and "<html" not in fragment
    assert fragment in page


def test_csv_for_norwegian_excel(report):
    rows = list(csv.reader(io.StringIO(render_csv(report)), delimiter=";"))
    assert rows[0][:5] == ["Visning", "Periode", "Fra", "Til", "Robot"]
    total = next(r for r in rows if r[:1] == ["Periode"] and r[4] == "Sum")
    hours = report.views[0].total.hours
    assert total[9] == f"{hours:.1f}".replace(".", ",")
    assert total[2:4] == ["01.01.2026", "31.12.2026"]
    assert any(r[:1] == ["Merknad"] and "ikke en budsjettgevinst" in r[1] for r in rows)


# --- the command --------------------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("cli")
    url = f"sqlite:///{tmp_path / 'saksrobot.db'}"
    fill(make_engine(url), load_settings().gevinst)
    plan = tmp_path / "plan.toml"
    plan.write_text('[[plan]]\nprocess = "invoices"\nyear = 2026\nplanned_hours = 2000\n', encoding="utf-8")
    return {"SAKSROBOT_DATABASE__URL": url, "SAKSROBOT_GEVINST__PLAN": str(plan), "COLUMNS": "120"}


def test_cli_json_is_the_report(cli_env):
    result = runner.invoke(app, ["report", "--period", "2026-T2", "--format", "json"], env=cli_env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    gevinst = {**load_settings().gevinst.model_dump(), "plan": cli_env["SAKSROBOT_GEVINST__PLAN"]}
    settings = load_settings(database={"url": cli_env["SAKSROBOT_DATABASE__URL"]}, gevinst=gevinst)
    expected = build_report(make_engine(settings.database.url), settings.gevinst, plan_of(settings),
                            parse_period("2026-T2"), titles=settings.robot_titles()).to_json()
    assert data["views"] == expected["views"]
    assert {r["process"]: r["title"] for r in data["views"][0]["rows"]}["invoices"] == "Inngående fakturaer (EHF)"
    assert data["period"] == {"label": "2026-T2", "start": "2026-05-01", "end": "2026-08-31"}
    invoices = next(r for r in data["views"][0]["rows"] if r["process"] == "invoices")
    assert invoices["planned_hours"] == round(2000 * 4 / 12, 1)


def test_cli_files_and_table(cli_env, tmp_path):
    for fmt in ("xlsx", "html", "csv", "json"):
        target = tmp_path / "out" / f"rapport.{fmt}"
        result = runner.invoke(app, ["report", "--period", "2026", "--robot", "invoices", "--format", fmt,
                                     "--output", str(target)], env=cli_env)
        assert result.exit_code == 0, result.output
        assert target.stat().st_size > 0
    assert load_workbook(tmp_path / "out" / "rapport.xlsx").sheetnames[:3] == ["Periode", "Hittil i år", "Fjoråret"]
    assert (tmp_path / "out" / "rapport.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    table = runner.invoke(app, ["report", "--period", "2026-05"], env=cli_env)
    assert table.exit_code == 0, table.output
    assert "Periode 2026-05 (01.05.2026–31.05.2026) – Gevinst" in table.output
    assert "archive_cases" in table.output and "ikke en budsjettgevinst" in table.output
    summary = runner.invoke(app, ["report", "summary", "--period", "2026-05"], env=cli_env)
    assert summary.exit_code == 0 and "invoices" in summary.output


@pytest.mark.parametrize("args", [["report", "--period", "2026-T4"],
                                  ["report", "--period", "2026", "--output", "x.txt"],
                                  ["report", "--period", "2026", "--format", "pdf"]])
def test_cli_refuses_bad_arguments(cli_env, args):
    assert runner.invoke(app, args, env=cli_env).exit_code == 2


def test_cli_names_a_bad_plan_entry(cli_env, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[plan]]\nprocess = "invoices"\nyear = 2026\nplanned_items = -1\n', encoding="utf-8")
    result = runner.invoke(app, ["report", "--period", "2026"], env={**cli_env, "SAKSROBOT_GEVINST__PLAN": str(bad)})
    assert result.exit_code == 2 and "plan[0] (invoices 2026)" in result.output


def test_cli_table_for_a_robot_with_nothing_in_a_view(cli_env):
    """A new robot has no rows in last year's view: the table still prints every view."""
    result = runner.invoke(app, ["report", "--period", "2026", "--robot", "a_new_robot"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "Fjoråret" in result.output or "2025" in result.output
