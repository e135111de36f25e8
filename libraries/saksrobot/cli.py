"""The ``saksrobot`` command. Settings are loaded here, once, and passed in."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from saksrobot.errors import SaksrobotError
from saksrobot.settings import Settings, load_settings

app = typer.Typer(help="saksrobot: robots that create cases (saker) in the archive.", no_args_is_help=True)
config_app = typer.Typer(help="Show the configuration.", no_args_is_help=True)
browser_app = typer.Typer(help="The Chromium used by the ui back-ends.", no_args_is_help=True)
new_app = typer.Typer(help="Scaffold new things.", no_args_is_help=True)
queue_app = typer.Typer(help="Work items: list, show, retry, requeue, resolve (manual handling).",
                        no_args_is_help=True)
report_app = typer.Typer()  # help: the docstring of report() below
app.add_typer(config_app, name="config")
app.add_typer(queue_app, name="queue")
app.add_typer(report_app, name="report")
app.add_typer(browser_app, name="browser")
app.add_typer(new_app, name="new")
console = Console()


def _settings() -> Settings:
    try:
        return load_settings()
    except SaksrobotError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@config_app.command("show")
def config_show() -> None:
    """Print the effective settings (defaults, config files, environment); secrets hidden."""
    console.print_json(json.dumps(_settings().redacted(), ensure_ascii=False))


@app.command()
def sim() -> None:
    """Run the simulated archive system in the foreground (Ctrl+C stops it)."""
    from saksrobot.simulators import serve_forever

    serve_forever(_settings())


@app.command()
def run(
    robot: Annotated[str, typer.Argument(help="Robot name (robots/<name>.robot) or path")],
    variable: Annotated[list[str], typer.Option("--variable", "-v", help="NAME:value for the robot")] = [],  # noqa: B006
    timeout: Annotated[float | None, typer.Option(help="Stop the run after this many seconds")] = None,
) -> None:
    """Run one robot once. Output goes to logs/<robot>/<time>-<run id>/; exit code 1 on failure."""
    from saksrobot.runner import run_robot

    settings = _settings()
    variables = dict(v.split(":", 1) for v in variable)
    try:
        result = run_robot(settings, robot, variables=variables, timeout=timeout)
    except SaksrobotError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    console.print(f"{result.status.value}: {result.log_html}", soft_wrap=True)
    raise typer.Exit(0 if result.succeeded else 1)


@app.command()
def demo(
    backend: Annotated[str, typer.Option(help="api or ui")] = "ui",
) -> None:
    """Start both simulators with seed data, run every robot once (sample sheet, school-admin inbox,
    a mixed EHF inbox), print a summary with the hours saved."""
    from saksrobot.demo import run_demo

    ok = run_demo(_settings(), backend=backend, console=console)
    raise typer.Exit(0 if ok else 1)


@browser_app.command("install")
def browser_install() -> None:
    """Make a Chromium available: Playwright's download, else the system's (Debian package as root)."""
    from saksrobot import browser

    try:
        console.print(browser.install())
    except SaksrobotError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@app.command()
def docs(output: Annotated[Path, typer.Option(help="Folder for the HTML files")] = Path("docs/keywords")) -> None:
    """Write libdoc HTML for every keyword library."""
    from robot.libdoc import libdoc

    from saksrobot import keywords

    output.mkdir(parents=True, exist_ok=True)
    arguments = {"WorkItemsLibrary": "::process=example"}  # libraries that need import arguments
    for name in keywords.__all__:
        target = output / f"{name}.html"
        libdoc(f"saksrobot.keywords.{name}{arguments.get(name, '')}", str(target), quiet=True)
        console.print(str(target))


ROBOT_TEMPLATE = """*** Settings ***
Documentation       {title}.
...
...                 Describe the business process here: where the items come from, what the
...                 robot does with each, and what it hands over to archive staff.

Library             saksrobot.keywords.ArchiveLibrary

Suite Setup         Open Archive
Suite Teardown      Close Archive


*** Tasks ***
{title}
    [Documentation]    One line on what this task achieves for archive staff.
    Log    Write the process as business-level keywords.
