"""The control room: a server-rendered FastAPI + Jinja2 app in Norwegian for archive staff
(schedules, runs, the manual queue), managers (gevinst, read-only) and admins (users, settings,
the audit trail, alerts).

Every route names the roles it allows; every form carries a CSRF token; every change leaves one row
in the audit trail; sessions are signed cookies that hold the user id, role and session epoch (and,
after single sign-on, the provider's ID token for its log-out)."""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from saksrobot.audit import Action, AuditLog
from saksrobot.errors import SaksrobotError
from saksrobot.gevinst import parse_period
from saksrobot.gevinst.export import FORMATS, export, file_name
from saksrobot.gevinst.html import report_fragment
from saksrobot.intake.folder import NotAFile, read_regular, reason_file_of
from saksrobot.privacy import mask
from saksrobot.runner import RobotBusy, known_robots, lock
from saksrobot.scheduler import InvalidSchedule, SchedulerService, ScheduleSpec, parse_spec, upcoming
from saksrobot.scheduler.store import schedule_facts
from saksrobot.scheduler.triggers import TZ
from saksrobot.settings import Settings
from saksrobot.web import alert_pages, audit_page, oidc, pages
from saksrobot.web.security import (
    ADMINS,
    EVERYONE,
    OPERATORS,
    LoginRequired,
    LoginThrottle,
    SecurityHeaders,
    check_csrf,
    csrf_token,
    current_user,
    local_target,
    start_session,
)
from saksrobot.web.users import Role, User, UserError, UserStore, user_facts
from saksrobot.workitems import NoSuchItem, State, WorkItemStore

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
COOKIE = "saksrobot_okt"


