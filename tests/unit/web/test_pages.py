"""What the control room's pages do: run now (and "runs already"), resolve and send back manual items,
the schedule form with Norwegian problems, pause and resume, the calendar preview, run logs only from
the logs folder, and no secret or fødselsnummer on any page."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session
from webroom import ROBOT, Room, hold_robot, release_robot

from saksrobot.gevinst import GevinstLog
from saksrobot.runner import Run
from saksrobot.settings import load_settings
from saksrobot.web import pages
from saksrobot.workitems import State, utcnow

FNR = "03851598730"  # a synthetic (Tenor) fødselsnummer with valid check digits
MASKED = "*" * 11
TITLE = load_settings().robot_title(ROBOT)  # what staff see: the robot's Norwegian name
SCHEDULE = {"robot": ROBOT, "days": "hverdager", "times": "07:00", "follow_calendar": "on", "enabled": "on",
            "misfire_grace_minutes": "60", "max_run_minutes": "120"}


def post(room: Room, client, url: str, **form: str):
    """POST a form with the session's token (fetching it shows a page, which takes waiting messages)."""
    return client.post(url, data={"csrf_token": room.token(client), **form})


def add_run(room: Room, run_id: str, output_dir: str | Path, **summary: str) -> None:
    with Session(room.engine) as s:
        s.add(Run(id=run_id, robot=ROBOT, status="succeeded", started_at=utcnow(), finished_at=utcnow(),
                  return_code=0, output_dir=str(output_dir), summary={"started_by": "ola", **summary}))
        s.commit()


def log_folder(base: Path, name: str) -> Path:
    folder = base / name
    folder.mkdir(parents=True)
    (folder / "log.html").write_text("<html><body><script>robot()</script>Robot Framework log</body></html>")
    return folder


# --- run now ---------------------------------------------------------------------------------------

def test_run_now_starts_the_robot_and_says_so(room):
    operator = room.as_user("ola")
    response = post(room, operator, f"/roboter/{ROBOT}/kjor")
    assert response.status_code == 303 and response.headers["location"] == "/kjoringer"
    assert room.runner.called.wait(5), "the runner was not called"
    [call] = room.runner.calls
    assert call["robot"] == ROBOT and call["started_by"] == "ola (kjør nå)"
    assert call["timeout"] == room.settings.scheduler.max_run_minutes * 60
    page = operator.get("/kjoringer").text
    assert f'<p class="melding ok" role="status">{TITLE} er startet.' in page
    assert "er startet" not in operator.get("/kjoringer").text  # a flash is shown once


def test_run_now_while_the_robot_runs_says_it_runs_already(room):
    operator = room.as_user("ola")
    hold_robot(room.engine)
    try:
        assert "status-running" in operator.get("/roboter").text
        assert 'id="levende" class="levende" data-seconds="5"' in operator.get("/kjoringer").text  # live, pausable
        response = post(room, operator, f"/roboter/{ROBOT}/kjor")
        assert response.status_code == 303 and response.headers["location"] == "/kjoringer"
        page = operator.get("/kjoringer").text
        assert f'<p class="melding feil" role="status">{TITLE} kjører allerede. Vent til kjøringen er ferdig.' in page
    finally:
        release_robot(room.engine)
    assert not room.runner.called.wait(0.3)
    assert room.runner.calls == []


def test_run_now_of_an_unknown_robot_is_404(room):
    operator = room.as_user("ola")
    response = post(room, operator, "/roboter/ukjent_robot/kjor")
    assert response.status_code == 404 and "Ukjent robot" in response.text
    assert room.runner.calls == []


# --- manual queue ----------------------------------------------------------------------------------

def test_resolve_records_who_and_what(room):
    item = room.manual_item()
    operator = room.as_user("ola")
    assert f'data-item="{item.id}"' in operator.get("/manuell").text
    response = post(room, operator, f"/manuell/{item.id}/behandlet", note="  Sak 26/00012 opprettet for hånd ")
    assert response.status_code == 303 and response.headers["location"] == "/manuell"
    resolved = room.items.get(item.id)
    assert resolved.state == State.RESOLVED and resolved.resolved_by == "ola"
    assert resolved.resolution_note == "Sak 26/00012 opprettet for hånd" and resolved.finished_at is not None
    assert resolved.reason_text == "Fant ikke kontaktpersonen i arkivet"  # the robot's reason, kept
    page = operator.get("/manuell").text
    assert f"{TITLE} REQ-1 er merket som behandlet." in page
    assert f'data-item="{item.id}"' not in page and "Ingenting venter på manuell behandling." in page