"""


@new_app.command("robot")
def new_robot(name: Annotated[str, typer.Argument(help="snake_case name, e.g. building_permits")]) -> None:
    """Scaffold robots/<name>.robot from a template that follows the house style."""
    if not name.isidentifier() or name != name.lower():
        console.print("[red]The name must be snake_case (letters, digits, _).[/red]")
        raise typer.Exit(2)
    target = _settings().path("robots") / f"{name}.robot"
    if target.exists():
        console.print(f"[red]{target} exists already.[/red]")
        raise typer.Exit(2)
    target.write_text(ROBOT_TEMPLATE.format(title=name.replace("_", " ").capitalize()), encoding="utf-8")
    console.print(f"Created {target}. Run it with: saksrobot run {name}")


def _store(settings: Settings):  # noqa: ANN202 - import kept lazy for a fast --help
    from saksrobot.database import make_engine
    from saksrobot.workitems import WorkItemStore

    return WorkItemStore(make_engine(settings.sqlite_ready(settings.database.url)))


def _print_items(items: list) -> None:
    table = Table("Id", "Prosess", "Nøkkel", "Status", "Forsøk", "Årsak", "Resultat", "Endret (UTC)")
    for i in items:
        table.add_row(str(i.id), i.process, i.key, i.state, str(i.attempts), i.reason_text or "",
                      ", ".join(f"{k}={v}" for k, v in (i.result or {}).items()), f"{i.updated_at:%Y-%m-%d %H:%M}")
    console.print(table)


@queue_app.command("list")
def queue_list(
    process: Annotated[str | None, typer.Option(help="Only this process, e.g. archive_cases")] = None,
    state: Annotated[list[str], typer.Option(help="pending, in_progress, done, manual, failed, resolved")] = [],  # noqa: B006
    limit: Annotated[int, typer.Option(help="At most this many, newest first")] = 50,
) -> None:
    """List work items, newest first. `--state manual` is what archive staff must handle."""
    from saksrobot.workitems import State

    try:
        states = [State(s) for s in state]
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    _print_items(_store(_settings()).find(process, states, limit))


def _item_command(action, *args) -> None:  # noqa: ANN001 - a bound store method
    from saksrobot.workitems import NoSuchItem

    try:
        _print_items([action(*args)])
    except NoSuchItem as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@queue_app.command("show")
def queue_show(item_id: int) -> None:
    """Show one work item (never its payload, which may hold personal data)."""
    _item_command(_store(_settings()).get, item_id)


@queue_app.command("retry")
def queue_retry(item_id: int) -> None:
    """Send a failed item back to the robot with a fresh count of attempts."""
    _item_command(_store(_settings()).retry_failed, item_id)


@queue_app.command("requeue")
def queue_requeue(item_id: int) -> None:
    """Send a manual (or failed) item back to the robot, e.g. after the source data was fixed."""
    _item_command(_store(_settings()).requeue, item_id)


@queue_app.command("resolve")
def queue_resolve(
    item_id: int,
    by: Annotated[str, typer.Option(help="Who handled it (name or user id)")],
    note: Annotated[str | None, typer.Option(help="What was done, e.g. the case number made by hand")] = None,
) -> None:
    """Mark a manual item as handled by hand, recording who and when."""
    _item_command(_store(_settings()).resolve, item_id, by, note)


class ReportFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    XLSX = "xlsx"
    HTML = "html"
    JSON = "json"


@report_app.callback(invoke_without_command=True)
def report(
    ctx: typer.Context,
    period: Annotated[str | None, typer.Option(
        help="2026, 2026-T1 (tertial), 2026-Q2, 2026-05 or 2026-01-01..2026-03-31; default: this year")] = None,
    robot: Annotated[str | None, typer.Option(help="Only this robot (process), e.g. invoices")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="table (console), csv, xlsx, html or json")] = (
        ReportFormat.TABLE),
    output: Annotated[Path | None, typer.Option(
        help="File for csv, xlsx, html or json; default: standard output (xlsx: gevinst-PERIOD.xlsx)")] = None,
) -> None:
    """Gevinstrealisering for managers: per robot and period the items, hours freed, årsverk, beregnet
    verdi (NOK), planned hours and realisation, realised budget gains and quality, with the constants
    used. A year adds year-to-date and the previous year. `report summary` gives hours saved only."""
    if ctx.invoked_subcommand is not None:
        return
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from saksrobot.database import make_engine
    from saksrobot.gevinst import build_report, parse_period, plan_of
    from saksrobot.gevinst.report import render_csv, render_table

    settings = _settings()
    try:
        chosen = parse_period(period or f"{datetime.now(ZoneInfo('Europe/Oslo')):%Y}")
        plan = plan_of(settings)
    except SaksrobotError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if output is not None and fmt is ReportFormat.TABLE:
        console.print("[red]--output is for --format csv, xlsx, html or json[/red]")
        raise typer.Exit(2)
    known = set(settings.gevinst.baselines) | {entry.process for entry in plan.plan}
    if robot and robot not in known:
        console.print(f"[yellow]{robot} has no baseline or plan (known: {', '.join(sorted(known))})[/yellow]")
    result = build_report(make_engine(settings.sqlite_ready(settings.database.url)), settings.gevinst, plan, chosen,
                          robot)
    if fmt is ReportFormat.TABLE:
        render_table(result, console)
        return
    if fmt is ReportFormat.XLSX:
        from saksrobot.gevinst.excel import write_xlsx

        target = output or Path(f"gevinst-{chosen.label.replace('..', '_til_')}.xlsx")
        console.print(f"Wrote {write_xlsx(result, target)}")
        return
    if fmt is ReportFormat.JSON:
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    elif fmt is ReportFormat.CSV:
        text = render_csv(result)
    else:
        from saksrobot.gevinst.html import render_html

        text = render_html(result)
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    # a byte-order mark lets Norwegian Excel open the CSV file with æ, ø and å intact
    output.write_text(text, encoding="utf-8-sig" if fmt is ReportFormat.CSV else "utf-8")
    console.print(f"Wrote {output}")


@report_app.command("summary")
def report_summary(
    period: Annotated[str, typer.Option(help="2026, 2026-T1, 2026-Q2, 2026-05 or 2026-01-01..2026-03-31")],
    robot: Annotated[str | None, typer.Option(help="Only this robot (process)")] = None,
) -> None:
    """Hours saved per robot for a period (Europe/Oslo time), from the gevinst log."""
    from saksrobot.database import make_engine
    from saksrobot.gevinst import parse_period, summarize

    settings = _settings()
    try:
        chosen = parse_period(period)
    except SaksrobotError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    table = Table("Robot", "Saker", "Til manuell behandling", "Feilet", "Timer spart",
                  title=f"Gevinst {chosen.label} ({chosen.start:%d.%m.%Y}–{chosen.end:%d.%m.%Y}, ekskl. siste dato)")
    for line in summarize(make_engine(settings.sqlite_ready(settings.database.url)), chosen, robot):
        table.add_row(line.process, str(line.items_done), str(line.handed_over), str(line.failed),
                      f"{line.hours_saved:.2f}".replace(".", ","))
    console.print(table)


def main() -> None:  # pragma: no cover - console entry for `python -m saksrobot`
    app(prog_name="saksrobot")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
