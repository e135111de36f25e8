"""The ``saksrobot`` command. Settings are loaded here, once, and passed in."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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
user_app = typer.Typer(help="Users of the control room (saksrobot serve).", no_args_is_help=True)
schedule_app = typer.Typer(help="When robots run: list, add, edit, pause, resume, remove, next.", no_args_is_help=True)
runs_app = typer.Typer(help="Runs of robots (as in the control room's Kjøringer).", no_args_is_help=True)
workers_app = typer.Typer(help="Workers that run robots from the job queue (runner.mode = \"workers\").",
                          no_args_is_help=True)
db_app = typer.Typer(help="saksrobot's database: upgrade its schema, show its revision and the migrations.",
                     no_args_is_help=True)
app.add_typer(config_app, name="config")
app.add_typer(queue_app, name="queue")
app.add_typer(report_app, name="report")
app.add_typer(browser_app, name="browser")
app.add_typer(new_app, name="new")
app.add_typer(user_app, name="user")
app.add_typer(schedule_app, name="schedule")
app.add_typer(runs_app, name="runs")
app.add_typer(db_app, name="db")
app.add_typer(workers_app, name="workers")
audit_app = typer.Typer(help="The audit trail (revisjonslogg): who changed what, when.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
invoices_app = typer.Typer(help="The invoice robot's validation (Peppol BIS Billing 3).", no_args_is_help=True)
app.add_typer(invoices_app, name="invoices")
alerts_app = typer.Typer(help="E-mail alerts (docs/alerts.md): check the rules now, send a test mail.",
                         no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")
console = Console()


@contextmanager
def _errors_shown(*also: type[Exception]) -> Iterator[None]:
    """A saksrobot error (its message is written for the user) in red, exit code 2; no traceback."""
    try:
        yield
    except (SaksrobotError, *also) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def _settings() -> Settings:
    with _errors_shown():
        return load_settings()


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
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Read the systems and the input, decide every item, write nothing (dry-run.jsonl)")] = False,
    queue: Annotated[bool, typer.Option(
        "--queue", help="Put the run in the job queue for a worker (runner.mode = \"workers\") and return")] = False,
) -> None:
    """Run one robot once. Output goes to logs/<robot>/<time>-<run id>/; exit code 1 on failure."""
    settings = _settings()
    variables = dict(v.split(":", 1) for v in variable)
    from saksrobot.runner import RobotBusy, lock, robot_path

    with _errors_shown():
        name = robot_path(settings, robot).stem
    if queue:
        from saksrobot.workers.queue import defer_run

        with _errors_shown():
            if dry_run:
                raise typer.BadParameter("--queue and --dry-run: a dry run runs here, at once")
            job = defer_run(settings, name, "kommandolinje (kø)", timeout, variables=variables)
        _audit(_engine(settings), "run_start", ("robot", name), after={"startet_av": "kommandolinje (kø)", "jobb": job})
        console.print(f"{robot} er lagt i kø (jobb {job}, kø {settings.robot(robot).queue})")
        return
    from saksrobot.runner import run_robot

    with _errors_shown():
        engine = _engine(settings)
        if not dry_run and name in lock.running(engine):
            raise RobotBusy(f"{name} kjører allerede")
        _audit(engine, "run_start", ("robot", name),
               after={"startet_av": "tørrkjøring" if dry_run else "kommandolinje"})
        result = run_robot(settings, robot, variables=variables, timeout=timeout, dry_run=dry_run)
    console.print(f"{result.status.value}: {result.log_html}", soft_wrap=True)
    if dry_run:
        _print_dry_run(result.output_dir / "dry-run.jsonl")
    raise typer.Exit(0 if result.succeeded else 1)


@app.command()
def worker(
    queues: Annotated[list[str], typer.Option("--queues", "-q", help="Queues (capabilities) served; none: all")] = [],  # noqa: B006
    concurrency: Annotated[int, typer.Option(min=1, help="Runs at the same time on this machine")] = 1,
    name: Annotated[str | None, typer.Option(help="This worker's name (default: host-pid)")] = None,
) -> None:
    """Run robots from the job queue until stopped (Ctrl+C or SIGTERM let the running robots finish)."""
    from saksrobot.workers.service import serve_worker

    settings = _settings()
    with _errors_shown():
        serve_worker(settings, _engine(settings), queues=[q for v in queues for q in v.split(",") if q] or None,
                     concurrency=concurrency, name=name)


@workers_app.command("list")
def workers_list() -> None:
    """The workers: name, host, queues, last heartbeat, state and the runs on it now."""
    from datetime import timedelta

    from saksrobot.web.pages import oslo
    from saksrobot.workers.model import worker_state, workers_with_runs

    settings = _settings()
    stalled = timedelta(seconds=settings.runner.stalled_seconds)
    table = Table("Navn", "Maskin", "Køer", "Samtidige", "Sist sett", "Tilstand", "Kjører nå")
    for row, runs in workers_with_runs(_engine(settings)):
        table.add_row(row.name, row.host, ", ".join(row.queues) or "alle", str(row.concurrency),
                      f"{oslo(row.heartbeat_at):%d.%m.%Y %H:%M:%S}", worker_state(row, stalled),
                      ", ".join(f"{r.robot} ({r.id})" for r in runs))
    console.print(table, soft_wrap=True)


def _print_dry_run(plan: Path) -> None:
    """What a dry run would have done, item by item."""
    records = [json.loads(line) for line in plan.read_text(encoding="utf-8").splitlines()] if plan.exists() else []
    table = Table("Nøkkel", "Ville blitt", "Årsak", "Ville gjort", title=f"Tørrkjøring: {len(records)} oppgaver")
    names = {"done": "ferdig", "manual": "til manuell behandling", "retry": "prøvd igjen", "failed": "feilet"}
    for record in records:
        nothing = "(ingenting: fantes fra før)" if record["outcome"] == "done" else ""
        table.add_row(record["key"], names.get(record["outcome"], record["outcome"]), record["reason"] or "",
                      "\n".join(record["would"]) or nothing)
    console.print(table)
    console.print(f"Ingenting er skrevet. Detaljer: {plan}", soft_wrap=True)


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

    with _errors_shown():
        console.print(browser.install())


@app.command()
def docs(output: Annotated[Path, typer.Option(help="Folder for the HTML files")] = Path("docs/keywords")) -> None:
    """Write libdoc HTML for every keyword library."""
    from robot.libdoc import libdoc

    from saksrobot import keywords

    output.mkdir(parents=True, exist_ok=True)
    arguments = {"WorkItemsLibrary": "::process=example",  # libraries that need import arguments
                 "FolderIntakeLibrary": "::var/eksempel"}
    for name in keywords.__all__:
        target = output / f"{name}.html"
        libdoc(f"saksrobot.keywords.{name}{arguments.get(name, '')}", str(target), quiet=True)
        console.print(str(target))


@new_app.command("robot")
def new_robot(name: Annotated[str, typer.Argument(help="snake_case name, e.g. building_permits")]) -> None:
    """Scaffold a working folder-fed robot: robots/<name>.robot (producer and consumer tasks, the
    handler in Robot Framework), sample files in robots/data/<name>/, a gevinst baseline to paste
    into config/local.toml, and an acceptance test tests/acceptance/<name>.robot that passes as made."""
    from saksrobot.scaffold import scaffold

    if not name.isidentifier() or name != name.lower():
        console.print("[red]The name must be snake_case (letters, digits, _).[/red]")
        raise typer.Exit(2)
    try:
        made = scaffold(_settings().home, name)
    except FileExistsError as exists:
        console.print(f"[red]{exists} exists already.[/red]")
        raise typer.Exit(2) from None
    for path in (made.robot, made.samples, made.baseline, made.test):
        console.print(f"Created {path}", soft_wrap=True)
    console.print(f"\nTry it:   saksrobot run {name} --dry-run\nTest it:  .venv/bin/python -m robot --outputdir "
                  f"logs/test tests/acceptance/{name}.robot\nRun it:   saksrobot run {name}\n"
                  f"Baseline for saksrobot report (paste into config/local.toml):\n", soft_wrap=True)
    sys.stdout.write(made.baseline.read_text(encoding="utf-8"))


def _engine(settings: Settings):  # noqa: ANN202 - import kept lazy for a fast --help
    """saksrobot's database, its schema checked (an outdated one stops the command, naming `db upgrade`)."""
    from saksrobot.database import make_engine

    with _errors_shown():
        return make_engine(settings.sqlite_ready(settings.database.url))


