"""``saksrobot demo``: the simulators with seed data, every robot once, a summary."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from saksrobot import sheets
from saksrobot.database import make_engine
from saksrobot.demo.corpus import official_artefacts
from saksrobot.demo.invoice_inbox import write_inbox
from saksrobot.demo.sample import write_sample_sheet
from saksrobot.gevinst import build_report, parse_period, plan_of, summarize
from saksrobot.gevinst.excel import write_xlsx
from saksrobot.gevinst.html import render_html
from saksrobot.runner import RunResult, run_robot
from saksrobot.settings import Settings
from saksrobot.simulators.server import RunningSimulators
from saksrobot.workitems import State, WorkItemStore
from saksrobot.workitems.sealed import new_key

STATES = {State.DONE: "ferdig", State.MANUAL: "til manuell behandling", State.PENDING: "prøves igjen",
          State.FAILED: "feilet"}


def robot_environment(settings: Settings, sims: RunningSimulators, *, database_url: str,
                      archive_backend: str = "api", schooladmin_backend: str = "ui") -> dict[str, str]:
    """Environment that points a robot subprocess at running simulators and a database (SQLite),
    with a key for the personal fields of its work items (a key file beside the database, as a
    secrets folder would hold it)."""
    return {
        "SAKSROBOT_DATABASE__URL": database_url,
        "SAKSROBOT_WORKITEMS__ENCRYPTION_KEY": settings.workitems.encryption_key.get_secret_value()
        if settings.workitems.encryption_key else demo_key(database_url),
        "SAKSROBOT_ARCHIVE__BASE_URL": sims.archive_url,
        "SAKSROBOT_ARCHIVE__API_KEY": sims.api_key,
        "SAKSROBOT_ARCHIVE__CLIENT_ID": sims.client_id,
        "SAKSROBOT_ARCHIVE__PASSWORD": sims.password,
        "SAKSROBOT_ARCHIVE__BACKEND": archive_backend,
        "SAKSROBOT_SCHOOLADMIN__BASE_URL": sims.schooladmin_url,
        "SAKSROBOT_SCHOOLADMIN__API_KEY": sims.api_key,
        "SAKSROBOT_SCHOOLADMIN__PASSWORD": sims.password,
        "SAKSROBOT_SCHOOLADMIN__BACKEND": schooladmin_backend,
        "SAKSROBOT_HOME": str(settings.home),
    }


def demo_key(database_url: str) -> str:
    """The work-item key of a demo or test database: made once, kept in ``workitems.key`` beside it."""
    folder = Path(database_url.removeprefix("sqlite:///")).parent
    key_file = folder / "workitems.key"
    if not key_file.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(new_key(), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


def run_demo(settings: Settings, *, backend: str, console: Console) -> bool:
    """Run the demo; return whether every robot run succeeded."""
    from saksrobot.simulators import databases_in, running_simulators
    from saksrobot.simulators.archive.seed import DEMO_ENTERPRISES, DEMO_PERSONS

    demo_dir = settings.path("var") / "demo"
    demo_dir.mkdir(parents=True, exist_ok=True)
    settings = databases_in(settings, demo_dir)
    database = demo_dir / "saksrobot.db"
    for stale in (demo_dir / "archive-sim.db", demo_dir / "schooladmin-sim.db", database):
        stale.unlink(missing_ok=True)  # every demo starts from the seed data
    shutil.rmtree(demo_dir / "invoices", ignore_errors=True)
    invoices = write_inbox(demo_dir / "invoices" / "inbox")
    console.print(f"Invoice inbox with {len(invoices)} EHF files: {demo_dir / 'invoices' / 'inbox'}")
    sheet = write_sample_sheet(demo_dir / "saksforespørsler.xlsx", DEMO_PERSONS, DEMO_ENTERPRISES)
    console.print(f"Sample sheet with {len(sheets.read_rows(sheet))} case requests: {sheet}")
    with running_simulators(settings, port=0) as sims:
        console.print(f"Archive simulator: {sims.archive_url}; school-admin simulator: {sims.schooladmin_url}; "
                      f"archive back-end: {backend}, school-admin back-end: {settings.schooladmin.backend}")
        env = robot_environment(settings, sims, database_url=f"sqlite:///{database}", archive_backend=backend,
                                schooladmin_backend=settings.schooladmin.backend)
        env["SAKSROBOT_INVOICES__FOLDER"] = str(demo_dir / "invoices")
        env |= _invoice_validation(settings, console)
        results = [run_robot(settings, "archive_cases", variables={"REQUESTS": str(sheet)}, env=env),
                   run_robot(settings, "school_cases", env=env),
                   run_robot(settings, "ppt_referrals", env=env),
                   run_robot(settings, "invoices", env=env)]
    _print_archive_cases(console, results[0])
    store = WorkItemStore(make_engine(f"sqlite:///{database}"))
    for result in results[1:]:
        _print_items(console, result, store)
    engine = make_engine(f"sqlite:///{database}")
    year = parse_period(f"{date.today():%Y}")
    for line in summarize(engine, year):
        console.print(f"Gevinst {line.process}: {line.items_done} saker, {line.hours_saved:.1f} timer spart "
                      f"({line.handed_over} til manuell behandling)")
    report = build_report(engine, settings.gevinst, plan_of(settings), year, titles=settings.robot_titles())
    xlsx = write_xlsx(report, demo_dir / f"gevinst-{year.label}.xlsx")
    html = demo_dir / f"gevinst-{year.label}.html"
    html.write_text(render_html(report), encoding="utf-8")
    console.print(f"Savings report: {xlsx} and {html}", soft_wrap=True)
    for result in results:
        console.print(f"Log {result.robot}: {result.log_html} ({result.status.value})", soft_wrap=True)
        for note in result.summary.get("notes", []):
            console.print(f"  {note}", soft_wrap=True)
    console.print("Manual queue: saksrobot queue list --state manual "
                  f"(with SAKSROBOT_DATABASE__URL=sqlite:///{database})", soft_wrap=True)
    console.print("Control room on these results: saksrobot user add NAME --role admin, then saksrobot serve "
                  "(same SAKSROBOT_DATABASE__URL), http://127.0.0.1:8400", soft_wrap=True)
    return all(r.succeeded for r in results)


def _invoice_validation(settings: Settings, console: Console) -> dict[str, str]:
    """The official release of the shared test corpus when the site has none configured and it is
    there; else saksrobot's own checks, said out loud."""
    if settings.invoices.validation == "builtin" or settings.invoices.validation_artefacts is not None:
        return {}
    if (artefacts := official_artefacts()) is not None:
        console.print(f"Invoice validation: the official stylesheets in {artefacts}", soft_wrap=True)
        return {"SAKSROBOT_INVOICES__VALIDATION_ARTEFACTS": str(artefacts)}
    console.print("Invoice validation: no official release found (invoices.validation_artefacts): the demo checks "
                  "invoices with saksrobot's own rules only", soft_wrap=True)
    return {"SAKSROBOT_INVOICES__VALIDATION": "builtin"}