def test_resolve_without_a_note_keeps_the_reason(room):
    item = room.manual_item(reason="Fant ikke kontaktpersonen")
    admin = room.as_user("ada")
    post(room, admin, f"/manuell/{item.id}/behandlet", note="  ")
    resolved = room.items.get(item.id)
    assert (resolved.state, resolved.resolved_by, resolved.reason_text) == (State.RESOLVED, "ada",
                                                                           "Fant ikke kontaktpersonen")


def test_after_an_action_the_manual_list_stays_filtered_by_its_robot(room):
    first, second = room.manual_item(key="REQ-1"), room.manual_item(key="REQ-2")
    operator = room.as_user("ola")
    for url in (f"/manuell/{first.id}/behandlet", f"/manuell/{second.id}/prov-igjen"):
        response = post(room, operator, url, prosess=ROBOT)
        assert response.status_code == 303 and response.headers["location"] == f"/manuell?prosess={ROBOT}"
    response = post(room, operator, "/manuell/9999/behandlet", prosess="../../logg-ut")  # not a robot: the list
    assert response.headers["location"] == "/manuell"


def test_requeue_sends_the_item_back_to_the_robot(room):
    item = room.manual_item()
    operator = room.as_user("ola")
    response = post(room, operator, f"/manuell/{item.id}/prov-igjen")
    assert response.status_code == 303 and response.headers["location"] == "/manuell"
    requeued = room.items.get(item.id)
    assert requeued.state == State.PENDING and requeued.attempts == 0 and requeued.finished_at is None
    assert "REQ-1 er sendt tilbake til roboten og tas ved neste kjøring." in operator.get("/manuell").text


def test_an_item_handled_twice_gives_an_error_message_not_a_crash(room):
    item = room.manual_item()
    operator = room.as_user("ola")
    post(room, operator, f"/manuell/{item.id}/behandlet")
    for url in (f"/manuell/{item.id}/behandlet", f"/manuell/{item.id}/prov-igjen", "/manuell/9999/behandlet"):
        response = post(room, operator, url)
        assert response.status_code == 303
        assert '<p class="melding feil"' in operator.get("/manuell").text
    assert room.items.get(item.id).state == State.RESOLVED and room.items.get(item.id).resolved_by == "ola"


def test_messages_of_several_actions_are_all_shown(room):
    """Two actions before the next page (a redirect not followed, two tabs): neither message is lost."""
    first, second = room.manual_item(key="REQ-1"), room.manual_item(key="REQ-2")
    operator = room.as_user("ola")
    token = room.token(operator)  # once: every page shown takes the messages waiting
    for url in (f"/manuell/{first.id}/behandlet", f"/manuell/{first.id}/behandlet",  # the second: an error
                f"/manuell/{second.id}/prov-igjen"):
        assert operator.post(url, data={"csrf_token": token}).status_code == 303
    page = operator.get("/manuell").text
    shown = page[page.index("<main"):page.index("<h1>")]
    assert shown.count('class="melding ok"') == 2 and shown.count('class="melding feil"') == 1
    assert shown.index("REQ-1 er merket som behandlet") < shown.index("melding feil") < shown.index("REQ-2 er sendt")
    assert 'class="melding' not in operator.get("/manuell").text  # each shown once


def test_the_manual_page_filters_by_robot(room):
    room.manual_item(key="REQ-1")
    room.manual_item(key="INV-1", process="invoices")
    manager = room.as_user("mona")
    page = manager.get("/manuell", params={"prosess": "invoices"}).text
    assert 'data-key="INV-1"' in page and 'data-key="REQ-1"' not in page
    assert 'data-key="INV-1"' in manager.get("/manuell").text and 'data-key="REQ-1"' in manager.get("/manuell").text


# --- schedules -------------------------------------------------------------------------------------

