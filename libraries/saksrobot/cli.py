"""The ``saksrobot`` command. Settings are loaded here, once, and passed in."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from saksrobot.errors import SaksrobotError
from saksrobot.settings import Settings, load_settings

app = typer.Typer(help="saksrobot: robots that create cases (saker) in the archive.", no_args_is_help=True)
config_app = typer.Typer(help="Show the configuration.", no_args_is_help=True)
browser_app = typer.Typer(help="The Chromium used by the ui back-ends.", no_args_is_help=True)
new_app = typer.Typer(help="Scaffold new things.", no_args_is_help=True)
app.add_typer(config_app, name="config")
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
    console.print(f"{'Succeeded' if result.succeeded else 'FAILED'}: {result.log_html}")
    raise typer.Exit(0 if result.succeeded else 1)


@app.command()
def demo(
    backend: Annotated[str, typer.Option(help="api or ui")] = "ui",
) -> None:
    """Start the simulator with seed data, run archive_cases on ~30 sample requests, print a summary."""
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


def main() -> None:  # pragma: no cover - console entry for `python -m saksrobot`
    app(prog_name="saksrobot")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
