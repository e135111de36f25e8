"""``saksrobot demo``: the simulator with seed data, archive_cases on a sample sheet, a summary."""

from __future__ import annotations

from collections import Counter
from datetime import date

from rich.console import Console
from rich.table import Table

from saksrobot import sheets
from saksrobot.database import make_engine
from saksrobot.demo.sample import write_sample_sheet
from saksrobot.gevinst import parse_period, summarize
from saksrobot.runner import run_robot
from saksrobot.settings import Settings


def robot_environment(settings: Settings, archive_url: str, api_key: str, password: str,
                      backend: str, database_url: str) -> dict[str, str]:
    """Environment that points a robot subprocess at a running simulator and a database."""
    return {
        "SAKSROBOT_DATABASE__URL": database_url,
        "SAKSROBOT_ARCHIVE__BASE_URL": archive_url,
        "SAKSROBOT_ARCHIVE__API_KEY": api_key,
        "SAKSROBOT_ARCHIVE__PASSWORD": password,
        "SAKSROBOT_ARCHIVE__BACKEND": backend,
        "SAKSROBOT_HOME": str(settings.home),
    }


def run_demo(settings: Settings, *, backend: str, console: Console) -> bool:
    """Run the demo; return whether the robot run succeeded."""
    from saksrobot.simulators import running_simulators
    from saksrobot.simulators.archive.seed import DEMO_ENTERPRISES, DEMO_PERSONS

    demo_dir = settings.path("var") / "demo"
    demo_dir.mkdir(parents=True, exist_ok=True)
    settings = settings.model_copy(update={"simulators": settings.simulators.model_copy(
        update={"archive_database_url": f"sqlite:///{demo_dir / 'archive-sim.db'}"})})
    database = demo_dir / "saksrobot.db"
    for stale in (demo_dir / "archive-sim.db", database):  # every demo starts from the seed data
        stale.unlink(missing_ok=True)
    sheet = write_sample_sheet(demo_dir / "saksforespørsler.xlsx", DEMO_PERSONS, DEMO_ENTERPRISES)
    console.print(f"Sample sheet with {len(sheets.read_rows(sheet))} case requests: {sheet}")
    with running_simulators(settings, port=0) as sims:
        console.print(f"Archive simulator running at {sims.archive_url}; robot back-end: {backend}")
        result = run_robot(settings, "archive_cases", variables={"REQUESTS": str(sheet)},
                           env=robot_environment(settings, sims.archive_url, sims.api_key, sims.password, backend,
                                                 f"sqlite:///{database}"))
    result_sheet = result.output_dir / "resultat.xlsx"
    if not result_sheet.exists():
        console.print(f"[red]The robot wrote no result sheet. Log: {result.log_html}[/red]")
        return False
    rows = sheets.read_rows(result_sheet)
    _print_summary(console, rows)
    for line in summarize(make_engine(f"sqlite:///{database}"), parse_period(f"{date.today():%Y}")):
        console.print(f"Gevinst {line.process}: {line.items_done} saker, {line.hours_saved:.1f} timer spart "
                      f"({line.handed_over} til manuell behandling)")
    console.print(f"Log:          {result.log_html}", soft_wrap=True)
    console.print(f"Result sheet: {result_sheet}", soft_wrap=True)
    return result.succeeded


def _print_summary(console: Console, rows: list[dict]) -> None:
    counts = Counter(r["Resultat"] for r in rows)
    console.print("Summary: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    created = [r["Saksnummer"] for r in rows if r["Resultat"] == "Opprettet"]
    if created:
        console.print(f"Cases created: {', '.join(created)}", soft_wrap=True)
    rejected = [r for r in rows if r["Resultat"] in ("Avvist", "Feilet")]
    if rejected:
        table = Table("Rad", "Id", "Resultat", "Årsak", title="Not created")
        for r in rejected:
            table.add_row(str(r["Rad"]), r["Id"], r["Resultat"], r["Årsak"] or "")
        console.print(table)