def test_a_new_schedule_is_saved_and_scheduled(room):
    operator = room.as_user("ola")
    form = operator.get("/tidsplaner/ny", params={"robot": ROBOT}).text
    assert f'<option value="{ROBOT}" selected>' in form and 'value="hverdager"' in form
    response = post(room, operator, "/tidsplaner/ny", **SCHEDULE)
    assert response.status_code == 303 and response.headers["location"] == "/roboter"
    [schedule] = room.service.store.all()
    assert (schedule.robot, schedule.days, schedule.times, schedule.updated_by) == (ROBOT, "mon,tue,wed,thu,fri",
                                                                                   "07:00", "ola")
    assert room.service.next_run(schedule.id) is not None
    page = operator.get("/roboter").text
    assert (f"Tidsplanen for {ROBOT} er lagret: hverdager kl. 07:00, ikke på helligdager og stengte dager."
            in page)
    assert f'id="tidsplan-{schedule.id}"' in page


def test_a_time_in_the_spring_gap_is_saved_with_a_warning(room):
    operator = room.as_user("ola")
    post(room, operator, "/tidsplaner/ny", **{**SCHEDULE, "times": "02:30"})
    page = operator.get("/roboter").text
    assert '<p class="melding advarsel"' in page and "Kl. 02:30 finnes ikke natten sommertid begynner" in page


@pytest.mark.parametrize(("fields", "problems"), [
    ({"days": "blah", "times": "25:00"},
     ["Ukjent dag «blah» (bruk man, tir, ons, tor, fre, lør, søn)",
      "«25:00» er ikke et klokkeslett (skriv TT:MM, f.eks. 07:00)"]),
    ({"times": ""}, ["Skriv minst ett klokkeslett (TT:MM)"]),
    ({"misfire_grace_minutes": "-5", "max_run_minutes": "mange"},
     ["Ta igjen kjøringer (minutter): må være et helt tall fra 0 til 1440",
      "Lengste kjøretid (minutter): må være et helt tall fra 1 til 1440"]),
    ({"robot": "ukjent_robot"}, ["Ukjent robot «ukjent_robot» (kjente: "]),
    ({"cron": "* * *"}, ["Ugyldig cron-uttrykk"]),
])
def test_a_bad_schedule_is_refused_with_norwegian_problems(room, fields, problems):
    operator = room.as_user("ola")
    response = post(room, operator, "/tidsplaner/ny", **{**SCHEDULE, **fields})
    assert response.status_code == 422
    assert "Tidsplanen er ikke lagret:" in response.text
    for name in fields:  # each field in error is marked, and tied to the list of problems
        marked = f'id="{name}" name="{name}"[^>]* aria-invalid="true" aria-describedby="[^"]*feil"'
        assert re.search(marked, response.text), name
    for problem in problems:
        assert f"<li>{problem}" in response.text
    for value in fields.values():  # what was typed is kept in the form
        if value and "robot" not in fields:
            assert f'value="{value}"' in response.text
    assert room.service.store.all() == []
    assert room.service.scheduler.get_jobs(jobstore="default") == []


def test_a_bad_change_leaves_the_schedule_as_it_was(room):
    schedule_id = room.schedule()
    operator = room.as_user("ola")
    assert 'id="days" name="days" value="hverdager"' in operator.get(f"/tidsplaner/{schedule_id}").text
    response = post(room, operator, f"/tidsplaner/{schedule_id}", **{**SCHEDULE, "times": "7"})
    assert response.status_code == 422 and "«7» er ikke et klokkeslett" in response.text
    assert f'action="/tidsplaner/{schedule_id}"' in response.text
    stored = room.service.store.get(schedule_id)
    assert (stored.times, stored.version) == ("07:00", 1)


@pytest.mark.parametrize(("days", "shown"), [("hverdager", "hverdager"), ("ons, man, lør", "man, ons, lør"),
                                             ("alle dager", "alle"), ("fre-man", "man, fre, lør, søn")])