def _store(settings: Settings):  # noqa: ANN202 - import kept lazy for a fast --help
    from saksrobot.workitems import WorkItemStore

    return WorkItemStore(_engine(settings))


def _audit(engine, action: str, target: tuple[str, object], before: dict | None = None,  # noqa: ANN001
           after: dict | None = None) -> None:
    """One row in the audit trail for a change made here (on the engine the command opened), by the
    operating-system user who ran it."""
    from saksrobot.audit import AuditLog, cli_actor

    AuditLog(engine).record(cli_actor(), action, target, before=before, after=after)




def _print_items(items: list) -> None:
    from saksrobot.web.pages import oslo

    table = Table("Id", "Prosess", "Nøkkel", "Status", "Forsøk", "Årsak", "Behandlet", "Resultat", "Endret")
    for i in items:
        handled = f"{i.resolved_by}: {i.resolution_note or '(ingen merknad)'}" if i.resolved_by else ""
        result = ", ".join(f"{k}={v}" for k, v in (i.result or {}).items())
        table.add_row(str(i.id), i.process, i.key, i.state, str(i.attempts), i.reason_text or "", handled, result,
                      f"{oslo(i.updated_at):%d.%m.%Y %H:%M}")
    console.print(table)


@queue_app.command("list")
def queue_list(
    process: Annotated[str | None, typer.Option(help="Only this process, e.g. archive_cases")] = None,
    state: Annotated[list[str], typer.Option(help="pending, in_progress, done, manual, failed, resolved")] = [],  # noqa: B006
    limit: Annotated[int, typer.Option(help="At most this many, newest first")] = 50,
) -> None:
    """List work items, newest first. `--state manual` is what archive staff must handle."""
    from saksrobot.workitems import State

    with _errors_shown(ValueError):
        states = [State(s) for s in state]
    _print_items(_store(_settings()).find(process, states, limit))