def _print_archive_cases(console: Console, result: RunResult) -> None:
    result_sheet = result.output_dir / "resultat.xlsx"
    if not result_sheet.exists():
        console.print(f"[red]archive_cases wrote no result sheet. Log: {result.log_html}[/red]")
        return
    rows = sheets.read_rows(result_sheet)
    counts = Counter(r["Resultat"] for r in rows)
    console.print("archive_cases: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    created = [r["Saksnummer"] for r in rows if r["Resultat"] == "Opprettet"]
    if created:
        console.print(f"Cases created: {', '.join(created)}", soft_wrap=True)
    rejected = [r for r in rows if r["Resultat"] in ("Avvist", "Feilet")]
    if rejected:
        table = Table("Rad", "Id", "Resultat", "Årsak", title="Not created")
        for r in rejected:
            table.add_row(str(r["Rad"]), r["Id"], r["Resultat"], r["Årsak"] or "")
        console.print(table)


def _print_items(console: Console, result: RunResult, store: WorkItemStore) -> None:
    """One line per item the run handled (from its listener records): id, state, case number or reason."""
    events = result.output_dir / "items.jsonl"
    records = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()] if events.exists() else []
    keys = list(dict.fromkeys(r["key"] for r in records if r.get("kind") == "item"))
    items = store.by_keys(result.robot, keys)
    table = Table("Id", "Tilstand", "Saks-/dokumentnummer eller årsak", title=f"{result.robot} ({result.status.value})")
    for key in keys:
        item = items[key]
        detail = (item.result.get("document_number") or item.result.get("case_number") if item.state == State.DONE
                  else item.reason_text)
        table.add_row(key, STATES.get(item.state, item.state), detail or "")
    console.print(table)