def test_the_edit_form_shows_the_days_in_norwegian_and_saves_them_unchanged(room, days, shown):
    schedule_id = room.schedule(days=days, times="13:30, 07:00")
    operator = room.as_user("ola")
    form = operator.get(f"/tidsplaner/{schedule_id}").text
    assert f'id="days" name="days" value="{shown}"' in form and 'name="times" value="07:00, 13:30"' in form
    before = room.service.store.get(schedule_id)
    post(room, operator, f"/tidsplaner/{schedule_id}", **{**SCHEDULE, "days": shown, "times": "07:00, 13:30"})
    after = room.service.store.get(schedule_id)
    assert (after.days, after.times, after.version) == (before.days, before.times, 2)


def test_a_change_is_saved_and_rescheduled(room):
    schedule_id = room.schedule()
    operator = room.as_user("ola")
    post(room, operator, f"/tidsplaner/{schedule_id}", **{**SCHEDULE, "days": "man, ons", "times": "06:30"})
    stored = room.service.store.get(schedule_id)
    assert (stored.days, stored.times, stored.version, stored.updated_by) == ("mon,wed", "06:30", 2, "ola")
    next_run = room.service.next_run(schedule_id)
    assert next_run.weekday() in (0, 2) and (next_run.hour, next_run.minute) == (6, 30)


def test_pause_and_resume(room):
    schedule_id = room.schedule()
    assert room.service.next_run(schedule_id) is not None
    operator = room.as_user("ola")
    response = post(room, operator, f"/tidsplaner/{schedule_id}/pause")
    assert response.status_code == 303 and response.headers["location"] == "/roboter"
    assert not room.service.store.get(schedule_id).enabled
    assert room.service.next_run(schedule_id) is None
    page = operator.get("/roboter").text
    assert f"Tidsplanen for {ROBOT} er satt på pause." in page and "<strong>Pause</strong>" in page
    assert f'action="/tidsplaner/{schedule_id}/fortsett"' in page

    post(room, operator, f"/tidsplaner/{schedule_id}/fortsett")
    assert room.service.store.get(schedule_id).enabled
    assert room.service.next_run(schedule_id) is not None
    assert f"Tidsplanen for {ROBOT} er satt i gang igjen." in operator.get("/roboter").text


def test_delete_removes_the_schedule_and_its_job(room):
    schedule_id, other = room.schedule(), room.schedule(times="13:00")
    operator = room.as_user("ola")
    post(room, operator, f"/tidsplaner/{schedule_id}/slett")
    assert [s.id for s in room.service.store.all()] == [other]
    assert room.service.next_run(schedule_id) is None and room.service.next_run(other) is not None
    assert "Tidsplanen er slettet." in operator.get("/roboter").text
    missing = post(room, operator, f"/tidsplaner/{schedule_id}/slett")
    assert missing.status_code == 404 and f"Ingen tidsplan med nummer {schedule_id}" in missing.text
    assert operator.get(f"/tidsplaner/{schedule_id}").status_code == 404


def test_the_plan_shows_17_may_as_skipped(room):
    schedule_id = room.schedule()
    manager = room.as_user("mona")
    page = manager.get("/roboter", params={"fra": "2027-05-14"}).text
    assert "Neste kjøringer (fra 14.05.2027)" in page
    assert '<li class="hoppet-over" title="Hoppes over">17.05.2027 07:00 – ' in page
    row = page[page.index(f'id="tidsplan-{schedule_id}"'):]
    plan = row[:row.index("</ul>")]
    assert plan.index("14.05.2027 07:00") < plan.index("17.05.2027 07:00") < plan.index("18.05.2027 07:00")
    assert "<li>18.05.2027 07:00</li>" in plan and "<li>14.05.2027 07:00</li>" in plan
    assert manager.get("/roboter", params={"fra": "ikke-en-dato"}).status_code == 200


def test_the_form_previews_the_plan(room):
    operator = room.as_user("ola")
    page = operator.get("/tidsplaner/ny", params={"robot": ROBOT}).text
    assert "Slik blir det" in page and "hverdager kl. 07:00" in page and page.count("<li>") >= 5


# --- run logs --------------------------------------------------------------------------------------

def test_a_run_log_inside_the_logs_folder_is_served_sandboxed(room):
    logs = room.settings.path(room.settings.logs_dir)
    add_run(room, "inside", log_folder(logs / ROBOT, "20270514-070000-inside"))
    response = room.as_user("mona").get("/kjoringer/inside/log.html")
    assert response.status_code == 200 and "Robot Framework log" in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == "sandbox allow-scripts allow-popups"
    assert response.headers["x-frame-options"] == "DENY"