def _item_command(audited: str, action, item_id: int, *args, **facts: object) -> None:  # noqa: ANN001
    """Do ``action`` (a bound store method) to an item, show it, and record it in the audit trail."""
    settings = _settings()
    with _errors_shown():
        store = _store(settings)
        before = store.get(item_id).state
        item = getattr(store, action)(item_id, *args)
        _audit(store.engine, audited, ("item", item_id), before={"status": before},
               after={"status": item.state, **facts})
        _print_items([item])


@queue_app.command("new-key")
def queue_new_key() -> None:
    """Print a new key for workitems.encryption_key, which seals the personal fields of work items.
    Keep it in the secrets folder (file workitems__encryption_key) or the environment
    (SAKSROBOT_WORKITEMS__ENCRYPTION_KEY), never in config/; items sealed with a lost key cannot be opened."""
    from saksrobot.workitems.sealed import new_key

    print(new_key())


@queue_app.command("show")
def queue_show(item_id: int) -> None:
    """Show one work item (never its payload, which may hold personal data)."""
    with _errors_shown():
        _print_items([_store(_settings()).get(item_id)])


@queue_app.command("retry")
def queue_retry(item_id: int) -> None:
    """Send a failed item back to the robot with a fresh count of attempts."""
    _item_command("item_retry", "retry_failed", item_id)


@queue_app.command("requeue")
def queue_requeue(item_id: int) -> None:
    """Send a manual (or failed) item back to the robot, e.g. after the source data was fixed."""
    _item_command("item_requeue", "requeue", item_id)