class ControlRoom:
    """The routes, over one settings object, one database and the running scheduler service. Pages
    are plain functions (FastAPI runs them in its thread pool: a slow database holds up no one
    else); form posts are async only to read the form, and do little database work."""

    def __init__(self, settings: Settings, engine: Engine, service: SchedulerService) -> None:
        self.settings, self.engine, self.service = settings, engine, service
        self.users = UserStore(engine)
        self.items = WorkItemStore(engine)
        self.audit = AuditLog(engine)
        self.throttle = LoginThrottle(settings.web.login_attempts, settings.web.login_window_minutes * 60)
        self.templates = Jinja2Templates(directory=HERE / "templates")
        self.templates.env.filters["tid"] = lambda m: "" if m is None else f"{pages.oslo(m):%d.%m.%Y %H:%M}"
        self.templates.env.filters["robot"] = settings.robot_title  # the robot's name for staff
        self.templates.env.filters["timer"] = lambda hours: f"{hours:.1f}".replace(".", ",")
        self.templates.env.filters["mask"] = lambda text: mask(str(text or ""))
        self.templates.env.globals["Role"] = Role

    # --- helpers --------------------------------------------------------------------------------

    def guard(self, request: Request, roles: frozenset[Role]) -> User:
        return current_user(request, self.users, roles)

    def page(self, request: Request, template: str, user: User | None, status: int = 200, **context: Any) -> Response:
        # the live refresh of a page (static/live.js) shows no messages: they wait for the next page
        flash = [] if request.headers.get("X-Levende") else request.session.pop("flash", [])
        return self.templates.TemplateResponse(
            request, template, {"user": user, "csrf": csrf_token(request), "flash": flash, "path": request.url.path,
                                "workers_mode": self.settings.runner.mode == "workers", **context},
            status_code=status)

    @staticmethod
    def back(request: Request, target: str, message: str | None = None, kind: str = "ok") -> RedirectResponse:
        if message:
            # assigned, not appended in place: Starlette saves only a session marked as modified
            request.session["flash"] = [*request.session.get("flash", []), {"kind": kind, "text": message}]
        return RedirectResponse(target, status_code=303)

    async def form(self, request: Request) -> dict[str, str]:
        await check_csrf(request)
        return {k: str(v) for k, v in (await request.form()).items()}

    # --- log in / out ---------------------------------------------------------------------------

    def login_form(self, request: Request, neste: str = "/") -> Response:
        return self.page(request, "login.html", None, neste=local_target(neste))

    async def login(self, request: Request) -> Response:
        form = await self.form(request)
        username, password = form.get("username", "").strip().lower(), form.get("password", "")
        target = local_target(form.get("neste", "/"))
        address = f"ip:{request.client.host if request.client else '-'}"
        keys = (f"user:{username}", address)
        if wait := self.throttle.attempt(*keys):
            minutes = int(wait // 60) + 1
            return self.page(request, "login.html", None, status=429, neste=target, username=username,
                             error=f"For mange mislykkede innlogginger. Prøv igjen om {minutes} min.")
        user = await run_in_threadpool(self.users.authenticate, username, password)
        if user is None:
            log.info("Failed log-in from %s", address)  # not the name typed: it may be a password or an fnr
            known = self.users.named(username)  # the audit names only a user that exists
            self.audit.record(known.username if known else "ukjent bruker", Action.LOGIN_FAILED,
                              ("user", known.username if known else "-"))
            return self.page(request, "login.html", None, status=401, neste=target, username=username,
                             error="Feil brukernavn eller passord.")
        self.throttle.succeeded(*keys)
        self.audit.record(user.username, Action.LOGIN, ("user", user.username))
        start_session(request, user)
        return RedirectResponse(target, status_code=303)

    async def logout(self, request: Request) -> Response:
        await check_csrf(request)
        user_id = request.session.get("user_id")
        if isinstance(user_id, int) and (user := self.users.get(user_id)) is not None:
            self.users.end_sessions(user.username)  # a copy of the cookie is worthless from now on
            self.audit.record(user.username, Action.LOGOUT, ("user", user.username))
        provider = await oidc.logged_out(request)  # after single sign-on: on to the provider's log-out too
        request.session.clear()
        return provider or RedirectResponse("/logg-inn", status_code=303)

    # --- Oversikt -------------------------------------------------------------------------------

    def overview(self, request: Request) -> Response:
        user = self.guard(request, EVERYONE)
        day = datetime.now(TZ).date()
        today = pages.today(self.engine, day)
        upcoming_runs = sorted(((self.service.next_run(s.id), s) for s in self.service.store.all() if s.enabled),
                               key=lambda pair: (pair[0] is None, pair[0] or datetime.max.replace(tzinfo=TZ)))
        return self.page(request, "overview.html", user, today=today, day=day, upcoming=upcoming_runs[:8], live=30)

    # --- Roboter og tidsplaner ------------------------------------------------------------------

    def _from(self, fra: str | None) -> datetime:
        try:
            if fra:
                return datetime.combine(date.fromisoformat(fra), datetime.min.time(), tzinfo=TZ)
        except ValueError:
            pass
        return datetime.now(TZ)

    def robots(self, request: Request, fra: str | None = None) -> Response:
        user = self.guard(request, EVERYONE)
        start = self._from(fra)
        schedules = [(s, ScheduleSpec.of(s)) for s in self.service.store.all()]
        plans = {s.id: upcoming(spec, self.service.calendar, start) for s, spec in schedules}
        running = lock.running(self.engine)
        robots = known_robots(self.settings)
        return self.page(request, "robots.html", user, robots=robots, schedules=schedules, plans=plans, start=start,
                         fra=fra or "", running=running,
                         descriptions={robot: self.settings.robot(robot).description for robot in robots})

    def _schedule_form(self, request: Request, user: User, schedule_id: int | None, values: dict[str, Any],
                       problems: list[str] | None = None, status: int = 200,
                       invalid: frozenset[str] = frozenset()) -> Response:
        preview, warning, described = [], None, None
        try:
            spec = parse_spec(known_robots(self.settings), **values)
            preview = upcoming(spec, self.service.calendar, datetime.now(TZ))
            warning, described = spec.dst_warning(), spec.describe()
        except InvalidSchedule:
            pass
        return self.page(request, "schedule_form.html", user, status=status, schedule_id=schedule_id, values=values,
                         problems=problems or [], robots=known_robots(self.settings), preview=preview,
                         warning=warning, described=described, invalid=invalid)

    def new_schedule_form(self, request: Request, robot: str = "") -> Response:
        user = self.guard(request, OPERATORS)
        s = self.settings.scheduler
        values = {"robot": robot, "days": "hverdager", "times": "07:00", "cron": "", "follow_calendar": True,
                  "enabled": True, "misfire_grace_minutes": s.misfire_grace_minutes,
                  "max_run_minutes": s.max_run_minutes}
        return self._schedule_form(request, user, None, values)

    @staticmethod
    def _values(form: dict[str, str]) -> dict[str, Any]:
        return {"robot": form.get("robot", ""), "days": form.get("days", ""), "times": form.get("times", ""),
                "cron": form.get("cron", ""), "follow_calendar": form.get("follow_calendar") == "on",
                "enabled": form.get("enabled") == "on",
                "misfire_grace_minutes": form.get("misfire_grace_minutes", "0"),
                "max_run_minutes": form.get("max_run_minutes", "0")}

    async def save_schedule(self, request: Request, schedule_id: int | None = None) -> Response:
        user = self.guard(request, OPERATORS)
        values = self._values(await self.form(request))
        try:
            spec = parse_spec(known_robots(self.settings), **values)
        except InvalidSchedule as exc:
            return self._schedule_form(request, user, schedule_id, values, exc.problems, status=422,
                                       invalid=exc.fields)
        store = self.service.store
        before = None if schedule_id is None else schedule_facts(store.get(schedule_id))
        saved = (store.create(spec, user.username) if schedule_id is None
                 else store.update(schedule_id, spec, user.username))
        self.audit.record(user.username, Action.SCHEDULE_CREATE if before is None else Action.SCHEDULE_UPDATE,
                          ("schedule", saved.id), before=before, after=schedule_facts(saved))
        self.service.sync()
        message = f"Tidsplanen for {saved.robot} er lagret: {spec.describe()}."
        if warning := spec.dst_warning():
            message += f" Merk: {warning}"
        return self.back(request, "/roboter", message, "advarsel" if spec.dst_warning() else "ok")

    def edit_schedule_form(self, request: Request, schedule_id: int) -> Response:
        user = self.guard(request, OPERATORS)
        schedule = self.service.store.get(schedule_id)
        spec = ScheduleSpec.of(schedule)
        values = {**spec.model_dump(), "days": spec.days_text(), "times": spec.times_text(), "cron": spec.cron or ""}
        return self._schedule_form(request, user, schedule_id, values)

    async def update_schedule(self, request: Request, schedule_id: int) -> Response:
        return await self.save_schedule(request, schedule_id)

    async def pause(self, request: Request, schedule_id: int) -> Response:
        return await self._enable(request, schedule_id, False)

    async def resume(self, request: Request, schedule_id: int) -> Response:
        return await self._enable(request, schedule_id, True)

    async def _enable(self, request: Request, schedule_id: int, enabled: bool) -> Response:
        user = self.guard(request, OPERATORS)
        await check_csrf(request)
        before = schedule_facts(self.service.store.get(schedule_id))
        schedule = self.service.store.set_enabled(schedule_id, enabled, user.username)
        self.audit.record(user.username, Action.SCHEDULE_RESUME if enabled else Action.SCHEDULE_PAUSE,
                          ("schedule", schedule_id), before=before, after=schedule_facts(schedule))
        self.service.sync()
        return self.back(request, "/roboter", f"Tidsplanen for {schedule.robot} er "
                                              f"{'satt i gang igjen' if enabled else 'satt på pause'}.")

    async def delete_schedule(self, request: Request, schedule_id: int) -> Response:
        user = self.guard(request, OPERATORS)
        await check_csrf(request)
        before = schedule_facts(self.service.store.get(schedule_id))
        self.service.store.delete(schedule_id)
        self.audit.record(user.username, Action.SCHEDULE_DELETE, ("schedule", schedule_id), before=before)
        self.service.sync()
        return self.back(request, "/roboter", "Tidsplanen er slettet.")

    async def run_now(self, request: Request, robot: str) -> Response:
        user = self.guard(request, OPERATORS)
        await check_csrf(request)
        try:
            self.service.run_now(robot, user.username)
        except RobotBusy as busy:
            message = (f"{self.settings.robot_title(robot)} kjører allerede. Vent til kjøringen er ferdig."
                       if type(busy) is RobotBusy else f"{busy}.")  # waits in the workers' queue already
            return self.back(request, "/kjoringer", message, "feil")
        except ValueError:
            raise HTTPException(404, "Ukjent robot") from None
        self.audit.record(user.username, Action.RUN_START, ("robot", robot), after={"startet_av": "kjør nå"})
        if self.settings.runner.mode == "workers":
            return self.back(request, "/kjoringer", f"{self.settings.robot_title(robot)} er lagt i kø og startes av "
                                                    "en ledig arbeider.")
        return self.back(request, "/kjoringer", f"{self.settings.robot_title(robot)} er startet. Siden viser "
                                                "kjøringen når den er i gang.")

    # --- Kjøringer ------------------------------------------------------------------------------

    def runs(self, request: Request, robot: str | None = None) -> Response:
        user = self.guard(request, EVERYONE)
        rows = pages.runs(self.engine, robot=robot or None)
        running = bool(lock.running(self.engine))
        return self.page(request, "runs.html", user, runs=rows, robot=robot or "", robots=known_robots(self.settings),
                         running=running, live=5 if running else 30)

    async def stop_run(self, request: Request, run_id: str) -> Response:
        """Stopp kjøringen: its runner, on whatever machine, ends the robot within seconds."""
        user = self.guard(request, OPERATORS)
        await check_csrf(request)
        from saksrobot.runner import NotRunning, request_stop

        try:
            run = request_stop(self.engine, run_id, user.username)
        except NotRunning as exc:
            return self.back(request, f"/kjoringer/{quote(run_id)}", str(exc), "feil")
        self.audit.record(user.username, Action.RUN_STOP, ("run", run_id), after={"robot": run.robot})
        return self.back(request, f"/kjoringer/{quote(run_id)}", f"{self.settings.robot_title(run.robot)} stoppes nå. "
                                                                  "Pågående oppgave gis tilbake til roboten.")

    def workers(self, request: Request) -> Response:
        user = self.guard(request, EVERYONE)
        from saksrobot.workers.model import worker_state, workers_with_runs

        stalled = timedelta(seconds=self.settings.runner.stalled_seconds)
        rows = [(w, worker_state(w, stalled), runs) for w, runs in workers_with_runs(self.engine)]
        return self.page(request, "workers.html", user, workers=rows, mode=self.settings.runner.mode)

    def run_page(self, request: Request, run_id: str) -> Response:
        """A run in Norwegian: its status, tasks and each item's outcome and reason."""
        user = self.guard(request, EVERYONE)
        detail = pages.run_detail(self.engine, run_id)
        if detail is None:
            raise HTTPException(404, "Ingen slik kjøring")
        return self.page(request, "run.html", user, detail=detail, run=detail.row)

    def run_file(self, request: Request, run_id: str, name: str) -> Response:
        """A file of a run's output folder: log.html, and what it links to (report.html, screenshots)."""
        self.guard(request, EVERYONE)
        run = pages.run(self.engine, run_id)
        logs = self.settings.path(self.settings.logs_dir).resolve()
        folder = Path(run.output_dir).resolve() if run and run.output_dir else None
        file = (folder / name).resolve() if folder and "\x00" not in name else None
        if (file is None or not folder.is_relative_to(logs) or not file.is_relative_to(folder)
                or not file.is_file()):
            raise HTTPException(404, "Kjøringen har ingen slik fil (ennå)")
        # Robot Framework's pages need their own scripts; sandboxed, they cannot reach our session
        return FileResponse(file, headers={"Content-Security-Policy": "sandbox allow-scripts allow-popups"})

    # --- Manuell behandling ---------------------------------------------------------------------

    def manual(self, request: Request, prosess: str | None = None) -> Response:
        user = self.guard(request, EVERYONE)
        items = self.items.find(prosess or None, [State.MANUAL], 500)
        files = user.role in OPERATORS  # the senders' files are for those who handle the items
        links = {item.id: [(text, href) for text, href in pages.item_links(self.settings, item)
                           if files or not href.startswith("/manuell/")] for item in items}
        return self.page(request, "manual.html", user, items=items, links=links, prosess=prosess or "",
                         robots=known_robots(self.settings))

    def item_file(self, request: Request, item_id: int, kind: str) -> Response:
        """An item's file (``fil``), its invoice as PDF (``pdf``) or its reason file (``arsak``), for
        the staff who handle items, as a download: the file is the sender's (never shown inline, never
        followed through a link), and it may hold personal data the pages mask."""
        self.guard(request, OPERATORS)
        try:
            item = self.items.get(item_id)
        except NoSuchItem:
            raise HTTPException(404, "Ingen slik oppgave") from None
        file = pages.item_file(item)
        if file is None or kind not in ("fil", "pdf", "arsak"):
            raise HTTPException(404, "Filen finnes ikke lenger i mappen (inbox, processed/ eller rejected/)")
        if kind == "arsak":
            file = reason_file_of(file)
        try:
            data = read_regular(file, self.settings.invoices.max_bytes)
        except (NotAFile, OSError):
            raise HTTPException(404, "Filen finnes ikke, eller er ikke en vanlig fil") from None
        name = mask(file.name) if kind != "pdf" else f"{mask(file.stem)}.pdf"
        if kind == "pdf":
            from saksrobot.invoices import InvoiceRejected, parse_ehf
            from saksrobot.processes.invoices import invoice_pdf

            try:
                data = invoice_pdf(parse_ehf(data, max_bytes=self.settings.invoices.max_bytes))
            except InvoiceRejected as exc:
                raise HTTPException(404, f"Ingen PDF: {exc}") from None
        media = {"pdf": "application/pdf", "arsak": "text/plain; charset=utf-8"}.get(kind, "application/octet-stream")
        return Response(data, media_type=media, headers={
            "Content-Security-Policy": "sandbox", "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    def _manual_list(self, form: dict[str, str]) -> str:
        """The manual list the staff member acted from, filtered as it was (its robot, if any)."""
        robot = form.get("prosess", "")
        return f"/manuell?prosess={quote(robot)}" if robot in known_robots(self.settings) else "/manuell"

    async def resolve(self, request: Request, item_id: int) -> Response:
        user = self.guard(request, OPERATORS)
        form = await self.form(request)
        back = self._manual_list(form)
        note = form.get("note", "").strip() or None
        try:
            item = self.items.resolve(item_id, user.username, note)
        except (NoSuchItem, SaksrobotError) as exc:
            return self.back(request, back, str(exc), "feil")
        self.audit.record(user.username, Action.ITEM_RESOLVE, ("item", item.id), before={"status": State.MANUAL},
                          after={"status": item.state, "notat": bool(note)})  # the note may name people: not kept
        return self.back(request, back, f"{self.settings.robot_title(item.process)} {item.key} er merket som "
                                        "behandlet.")

    async def requeue(self, request: Request, item_id: int) -> Response:
        user = self.guard(request, OPERATORS)
        back = self._manual_list(await self.form(request))
        try:
            item = self.items.requeue(item_id)
        except (NoSuchItem, SaksrobotError) as exc:
            return self.back(request, back, str(exc), "feil")
        self.audit.record(user.username, Action.ITEM_REQUEUE, ("item", item.id), before={"status": State.MANUAL},
                          after={"status": item.state})
        return self.back(request, back, f"{self.settings.robot_title(item.process)} {item.key} er sendt tilbake "
                                        "til roboten og tas ved neste kjøring.")

    # --- Gevinst --------------------------------------------------------------------------------

    def _gevinst_report(self, periode: str, robot: str) -> tuple[date, Any, Any, str | None]:
        """(today, headline, report, problem) of the Gevinst page's choices; an unknown period is
        shown as a problem (with this year's report)."""
        day = datetime.now(TZ).date()
        try:
            period = parse_period(periode or f"{day:%Y}")
            problem = None
        except SaksrobotError as exc:
            period, problem = parse_period(f"{day:%Y}"), f"Ukjent periode «{periode}»: {exc.message}"
        robot = robot if robot in self._report_robots() else ""
        headline, report = pages.gevinst(self.settings, self.engine, day, period, robot or None)
        return day, headline, report, problem

    def _report_robots(self) -> list[str]:
        return sorted(set(known_robots(self.settings)) | set(self.settings.gevinst.baselines))

    def gevinst(self, request: Request, periode: str = "", robot: str = "") -> Response:
        user = self.guard(request, EVERYONE)
        day, headline, report, problem = self._gevinst_report(periode, robot)
        downloads = [(fmt.upper(), "/gevinst/last-ned?" + urlencode(
            {"periode": report.period.label, "robot": report.robot or "", "format": fmt}))
            for fmt in ("xlsx", "csv", "html")]
        return self.page(request, "gevinst.html", user, status=422 if problem else 200, headline=headline,
                         report=report, total=report.views[0].total, fragment=report_fragment(report),
                         plan=pages.plan_status(report, day), problem=problem, periode=periode or report.period.label,
                         robot=report.robot or "", robots=self._report_robots(), downloads=downloads)

    def gevinst_file(self, request: Request, periode: str = "", robot: str = "", format: str = "xlsx") -> Response:  # noqa: A002
        """The report of the Gevinst page's choices as the file ``saksrobot report --format`` writes."""
        self.guard(request, EVERYONE)
        _, _, report, problem = self._gevinst_report(periode, robot)
        if problem or format not in FORMATS:
            raise HTTPException(404, problem or f"Ukjent format «{format}»")
        return Response(export(report, format), media_type=FORMATS[format], headers={
            "Content-Disposition": f'attachment; filename="{file_name(report, format)}"'})

    # --- Brukere og innstillinger (admin) -------------------------------------------------------

    def users_page(self, request: Request) -> Response:
        user = self.guard(request, ADMINS)
        return self.page(request, "users.html", user, users=self.users.all(), roles=list(Role))

    async def add_user(self, request: Request) -> Response:
        admin = self.guard(request, ADMINS)
        form = await self.form(request)
        try:
            added = await run_in_threadpool(self.users.add, form.get("username", ""), form.get("password", ""),
                                            Role(form.get("role", "")), form.get("name", ""), form.get("email", ""))
        except (SaksrobotError, ValueError) as exc:
            return self.back(request, "/brukere", str(exc) if isinstance(exc, SaksrobotError) else "Ukjent rolle",
                             "feil")
        self.audit.record(admin.username, Action.USER_CREATE, ("user", added.username),
                          after=user_facts(added))
        return self.back(request, "/brukere", f"Brukeren {added.username} er lagt til.")

    async def change_user(self, request: Request, username: str) -> Response:
        admin = self.guard(request, ADMINS)
        form = await self.form(request)
        if username.strip().lower() == admin.username and ("role" in form or "active" in form):  # (lower case)
            return self.back(request, "/brukere", "Du kan ikke endre din egen rolle eller deaktivere deg selv.", "feil")
        before = self.users.named(username)
        try:
            if before is None:
                raise UserError(f"Ingen bruker {username}")
            if role := form.get("role"):
                after, action = self.users.set_role(username, Role(role)), Action.USER_ROLE
            elif "active" in form:
                after, action = self.users.set_active(username, form["active"] == "1"), Action.USER_ACTIVE
            elif "email" in form:
                after, action = self.users.set_email(username, form["email"]), Action.USER_EMAIL
            else:
                raise UserError("Ingen endring valgt")
        except (SaksrobotError, ValueError) as exc:
            return self.back(request, "/brukere", str(exc) if isinstance(exc, SaksrobotError) else "Ukjent rolle",
                             "feil")
        self.audit.record(admin.username, action, ("user", after.username), before=user_facts(before),
                          after=user_facts(after))
        return self.back(request, "/brukere", f"Brukeren {username} er endret.")

    def settings_page(self, request: Request) -> Response:
        user = self.guard(request, ADMINS)
        return self.page(request, "settings.html", user, settings=self.settings.redacted(), sections=pages.SECTIONS,
                         keys=pages.KEYS)

    # --- app ------------------------------------------------------------------------------------

    def routes(self, app: FastAPI) -> None:
        get, post = ("GET",), ("POST",)
        for path, handler, methods in [
            ("/logg-inn", self.login_form, ("GET", "HEAD")), ("/logg-inn", self.login, post),
            ("/logg-ut", self.logout, post),
            ("/", self.overview, get),
            ("/roboter", self.robots, get), ("/roboter/{robot}/kjor", self.run_now, post),
            ("/tidsplaner/ny", self.new_schedule_form, get), ("/tidsplaner/ny", self.save_schedule, post),
            ("/tidsplaner/{schedule_id}", self.edit_schedule_form, get),
            ("/tidsplaner/{schedule_id}", self.update_schedule, post),
            ("/tidsplaner/{schedule_id}/pause", self.pause, post),
            ("/tidsplaner/{schedule_id}/fortsett", self.resume, post),
            ("/tidsplaner/{schedule_id}/slett", self.delete_schedule, post),
            ("/kjoringer", self.runs, get), ("/kjoringer/{run_id}", self.run_page, get),
            ("/kjoringer/{run_id}/stopp", self.stop_run, post),
            ("/kjoringer/{run_id}/{name:path}", self.run_file, get),
            ("/arbeidere", self.workers, get),
            ("/manuell", self.manual, get), ("/manuell/{item_id}/behandlet", self.resolve, post),
            ("/manuell/{item_id}/prov-igjen", self.requeue, post),
            ("/manuell/{item_id}/{kind}", self.item_file, get),
            ("/gevinst", self.gevinst, get), ("/gevinst/last-ned", self.gevinst_file, get),
            ("/brukere", self.users_page, get), ("/brukere", self.add_user, post),
            ("/brukere/{username}", self.change_user, post),
            ("/innstillinger", self.settings_page, get),
        ]:
            app.add_api_route(path, handler, methods=list(methods), response_class=HTMLResponse)


def create_app(settings: Settings, engine: Engine, service: SchedulerService) -> FastAPI:
    """The control-room app. The session secret comes from ``web.session_secret``; without one a
    random secret is made (sessions then end when the service restarts)."""
    room = ControlRoom(settings, engine, service)
    app = FastAPI(title="saksrobot kontrollrom", docs_url=None, redoc_url=None, openapi_url=None)
    room.routes(app)
    audit_page.add_routes(app, room)
    oidc.add_routes(app, room)
    alert_pages.add_routes(app, room)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    secret = settings.web.session_secret
    if secret is None:
        log.warning("No web.session_secret set: a random one is used; sessions end when the service restarts")
    app.add_middleware(SecurityHeaders)
    app.add_middleware(SessionMiddleware, secret_key=secret.get_secret_value() if secret else secrets.token_hex(32),
                       session_cookie=COOKIE, max_age=settings.web.session_minutes * 60, same_site="lax",
                       https_only=settings.web.https_only)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _: LoginRequired) -> Response:
        target = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(f"/logg-inn?{urlencode({'neste': target})}", status_code=303)

    def error_page(request: Request, status: int, message: str) -> Response:
        return room.templates.TemplateResponse(request, "error.html", {"user": None, "message": message,
                                                                        "status": status, "flash": [],
                                                                        "path": request.url.path},
                                               status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def _error(request: Request, exc: StarletteHTTPException) -> Response:
        known = {404: "Siden finnes ikke.", 405: "Denne handlingen finnes ikke her."}
        message = exc.detail if isinstance(exc, HTTPException) else known.get(exc.status_code, "Noe gikk galt.")
        return error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, _: RequestValidationError) -> Response:
        return error_page(request, 404, "Siden finnes ikke (ugyldig adresse).")

    @app.exception_handler(SaksrobotError)
    async def _business(request: Request, exc: SaksrobotError) -> Response:
        return error_page(request, 404, str(exc))

    app.state.room = room
    return app