def test_run_logs_outside_the_logs_folder_are_not_served(room):
    logs = room.settings.path(room.settings.logs_dir)
    logs.mkdir(parents=True, exist_ok=True)
    outside = log_folder(room.tmp_path, "elsewhere")
    add_run(room, "outside", outside)
    add_run(room, "dotdot", f"{logs}/../elsewhere")
    (logs / "link").symlink_to(outside, target_is_directory=True)
    add_run(room, "symlink", logs / "link")
    add_run(room, "relative", "elsewhere")  # relative to the working directory, not the logs folder
    add_run(room, "none", "")
    add_run(room, "nolog", logs / "empty")
    (logs / "empty").mkdir()
    client = room.as_user("ola")
    for run_id in ("outside", "dotdot", "symlink", "relative", "none", "nolog", "no-such-run"):
        response = client.get(f"/kjoringer/{run_id}/log.html")
        assert response.status_code == 404, run_id
        assert "Robot Framework log" not in response.text
        assert "Kjøringen har ingen slik fil (ennå)" in response.text


def test_files_the_log_links_to_are_served_but_nothing_outside_the_run_folder(room):
    logs = room.settings.path(room.settings.logs_dir)
    folder = log_folder(logs / ROBOT, "b")
    (folder / "report.html").write_text("<html>Robot Framework report</html>", encoding="utf-8")
    (folder / "skjermbilder").mkdir()
    (folder / "skjermbilder" / "feil-1.png").write_bytes(b"\x89PNG\r\n")
    (logs / "secret.txt").write_text("not for the browser", encoding="utf-8")
    add_run(room, "files", folder)
    client = room.as_user("ola")
    assert "Robot Framework report" in client.get("/kjoringer/files/report.html").text
    picture = client.get("/kjoringer/files/skjermbilder/feil-1.png")
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    for escape in ("../secret.txt", "..%2Fsecret.txt", "%2E%2E/secret.txt", "skjermbilder/../../secret.txt",
                   "skjermbilder%2F..%2F..%2Fsecret.txt"):
        response = client.get(f"/kjoringer/files/{escape}", follow_redirects=False)
        assert response.status_code in (307, 404) and "not for the browser" not in response.text, escape
    for odd in ("log.html%00.txt", "%00", "report.html%00"):  # a null byte: no such file, not a crash
        response = client.get(f"/kjoringer/files/{odd}")
        assert response.status_code == 404 and response.headers["x-frame-options"] == "DENY", odd


def test_a_bug_gives_a_plain_500_with_the_security_headers_and_no_traceback(room, monkeypatch):
    logged_in = room.as_user("ola")
    monkeypatch.setattr(pages, "runs", lambda *_, **__: 1 / 0)
    client = TestClient(room.app, raise_server_exceptions=False, cookies=logged_in.cookies)
    response = client.get("/kjoringer")
    assert response.status_code == 500 and response.text == "Noe gikk galt. Feilen er logget."
    assert response.headers["x-frame-options"] == "DENY" and "Traceback" not in response.text


def test_the_runs_page_links_logs_and_shows_reasons_masked(room):
    logs = room.settings.path(room.settings.logs_dir)
    add_run(room, "with-log", log_folder(logs / ROBOT, "a"))
    with Session(room.engine) as s:
        s.add(Run(id="skipped-1", robot=ROBOT, status="skipped", started_at=utcnow(), output_dir="",
                  summary={"started_by": "tidsplan #1", "reason": f"Ikke startet for {FNR}"}))
        s.commit()
        s.add(Run(id="builtin-1", robot=ROBOT, status="succeeded", started_at=utcnow(), output_dir="",
                  summary={"items": {"done": 2},
                           "notes": ["Fakturaene er kontrollert bare med saksrobots egne regler"]}))
        s.commit()
    page = room.as_user("mona").get("/kjoringer").text
    assert 'href="/kjoringer/with-log/log.html"' in page and 'href="/kjoringer/skipped-1/log.html"' not in page
    assert "Hoppet over" in page and f"Ikke startet for {MASKED}" in page and FNR not in page
    assert "2 ferdig<br><small>Fakturaene er kontrollert bare med saksrobots egne regler</small>" in page