@queue_app.command("resolve")
def queue_resolve(
    item_id: int,
    by: Annotated[str, typer.Option(help="Who handled it (name or user id)")],
    note: Annotated[str | None, typer.Option(help="What was done, e.g. the case number made by hand")] = None,
) -> None:
    """Mark a manual item as handled by hand, recording who and when."""
    _item_command("item_resolve", "resolve", item_id, by, note, behandlet_av=by, notat=bool(note))


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

    from saksrobot.gevinst import build_report, parse_period, plan_of
    from saksrobot.gevinst.report import render_table

    settings = _settings()
    with _errors_shown():
        chosen = parse_period(period or f"{datetime.now(ZoneInfo('Europe/Oslo')):%Y}")
        plan = plan_of(settings)
    if output is not None and fmt is ReportFormat.TABLE:
        console.print("[red]--output is for --format csv, xlsx, html or json[/red]")
        raise typer.Exit(2)
    known = set(settings.gevinst.baselines) | {entry.process for entry in plan.plan}
    if robot and robot not in known:
        console.print(f"[yellow]{robot} has no baseline or plan (known: {', '.join(sorted(known))})[/yellow]")
    result = build_report(_engine(settings), settings.gevinst, plan, chosen, robot, titles=settings.robot_titles())
    if fmt is ReportFormat.TABLE:
        render_table(result, console)
        return
    from saksrobot.gevinst.export import export, file_name

    data = export(result, fmt.value)  # the file the control room's Gevinst page downloads too
    if output is None and fmt is not ReportFormat.XLSX:
        sys.stdout.write(data.decode("utf-8-sig"))
        return
    target = output or Path(file_name(result, fmt.value))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    console.print(f"Wrote {target}")


@report_app.command("summary")
def report_summary(
    period: Annotated[str, typer.Option(help="2026, 2026-T1, 2026-Q2, 2026-05 or 2026-01-01..2026-03-31")],
    robot: Annotated[str | None, typer.Option(help="Only this robot (process)")] = None,
) -> None:
    """Hours saved per robot for a period (Europe/Oslo time), from the gevinst log."""
    from saksrobot.gevinst import parse_period, summarize

    settings = _settings()
    with _errors_shown():
        chosen = parse_period(period)
    table = Table("Robot", "Saker", "Til manuell behandling", "Feilet", "Timer spart",
                  title=f"Gevinst {chosen.label} ({chosen.start:%d.%m.%Y}–{chosen.end:%d.%m.%Y}, ekskl. siste dato)")
    for line in summarize(_engine(settings), chosen, robot):
        table.add_row(line.process, str(line.items_done), str(line.handed_over), str(line.failed),
                      f"{line.hours_saved:.2f}".replace(".", ","))
    console.print(table)




@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default: web.host)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: web.port, 8400)")] = None,
) -> None:
    """Start the scheduler and the control room (dashboard) for archive staff; Ctrl+C stops both."""
    from saksrobot.privacy import install_log_mask
    from saksrobot.web import serve as serve_forever

    settings = _settings()
    install_log_mask(settings.logging.level)
    with _errors_shown():
        serve_forever(settings, host, port)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Log-in name, e.g. kari.nordmann")],
    role: Annotated[str, typer.Option(help="operator (archive staff), manager (read-only) or admin")] = "operator",
    name: Annotated[str, typer.Option(help="Display name")] = "",
    email: Annotated[str, typer.Option(help="E-mail address for alerts")] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin")] = False,
) -> None:
    """Add a user. The password is asked for (twice), or read from stdin; it is stored as an Argon2id hash."""
    from saksrobot.web.users import Role, UserStore, user_facts

    if role not in {r.value for r in Role}:
        console.print("[red]role must be operator, manager or admin[/red]")
        raise typer.Exit(2)
    chosen = Role(role)
    password = (sys.stdin.readline().rstrip("\n") if password_stdin
                else typer.prompt("Passord", hide_input=True, confirmation_prompt=True))
    settings = _settings()
    with _errors_shown():
        users = UserStore(_engine(settings))
        user = users.add(username, password, chosen, name, email)
    _audit(users.engine, "user_create", ("user", user.username), after=user_facts(user))
    console.print(f"Added {user.username} ({user.role})")


@user_app.command("list")
def user_list() -> None:
    """List users, their roles and last log-in (never passwords)."""
    from saksrobot.web.pages import oslo
    from saksrobot.web.users import UserStore

    table = Table("Brukernavn", "Navn", "Rolle", "Aktiv", "Sist innlogget")
    for u in UserStore(_engine(_settings())).all():
        table.add_row(u.username, u.name, u.role, "ja" if u.active else "nei",
                      f"{oslo(u.last_login_at):%d.%m.%Y %H:%M}" if u.last_login_at else "")
    console.print(table)


@user_app.command("passwd")
def user_passwd(username: str) -> None:
    """Set a new password for a user."""
    from saksrobot.web.users import UserStore

    password = typer.prompt("Nytt passord", hide_input=True, confirmation_prompt=True)
    settings = _settings()
    with _errors_shown():
        users = UserStore(_engine(settings))
        user = users.set_password(username, password)
    _audit(users.engine, "user_password", ("user", user.username))
    console.print(f"Password of {username} changed")