# --- no secrets, no fødselsnummer ---------------------------------------------------------------

def test_no_fodselsnummer_on_the_manual_page(room):
    item = room.manual_item(reason=f"Kontaktperson {FNR} finnes ikke i arkivet")
    other = room.manual_item(key="REQ-2")
    # a reason written unmasked by some other path (an older version, a direct update) is masked too
    with room.engine.begin() as connection:
        connection.execute(text("update work_items set reason_text = :r where id = :id"),
                           {"r": f"Eleven 038515 98730 og {FNR} mangler", "id": other.id})
    assert room.items.get(item.id).reason_text == f"Kontaktperson {MASKED} finnes ikke i arkivet"
    for username in ("ola", "mona"):
        page = room.as_user(username).get("/manuell").text
        assert FNR not in page and "038515 98730" not in page
        assert f"Kontaktperson {MASKED} finnes ikke i arkivet" in page
        assert f"Eleven {MASKED} og {MASKED} mangler" in page


def test_error_and_flash_messages_are_masked(room):
    operator = room.as_user("ola")
    item = room.manual_item(key="REQ-1")
    post(room, operator, f"/manuell/{item.id}/behandlet", note=f"Opprettet sak for {FNR}")
    assert room.items.get(item.id).resolution_note == f"Opprettet sak for {MASKED}"
    page = operator.get("/manuell").text
    assert f"{TITLE} REQ-1 er merket som behandlet." in page and FNR not in page


def test_no_secret_on_the_settings_page(make_room):
    secrets = {"archive-api-key-top-secret", "archive-password-top-secret", "session-secret-top-secret",
               "simulator-key-top-secret", "simulator-password-top-secret"}
    room = make_room(archive={"api_key": "archive-api-key-top-secret", "password": "archive-password-top-secret"},
                     web={"session_secret": "session-secret-top-secret"},
                     simulators={"api_key": "simulator-key-top-secret", "password": "simulator-password-top-secret"})
    assert room.settings.archive.api_key.get_secret_value() == "archive-api-key-top-secret"
    page = room.as_user("ada").get("/innstillinger")
    assert page.status_code == 200 and "**********" in page.text
    assert '<h2>Arkivsystemet <small class="dempet"><code>archive</code></small></h2>' in page.text  # Norwegian
    assert "<th>API-nøkkel <small" in page.text
    for secret in secrets:
        assert secret not in page.text
    assert room.settings.archive.base_url in page.text  # the rest is shown


# --- overview and gevinst ----------------------------------------------------------------------------

def test_overview_counts_what_waits_and_what_comes(room):
    schedule_id = room.schedule()
    room.manual_item()
    page = room.as_user("mona").get("/").text
    assert '<a href="/manuell">1</a>' in page
    assert f"#{schedule_id}</a>" in page and 'data-seconds="30"' in page and "http-equiv" not in page


def test_gevinst_page_for_managers(room):
    response = room.as_user("mona").get("/gevinst")
    assert response.status_code == 200 and "Timer spart" in response.text


@pytest.mark.parametrize(("path", "message"), [("/finnes-ikke", "Siden finnes ikke."),
                                                ("/tidsplaner/abc", "ugyldig adresse"),
                                                ("/tidsplaner/999", "Ingen tidsplan med nummer 999")])
def test_unknown_pages_get_a_norwegian_error_page(room, path, message):
    response = room.as_user("ola").get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text


def test_a_run_whose_runner_died_is_shown_lost_with_when_it_was_last_seen(room):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with Session(room.engine) as s:
        s.add(Run(id="orphan", robot=ROBOT, status="running", started_at=utcnow(), heartbeat_at=utcnow(),
                  host=socket.gethostname(), pid=gone.pid, output_dir="", summary={"started_by": "ola"}))
        s.commit()
    page = room.as_user("mona").get("/kjoringer").text
    assert "Mistet (prosessen stoppet)" in page and "sist sett" in page and "Kjører" not in page


def test_a_run_with_nothing_to_do_says_so(room, tmp_path):
    add_run(room, "idle-run", log_folder(tmp_path, "idle"))
    operator = room.as_user("ola")
    row = operator.get("/kjoringer").text.split('data-run="idle-run"')[1].split("</tr>")[0]
    assert "Ingen oppgaver å gjøre" in row
    assert "Ingen oppgaver å gjøre" in operator.get("/").text


def test_deleting_deactivating_and_sending_back_ask_first(room):
    """No script runs in the control room (its CSP): each of these opens a second, explicit button."""
    room.manual_item()
    schedule_id = room.schedule()
    admin = room.as_user("ada")
    assert "<summary>Send tilbake til roboten</summary>" in admin.get("/manuell").text
    assert "Ja, send tilbake" in admin.get("/manuell").text
    robots = admin.get("/roboter").text
    assert "<summary>Slett</summary>" in robots and f"Tidsplan {schedule_id} for {TITLE} slettes." in robots
    users = admin.get("/brukere").text
    assert "<summary>Deaktiver</summary>" in users and "Ja, deaktiver ola" in users


def test_head_on_the_login_page_answers_like_get(room):
    client = room.client()
    head, get = client.head("/logg-inn"), client.get("/logg-inn")
    assert head.status_code == get.status_code == 200 and head.content == b""