@user_app.command("rename")
def user_rename(username: str, new_name: str) -> None:
    """Give a user another user name (e.g. a local user whose name a single sign-on account needs,
    docs/control-room.md); their sessions end."""
    from saksrobot.web.users import UserStore

    settings = _settings()
    with _errors_shown():
        users = UserStore(_engine(settings))
        user = users.rename(username, new_name)
    _audit(users.engine, "user_rename", ("user", user.username), before={"brukernavn": username.strip().lower()},
           after={"brukernavn": user.username})
    console.print(f"{username} heter nå {user.username}")


@user_app.command("set")
def user_set(
    username: str,
    role: Annotated[str | None, typer.Option(help="operator, manager or admin")] = None,
    active: Annotated[bool | None, typer.Option("--active/--disabled", help="Allow or stop log-in")] = None,
    email: Annotated[str | None, typer.Option(help="E-mail address for alerts ('' removes it)")] = None,
) -> None:
    """Change a user's role or e-mail address, or disable/enable them (one audit row for the change)."""
    from saksrobot.web.users import Role, UserError, UserStore, user_facts

    settings = _settings()
    users = UserStore(_engine(settings))
    with _errors_shown(ValueError):
        before = users.named(username)
        if before is None:
            raise UserError(f"Ingen bruker {username}")
        for action, change, value in (("user_role", users.set_role, role), ("user_active", users.set_active, active),
                                      ("user_email", users.set_email, email)):
            if value is not None:  # one row per change, as it is made
                after = change(username, Role(value) if action == "user_role" else value)
                _audit(users.engine, action, ("user", after.username), before=user_facts(before),
                       after=user_facts(after))
                before = after
    console.print(f"{username} changed")


def _schedules():  # noqa: ANN202
    from saksrobot.scheduler import ScheduleStore

    settings = _settings()
    return settings, ScheduleStore(_engine(settings))


def _print_schedules(schedules: list) -> None:
    from saksrobot.scheduler import ScheduleSpec

    table = Table("Nr.", "Robot", "Når", "Aktiv", "Ta igjen (min)", "Maks (min)", "Endret av")
    for s in schedules:
        spec = ScheduleSpec.of(s)
        warning = spec.dst_warning()
        table.add_row(str(s.id), s.robot, spec.describe() + (f"\n[yellow]{warning}[/yellow]" if warning else ""),
                      "ja" if s.enabled else "pause", str(s.misfire_grace_minutes), str(s.max_run_minutes),
                      s.updated_by)
    console.print(table)


@schedule_app.command("list")
def schedule_list() -> None:
    """List schedules."""
    _print_schedules(_schedules()[1].all())


def _given(days: str | None, times: str | None, cron: str | None, all_days: bool | None, grace: int | None,
           max_minutes: int | None) -> dict:
    """The schedule fields given on the command line (an empty --cron clears the expression)."""
    fields = {"days": days, "times": times, "cron": cron, "misfire_grace_minutes": grace,
              "max_run_minutes": max_minutes, "follow_calendar": None if all_days is None else not all_days}
    return {name: value for name, value in fields.items() if value is not None}


DaysOption = Annotated[str | None, typer.Option(help="hverdager, man-fre, 'man, ons, fre', alle dager")]
TimesOption = Annotated[str | None, typer.Option(help="Oslo time(s), e.g. '07:00' or '07:00, 13:00'")]
CronOption = Annotated[str | None, typer.Option(help="Cron expression (5 fields), replaces --days/--times")]
AllDaysOption = Annotated[bool | None, typer.Option("--all-days/--follow-calendar",
                                                    help="Run on public holidays and closed days too, or not")]
GraceOption = Annotated[int | None, typer.Option("--grace", help="Catch up a missed run up to this many minutes late")]
MaxOption = Annotated[int | None, typer.Option("--max-minutes", help="Stop a run after this many minutes")]
ByOption = Annotated[str, typer.Option(help="Who makes the change")]