def test_an_invoice_handed_over_links_its_file_its_pdf_and_its_reason(room, tmp_path):
    from datetime import date
    from decimal import Decimal

    from saksrobot.demo.ehf import InvoiceFacts, ehf_xml
    from saksrobot.intake.folder import Folder, file_sha256

    folder = Folder(tmp_path / "invoices")
    folder.create()
    xml = ehf_xml(InvoiceFacts(number="F-77", supplier=("Kontorrekvisita AS", "923609016"), issued=date(2026, 6, 1),
                               lines=[("Papir", Decimal(1), Decimal("100"))], buyer_reference="9999"))
    (folder.inbox / "f-77.xml").write_bytes(xml)
    store = room.items
    store.add("invoices", "923609016:F-77", {"source": {"folder": str(folder.root), "file": "f-77.xml",
                                                        "sha256": file_sha256(folder.inbox / "f-77.xml")}})
    item = store.hand_over(store.reserve("invoices"), "unknown_reference", "Ukjent referanse 9999")
    folder.move_rejected(folder.inbox / "f-77.xml", "unknown_reference: Ukjent referanse 9999")
    operator = room.as_user("ola")
    page = operator.get("/manuell").text.split(f'data-item="{item.id}"')[1].split("</tr>")[0]
    assert all(f'href="/manuell/{item.id}/{kind}"' in page for kind in ("fil", "pdf", "arsak"))
    file = operator.get(f"/manuell/{item.id}/fil")
    assert file.content == xml and file.headers["content-disposition"] == "attachment; filename*=UTF-8''f-77.xml"
    assert file.headers["content-security-policy"] == "sandbox"  # a sender's file never runs in the room
    pdf = operator.get(f"/manuell/{item.id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert operator.get(f"/manuell/{item.id}/arsak").text == "unknown_reference: Ukjent referanse 9999\n"
    assert operator.get(f"/manuell/{item.id}/annet").status_code == 404
    manager = room.as_user("mona")  # reads reports and the queue, not the senders' files
    assert f"/manuell/{item.id}/fil" not in manager.get("/manuell").text
    assert manager.get(f"/manuell/{item.id}/fil").status_code == 403
    reason = folder.rejected / "f-77.xml.reason.txt"  # a reason file swapped for a link is not followed
    reason.unlink()
    reason.symlink_to(tmp_path / "secret.toml")
    (tmp_path / "secret.toml").write_text("api_key = 'x'", encoding="utf-8")
    assert operator.get(f"/manuell/{item.id}/arsak").status_code == 404


def test_the_overview_counts_each_item_handed_over_today_once(room):
    """Handed over, sent back, handed over again and resolved: one item handed over today (it is no
    longer waiting, but it was handed over); and one case made."""
    log = GevinstLog(room.engine, room.settings.gevinst)
    for outcome, key in (("manual", "REQ-1"), ("manual", "REQ-1"), ("done", "REQ-2")):
        log.record(ROBOT, key, outcome, finished_at=utcnow())
    item = room.manual_item(key="REQ-1")
    operator = room.as_user("ola")
    post(room, operator, f"/manuell/{item.id}/behandlet")
    page = operator.get("/").text
    assert '<div class="verdi" id="manuell-i-dag">1</div>' in page
    row = page.split(f"<tr><td>{TITLE}</td>")[1].split("</tr>")[0]
    assert row == '<td class="tall">1</td><td class="tall">1</td>'


def test_the_gevinst_page_reports_a_chosen_period_and_downloads_what_the_cli_writes(room, tmp_path, monkeypatch):
    from datetime import datetime
    from io import BytesIO

    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from saksrobot.cli import app

    GevinstLog(room.engine, room.settings.gevinst).record(ROBOT, "K1", "done", finished_at=datetime(2026, 3, 2, 10))
    manager = room.as_user("mona")
    choice = {"periode": "2026-T1", "robot": ROBOT}
    page = manager.get("/gevinst", params=choice).text
    assert 'value="2026-T1"' in page and f'<option value="{ROBOT}" selected>' in page
    assert '<p class="advarsel" id="plan">Bak plan: ' in page  # one case in a tertial that has ended
    assert "Timer frigjort 2026-T1" in page and 'id="kroner-periode">' in page and 'id="arsverk-periode">' in page
    csv = manager.get("/gevinst/last-ned", params={**choice, "format": "csv"})
    assert csv.headers["content-disposition"] == f'attachment; filename="gevinst-2026-T1-{ROBOT}.csv"'
    monkeypatch.setenv("SAKSROBOT_DATABASE__URL", room.engine.url.render_as_string())
    written = tmp_path / "fra-kommandolinjen.csv"
    result = CliRunner().invoke(app, ["report", "--period", "2026-T1", "--robot", ROBOT, "--format", "csv",
                                      "--output", str(written)])
    assert result.exit_code == 0, result.output
    assert csv.content == written.read_bytes()
    xlsx = manager.get("/gevinst/last-ned", params={**choice, "format": "xlsx"})
    assert load_workbook(BytesIO(xlsx.content)).sheetnames[0] == "Periode"
    assert manager.get("/gevinst/last-ned", params={**choice, "format": "exe"}).status_code == 404
    wrong = manager.get("/gevinst", params={"periode": "2026-T9"})
    assert wrong.status_code == 422 and "Ukjent periode «2026-T9»" in wrong.text and 'aria-invalid="true"' in wrong.text


def test_robots_are_shown_by_their_norwegian_name_with_the_code_name_as_a_detail(room):
    page = room.as_user("ola").get("/roboter").text
    row = page.split(f'<tr id="robot-{ROBOT}">')[1].split("</tr>")[0]
    assert f'<td>{TITLE}<br><small class="dempet">{ROBOT}</small>' in row
    assert room.settings.robot(ROBOT).description in row


def test_a_run_page_tells_in_norwegian_what_the_run_did(room, tmp_path):
    import json

    folder = log_folder(tmp_path, "run-page")
    at = "2026-11-30T08:00:05+00:00"
    records = [{"kind": "item", "task": "Behandle", "key": "REQ-1", "outcome": "done", "at": at},
               {"kind": "item", "task": "Behandle", "key": "REQ-2", "outcome": "manual",
                "reason": f"Fant ikke {FNR} i registeret", "at": at},
               {"kind": "task", "task": "Behandle", "status": "PASS", "elapsed_s": 4.5, "at": at}]
    (folder / "items.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    add_run(room, "page-run", folder, items={"done": 1, "manual": 1})
    page = room.as_user("mona").get("/kjoringer/page-run").text
    assert f"<h1>{TITLE}: kjøring page-run</h1>" in page and "Fullført" in page
    assert '<td>Behandle</td><td>Fullført</td><td class="tall">4,5</td>' in page
    assert "<td>REQ-2</td><td>til manuell</td><td>Fant ikke " in page and FNR not in page and MASKED in page
    assert "Robot Framework-loggen (teknisk, engelsk)" in page
    assert room.as_user("mona").get("/kjoringer/no-such-run").status_code == 404
    assert 'href="/kjoringer/page-run"' in room.as_user("mona").get("/kjoringer").text