@schedule_app.command("add")
def schedule_add(robot: str, days: DaysOption = None, times: TimesOption = None, cron: CronOption = None,
                 all_days: AllDaysOption = None, grace: GraceOption = None, max_minutes: MaxOption = None,
                 by: ByOption = "kommandolinje") -> None:
    """Add a schedule, e.g. `schedule add archive_cases --days hverdager --times 07:00` (the
    defaults: weekdays at 07:00, not on holidays). A running `saksrobot serve` picks it up within
    scheduler.sync_seconds."""
    from saksrobot.runner import known_robots
    from saksrobot.scheduler import parse_spec

    settings, store = _schedules()
    defaults = {"robot": robot, "misfire_grace_minutes": settings.scheduler.misfire_grace_minutes,
                "max_run_minutes": settings.scheduler.max_run_minutes}
    with _errors_shown():
        spec = parse_spec(known_robots(settings), **defaults | _given(days, times, cron, all_days, grace,
                                                                     max_minutes))
    saved = store.create(spec, by)
    from saksrobot.scheduler.store import schedule_facts

    _audit(store.engine, "schedule_create", ("schedule", saved.id), after=schedule_facts(saved))
    _print_schedules([saved])


@schedule_app.command("edit")
def schedule_edit(schedule_id: int, days: DaysOption = None, times: TimesOption = None, cron: CronOption = None,
                  all_days: AllDaysOption = None, grace: GraceOption = None, max_minutes: MaxOption = None,
                  by: ByOption = "kommandolinje") -> None:
    """Change what is given of a schedule's days, times, cron, calendar and limits; the rest stays."""
    from saksrobot.runner import known_robots
    from saksrobot.scheduler import ScheduleSpec, parse_spec

    settings, store = _schedules()
    with _errors_shown():
        from saksrobot.scheduler.store import schedule_facts

        old = store.get(schedule_id)
        current = ScheduleSpec.of(old).model_dump()
        spec = parse_spec(known_robots(settings), **current | _given(days, times, cron, all_days, grace,
                                                                    max_minutes))
        before, saved = schedule_facts(old), store.update(schedule_id, spec, by)
        _audit(store.engine, "schedule_update", ("schedule", schedule_id), before=before, after=schedule_facts(saved))
        _print_schedules([saved])


def _set_enabled(schedule_id: int, enabled: bool, by: str) -> None:
    from saksrobot.scheduler.store import schedule_facts

    settings, store = _schedules()
    with _errors_shown():
        before = schedule_facts(store.get(schedule_id))
        saved = store.set_enabled(schedule_id, enabled, by)
    _audit(store.engine, "schedule_resume" if enabled else "schedule_pause", ("schedule", schedule_id), before=before,
           after=schedule_facts(saved))
    _print_schedules([saved])


@schedule_app.command("pause")
def schedule_pause(schedule_id: int, by: Annotated[str, typer.Option()] = "kommandolinje") -> None:
    """Pause a schedule (runs missed while paused are not caught up)."""
    _set_enabled(schedule_id, False, by)


@schedule_app.command("resume")
def schedule_resume(schedule_id: int, by: Annotated[str, typer.Option()] = "kommandolinje") -> None:
    """Resume a paused schedule."""
    _set_enabled(schedule_id, True, by)


@schedule_app.command("remove")
def schedule_remove(schedule_id: int) -> None:
    """Delete a schedule."""
    from saksrobot.scheduler.store import schedule_facts

    settings, store = _schedules()
    with _errors_shown():
        before = schedule_facts(store.get(schedule_id))
        store.delete(schedule_id)
    _audit(store.engine, "schedule_delete", ("schedule", schedule_id), before=before)
    console.print(f"Schedule {schedule_id} removed")


@schedule_app.command("next")
def schedule_next(
    schedule_id: int,
    start: Annotated[str | None, typer.Option("--from", help="Start date YYYY-MM-DD (default: now)")] = None,
    count: Annotated[int, typer.Option(help="How many runs")] = 5,
) -> None:
    """The next run times of a schedule, with skipped holidays and closed days shown."""
    from datetime import date, datetime

    from saksrobot.scheduler import ScheduleSpec, WorkCalendar, upcoming
    from saksrobot.scheduler.triggers import TZ

    settings, store = _schedules()
    with _errors_shown(ValueError):
        schedule = store.get(schedule_id)
        begin = (datetime.combine(date.fromisoformat(start), datetime.min.time(), tzinfo=TZ) if start
                 else datetime.now(TZ))
    for run_at in upcoming(ScheduleSpec.of(schedule), WorkCalendar.of(settings), begin, count):
        line = f"{run_at.at:%a %d.%m.%Y %H:%M}"
        console.print(f"[strike]{line}[/strike] hoppes over: {run_at.skipped}" if run_at.skipped else line)


@runs_app.command("list")
def runs_list(
    robot: Annotated[str | None, typer.Option(help="Only this robot")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first")] = 30,
) -> None:
    """Runs with status, counts, duration and the path of their log.html."""
    from saksrobot.web.pages import runs

    table = Table("Start", "Robot", "Status", "Resultat", "Varighet", "Startet av", "Arbeider", "Logg")
    for row in runs(_engine(_settings()), robot=robot, limit=limit):
        table.add_row(f"{row.started:%d.%m.%Y %H:%M}", row.robot, row.status_text, row.result,
                      row.duration, row.started_by, row.worker, row.log_html)
    console.print(table, soft_wrap=True)


@runs_app.command("stop")
def runs_stop(run_id: str) -> None:
    """Stop a running run (on whatever machine it runs: its runner ends the robot within seconds);
    its item in progress goes back to the robot."""
    from saksrobot.runner import NotRunning, request_stop

    settings = _settings()
    with _errors_shown(NotRunning):
        from saksrobot.audit import cli_actor

        engine = _engine(settings)
        run = request_stop(engine, run_id, cli_actor())
    _audit(engine, "run_stop", ("run", run_id), after={"robot": run.robot})
    console.print(f"{run.robot}: kjøring {run_id} stoppes")


def _plain_engine(settings: Settings):  # noqa: ANN202 - an engine whose schema is not checked (nor created)
    from saksrobot.database import engine_for

    return engine_for(settings.sqlite_ready(settings.database.url))


@audit_app.command("list")
def audit_list(
    person: Annotated[str, typer.Option(help="Only this actor (user name, tidsplan, kommandolinje (...))")] = "",
    object_type: Annotated[str, typer.Option(
        "--object", help="schedule, robot, run, item, user, alert, database")] = "",
    object_id: Annotated[str, typer.Option("--id", help="Only this object, e.g. a schedule number")] = "",
    since: Annotated[str, typer.Option("--from", help="From this day (YYYY-MM-DD, Oslo)")] = "",
    until: Annotated[str, typer.Option("--to", help="To and including this day")] = "",
    limit: Annotated[int, typer.Option(help="At most this many, newest first")] = 50,
    csv: Annotated[bool, typer.Option("--csv", help="As CSV (semicolons) on stdout")] = False,
) -> None:
    """The audit trail, newest first: every change by a person, the command line or the scheduler."""
    from datetime import date

    from saksrobot.audit import ACTIONS, AuditLog, Filter
    from saksrobot.audit.log import to_csv
    from saksrobot.web.pages import oslo

    with _errors_shown(ValueError):
        for day in (since, until):
            if day:
                date.fromisoformat(day)  # a day that is not one is an error here, not "every day"
    events = AuditLog(_engine(_settings())).find(Filter.of(person, object_type, object_id, since, until, limit))
    if csv:
        sys.stdout.write(to_csv(events, lambda moment: f"{oslo(moment):%Y-%m-%d %H:%M:%S}"))
        return
    table = Table("Tidspunkt", "Hvem", "Handling", "Objekt", "Før", "Etter")
    for e in events:
        table.add_row(f"{oslo(e.at):%d.%m.%Y %H:%M:%S}", e.actor, ACTIONS.get(e.action, e.action),
                      f"{e.object_type} {e.object_id}", e.before or "", e.after or "")
    console.print(table, soft_wrap=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the database to this release's schema, in one transaction, keeping every row; then
    the schemas of the libraries that keep tables beside ours (APScheduler's job store). A database
    of release 0.1.0 is recognised and recorded as the baseline. Back the database up first."""
    from saksrobot.database.schema import upgrade

    settings = _settings()
    engine = _plain_engine(settings)
    with _errors_shown():
        result = upgrade(engine)
    before = result.before.revision or {"empty": "empty database", "legacy": "0.1.0 (before migrations)"}.get(
        result.before.status, "")
    if result.before.revision == result.after.revision:
        console.print(f"Schema revision {result.after.revision}: up to date")
    else:
        console.print(f"Schema upgraded: {before} -> {result.after.revision}")
        _audit(engine, "database_upgrade", ("database", "saksrobot"), before={"revisjon": before},
               after={"revisjon": result.after.revision})
    for step in result.steps:
        console.print(step)


@db_app.command("current")
def db_current() -> None:
    """Show the database's schema revision and whether this release can use it (exit 1 if not)."""
    from saksrobot.database.schema import state

    settings = _settings()
    found = state(_plain_engine(settings))
    console.print(f"Database: {settings.redacted()['database']['url']}", soft_wrap=True)
    console.print(f"Revision: {found.revision or '-'} ({found.status.value}); this release: {found.head}")
    problem = found.problem()
    if problem:
        console.print(f"[yellow]{problem}[/yellow]")
        raise typer.Exit(1)


@db_app.command("history")
def db_history() -> None:
    """List the migrations, oldest first."""
    from saksrobot.database.schema import history

    table = Table("Revisjon", "Endring")
    for revision, message in history():
        table.add_row(revision, message.splitlines()[0])
    console.print(table)


@db_app.command("revision")
def db_revision(message: Annotated[str, typer.Argument(help="What the change does, e.g. 'run heartbeats'")]) -> None:
    """For saksrobot's developers: write the next migration from how the models differ from the
    newest revision. Read it, complete it (data changes), and add its upgrade test."""
    from saksrobot.database.schema import new_revision

    console.print(f"Wrote {new_revision(message)}", soft_wrap=True)


@invoices_app.command("rules")
def invoices_rules() -> None:
    """Show the validation in use: the official release (invoices.validation_artefacts) and how many
    rules it holds, or that saksrobot's own checks are used (invoices.validation = "builtin").
    Exit 2 when the release is not set, missing or unreadable (the invoice robot would not start)."""
    from saksrobot.invoices.rules import BUILTIN_RULES, OWN_RULES
    from saksrobot.invoices.validation import Official, open_validation

    settings = _settings()
    with _errors_shown():
        validation = open_validation(settings)
    console.print(f"Validering: {validation.name}", soft_wrap=True)
    if isinstance(validation, Official):
        rules = validation.rules
        console.print(f"Mappe: {rules.folder}", soft_wrap=True)
        console.print(f"Regler: {len(rules.rules)} ({rules.count('fatal')} avvisende, {rules.count('warning')} "
                      f"advarsler), og saksrobots egne: {', '.join(OWN_RULES)}")
    else:
        console.print(f"[yellow]Bare saksrobots egne regler: {len(BUILTIN_RULES)} av de offisielle, og "
                      f"{', '.join(OWN_RULES)}. Sett invoices.validation = \"official\" og "
                      f"invoices.validation_artefacts for full validering.[/yellow]", soft_wrap=True)



@alerts_app.command("check")
def alerts_check() -> None:
    """One alert pass now (what `saksrobot serve` does every alerts.check_seconds): mails what the rules
    find, grouped as configured. Exit 1 when a mail could not be sent."""
    from saksrobot.alerts import AlertService

    settings = _settings()
    if not settings.alerts.enabled:
        console.print("[yellow]alerts.enabled is false: `saksrobot serve` sends no alerts; checked anyway.[/yellow]")
    with _errors_shown():
        report = AlertService(settings, _engine(settings)).check()
    for headline in report.sent:
        console.print(f"Sendt: {headline}", soft_wrap=True)
    console.print(f"{len(report.sent)} sendt, {report.held} holdt tilbake (gruppering), {report.unaddressed} uten "
                  f"mottaker, {report.failed} ikke sendt")
    raise typer.Exit(1 if report.failed else 0)


@alerts_app.command("test")
def alerts_test(address: Annotated[str, typer.Argument(help="Where to send the test mail")]) -> None:
    """Send a test mail through the alerts.smtp_* settings (STARTTLS, log-in), to check them."""
    from saksrobot.alerts.mailer import probe_message, send

    settings = _settings()
    with _errors_shown():
        send(settings, probe_message(settings, address))
    console.print(f"Testvarsel sendt til {address} via {settings.alerts.smtp_host}:{settings.alerts.smtp_port}")

def main() -> None:  # pragma: no cover - console entry for `python -m saksrobot`
    app(prog_name="saksrobot")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
