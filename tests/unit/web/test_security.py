"""Guards of the control room: every route's roles (checked against the route table itself, so a new
route without a rule fails here), CSRF tokens on every form, the log-in rate limit, redirects after
log-in that stay on the site, and the security headers."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from webroom import PASSWORD, ROBOT, USERS, Room, csrf_of

from saksrobot.intake.folder import Folder, file_sha256
from saksrobot.runner import Run
from saksrobot.web.app import create_app
from saksrobot.web.security import LoginThrottle
from saksrobot.web.users import Role
from saksrobot.workitems import State, WorkItem, utcnow

ALL = frozenset(Role)
OPS = frozenset({Role.OPERATOR, Role.ADMIN})
ADMIN = frozenset({Role.ADMIN})
GOOD_SCHEDULE = {"robot": ROBOT, "days": "hverdager", "times": "07:00", "follow_calendar": "on", "enabled": "on",
                 "misfire_grace_minutes": "60", "max_run_minutes": "120"}

# Open to all, logged in or not (and so not in RULES, whose routes are tried logged out and as each role):
# the log-in page and form, and single sign-on's start and the provider's answer (test_oidc tries them)
OPEN = {("GET", "/logg-inn"), ("HEAD", "/logg-inn"), ("POST", "/logg-inn"), ("GET", "/logg-inn/oidc"),
        ("GET", "/logg-inn/oidc/svar")}
# (method, path) → the roles that may use it.
RULES: dict[tuple[str, str], frozenset[Role]] = {
    ("GET", "/"): ALL,
    ("GET", "/roboter"): ALL,
    ("POST", "/roboter/{robot}/kjor"): OPS,
    ("GET", "/tidsplaner/ny"): OPS,
    ("POST", "/tidsplaner/ny"): OPS,
    ("GET", "/tidsplaner/{schedule_id}"): OPS,
    ("POST", "/tidsplaner/{schedule_id}"): OPS,
    ("POST", "/tidsplaner/{schedule_id}/pause"): OPS,
    ("POST", "/tidsplaner/{schedule_id}/fortsett"): OPS,
    ("POST", "/tidsplaner/{schedule_id}/slett"): OPS,
    ("GET", "/kjoringer"): ALL,
    ("GET", "/kjoringer/{run_id}"): ALL,
    ("POST", "/kjoringer/{run_id}/stopp"): OPS,
    ("GET", "/kjoringer/{run_id}/{name:path}"): ALL,
    ("GET", "/arbeidere"): ALL,
    ("GET", "/manuell"): ALL,
    ("POST", "/manuell/{item_id}/behandlet"): OPS,
    ("POST", "/manuell/{item_id}/prov-igjen"): OPS,
    ("GET", "/manuell/{item_id}/{kind}"): OPS,
    ("GET", "/gevinst"): ALL,
    ("GET", "/gevinst/last-ned"): ALL,
    ("GET", "/brukere"): ADMIN,
    ("POST", "/brukere"): ADMIN,
    ("POST", "/brukere/{username}"): ADMIN,
    ("GET", "/innstillinger"): ADMIN,
    ("GET", "/revisjonslogg"): ADMIN,
    ("GET", "/revisjonslogg/last-ned"): ADMIN,
    ("GET", "/varsler"): ADMIN,
    ("POST", "/varsler"): ADMIN,
    ("POST", "/logg-ut"): ALL,
}
FORMS = {"/tidsplaner/ny": GOOD_SCHEDULE, "/tidsplaner/{schedule_id}": GOOD_SCHEDULE,
         "/manuell/{item_id}/behandlet": {"note": "Sak 26/00012 opprettet for hånd"}}


def routes(room: Room) -> list[tuple[str, str]]:
    """The app's routes as (method, path), log-in and static files left out; log-out last."""
    found = {(method, route.path) for route in room.app.routes if isinstance(route, APIRoute)
             for method in route.methods if (method, route.path) not in OPEN}
    return sorted(found, key=lambda r: (r[1] == "/logg-ut", r[1], r[0]))


def make_run(room: Room, run_id: str, output_dir: Path, status: str = "succeeded") -> str:
    with Session(room.engine) as s:
        s.add(Run(id=run_id, robot=ROBOT, status=status, started_at=utcnow(), heartbeat_at=utcnow(),
                  finished_at=None if status == "running" else utcnow(), return_code=0, output_dir=str(output_dir),
                  summary={"started_by": "test"}, host="another-machine", pid=1))
        s.commit()
    return run_id


def run_with_log(room: Room, run_id: str = "run-1") -> str:
    folder = room.settings.path(room.settings.logs_dir) / ROBOT / f"20270514-070000-{run_id}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "log.html").write_text("<html><body>Robot Framework log</body></html>", encoding="utf-8")
    return make_run(room, run_id, folder)


def item_from_a_folder(room: Room, key: str) -> WorkItem:
    """A manual item taken in from a file in a folder (its file in rejected/ with the reason)."""
    folder = Folder(room.settings.path(room.settings.logs_dir).parent / "intake")
    folder.create()
    (folder.inbox / f"{key}.xml").write_bytes(f"<Invoice><ID>{key}</ID></Invoice>".encode())
    source = {"folder": str(folder.root), "file": f"{key}.xml", "sha256": file_sha256(folder.inbox / f"{key}.xml")}
    store = room.items  # one consumer: it holds the item it reserves
    store.add(ROBOT, key, {"source": source}, priority=9)  # before items sent back to the robot meanwhile
    item = store.hand_over(store.reserve(ROBOT), "invalid", "Ugyldig fil")
    assert item.key == key
    folder.move_rejected(folder.inbox / f"{key}.xml", "invalid: Ugyldig fil")
    return item


def concrete(room: Room, path: str, counter: list[int]) -> str:
    """``path`` with real ids: a fresh schedule and manual item for every request, so that a request
    that acts (delete, resolve) does not spoil the next."""
    counter[0] += 1
    n = counter[0]
    values = {"{robot}": ROBOT, "{username}": "mona", "{run_id}": "run-1", "{name:path}": "log.html"}
    if "{schedule_id}" in path:
        values["{schedule_id}"] = str(room.schedule())
    if path.endswith("/stopp"):  # a run going on (on another machine: asking it to stop only writes a row)
        values["{run_id}"] = make_run(room, f"running-{n}", room.tmp_path, status="running")
    if "{kind}" in path:  # an item's file: an item taken in from a folder
        values["{item_id}"], values["{kind}"] = str(item_from_a_folder(room, f"REQ-{n}").id), "fil"
    elif "{item_id}" in path:
        values["{item_id}"] = str(room.manual_item(key=f"REQ-{n}").id)
    for name, value in values.items():
        path = path.replace(name, value)
    return path


def test_every_route_has_a_rule(room):
    assert set(routes(room)) == set(RULES), "a route was added or removed: give it a rule in RULES"


def test_logged_out_visitors_are_sent_to_the_log_in_page(room):
    run_with_log(room)
    schedule_id = room.schedule()
    client = room.client()
    anonymous_token = csrf_of(client.get("/logg-inn").text)  # the session exists, nobody is logged in
    counter = [0]
    for method, path in routes(room):
        url = concrete(room, path, counter)
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 303, url
            assert response.headers["location"] == f"/logg-inn?{urlencode({'neste': url})}", url
        elif path == "/logg-ut":  # nobody to log out: back to the log-in page (CSRF checked first)
            assert client.post(url, data={"csrf_token": anonymous_token}).headers["location"] == "/logg-inn"
            assert client.post(url).status_code == 403
        else:
            for data in ({"csrf_token": anonymous_token, **FORMS.get(path, {})}, {}):
                response = client.post(url, data=data)
                assert response.status_code == 303, url
                assert response.headers["location"].startswith("/logg-inn"), url
    # nothing was done on their behalf
    assert room.service.store.get(schedule_id).enabled
    assert len(room.service.store.all()) == sum("{schedule_id}" in p for _, p in routes(room)) + 1
    assert all(item.state == State.MANUAL for item in room.items.find())
    assert room.runner.calls == []


@pytest.mark.parametrize("username", ["mona", "ola", "ada"])
def test_each_role_reaches_exactly_its_routes(room, username):
    role = USERS[username]
    run_with_log(room)
    client = room.as_user(username)
    counter = [0]
    for method, path in routes(room):
        url = concrete(room, path, counter)
        allowed = role in RULES[(method, path)]
        if method == "GET":
            response = client.get(url)
            expected = 200 if allowed else 403
        else:
            response = client.post(url, data={"csrf_token": room.token(client), **FORMS.get(path, {})})
            expected = 303 if allowed else 403
        assert response.status_code == expected, f"{role} {method} {url}: {response.status_code}"
        if not allowed:
            assert "Ingen tilgang" in response.text and "Spør en administrator" in response.text
        elif method == "POST" and path != "/logg-ut":
            assert not response.headers["location"].startswith("/logg-inn"), url
    # a 403 does not end the session; the log-out at the end does
    assert client.get("/").status_code == 303


def test_manager_forbidden_routes_change_nothing(room):
    schedule_id, item = room.schedule(), room.manual_item()
    manager = room.as_user("mona")
    token = room.token(manager)
    for url in (f"/tidsplaner/{schedule_id}/pause", f"/tidsplaner/{schedule_id}/slett",
                f"/manuell/{item.id}/behandlet", f"/manuell/{item.id}/prov-igjen", f"/roboter/{ROBOT}/kjor"):
        assert manager.post(url, data={"csrf_token": token}).status_code == 403
    assert manager.post("/tidsplaner/ny", data={"csrf_token": token, **GOOD_SCHEDULE}).status_code == 403
    assert manager.post("/brukere", data={"csrf_token": token, "username": "ny.bruker", "password": PASSWORD,
                                          "role": "admin"}).status_code == 403
    assert manager.post("/brukere/mona", data={"csrf_token": token, "role": "admin"}).status_code == 403
    assert [s.id for s in room.service.store.all()] == [schedule_id] and room.service.store.get(schedule_id).enabled
    assert room.items.get(item.id).state == State.MANUAL
    assert {u.username: u.role for u in room.users.all()} == {"ada": "admin", "mona": "manager", "ola": "operator"}
    assert room.runner.calls == []


def test_manager_sees_no_buttons_that_change_things(room):
    room.schedule()
    room.manual_item()
    manager = room.as_user("mona")
    for page in ("/roboter", "/manuell"):
        html = manager.get(page).text
        assert 'method="post" action="/logg-ut"' in html
        assert html.count('method="post"') == 1, page  # only the log-out form
    assert 'href="/brukere"' not in manager.get("/").text


# --- CSRF ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("token", [None, "", "forfalsket-token"])
def test_a_post_without_the_session_token_is_refused_and_changes_nothing(room, token):
    schedule_id, item = room.schedule(), room.manual_item()
    operator = room.as_user("ola")
    data = {} if token is None else {"csrf_token": token}
    attempts = [("/tidsplaner/ny", GOOD_SCHEDULE), (f"/tidsplaner/{schedule_id}", {**GOOD_SCHEDULE, "times": "09:00"}),
                (f"/tidsplaner/{schedule_id}/pause", {}), (f"/tidsplaner/{schedule_id}/slett", {}),
                (f"/manuell/{item.id}/behandlet", {"note": "ferdig"}), (f"/manuell/{item.id}/prov-igjen", {}),
                (f"/roboter/{ROBOT}/kjor", {}), ("/logg-ut", {})]
    for url, form in attempts:
        response = operator.post(url, data={**form, **data})
        assert response.status_code == 403, url
        assert "Skjemaet er utløpt eller ugyldig" in response.text
    schedules = room.service.store.all()
    assert [(s.id, s.times, s.enabled, s.version) for s in schedules] == [(schedule_id, "07:00", True, 1)]
    assert room.items.get(item.id).state == State.MANUAL and room.items.get(item.id).resolved_by is None
    assert room.runner.calls == []
    assert operator.get("/").status_code == 200  # still logged in: the log-out was refused too

    admin = room.as_user("ada")
    assert admin.post("/brukere", data={**data, "username": "ny.bruker", "password": PASSWORD,
                                        "role": "admin"}).status_code == 403
    assert admin.post("/brukere/ola", data={**data, "role": "admin"}).status_code == 403
    assert {u.username: u.role for u in room.users.all()} == {"ada": "admin", "mona": "manager", "ola": "operator"}


def test_a_token_of_another_session_is_refused(room):
    item = room.manual_item()
    ola, ada = room.as_user("ola"), room.as_user("ada")
    assert ola.post(f"/manuell/{item.id}/behandlet", data={"csrf_token": room.token(ada)}).status_code == 403
    assert room.items.get(item.id).state == State.MANUAL


def test_the_log_in_form_needs_its_token(room):
    client = room.client()
    client.get("/logg-inn")
    response = client.post("/logg-inn", data={"username": "ola", "password": PASSWORD, "neste": "/"})
    assert response.status_code == 403
    assert client.get("/").status_code == 303  # not logged in


def test_the_token_and_session_change_at_log_in_and_log_out(room):
    client = room.client()
    before = csrf_of(client.get("/logg-inn").text)
    cookie_before = client.cookies.get("saksrobot_okt")
    assert room.log_in(client, "ola").status_code == 303
    after = room.token(client)
    assert after != before and client.cookies.get("saksrobot_okt") != cookie_before
    item = room.manual_item()
    # the token of the anonymous session (one an attacker could have planted) no longer works
    assert client.post(f"/manuell/{item.id}/prov-igjen", data={"csrf_token": before}).status_code == 403
    assert room.items.get(item.id).state == State.MANUAL

    assert client.post("/logg-ut", data={"csrf_token": after}).headers["location"] == "/logg-inn"
    assert client.get("/").status_code == 303
    assert client.post(f"/manuell/{item.id}/prov-igjen", data={"csrf_token": after}).status_code == 303
    assert room.items.get(item.id).state == State.MANUAL  # logged out: sent to the log-in page, nothing done


def test_a_session_cookie_cannot_be_forged_or_moved_to_another_app(room):
    forged = room.client()
    forged.cookies.set("saksrobot_okt", "eyJ1c2VyX2lkIjogMywgInJvbGUiOiAiYWRtaW4ifQ==.forged.signature")
    assert forged.get("/brukere").status_code == 303

    # without web.session_secret each app signs with its own random secret
    assert restarted_with_session_of(room, "ada").get("/brukere").status_code == 303


def restarted_with_session_of(room, username: str) -> TestClient:
    """A client of a new app (the service restarted) holding ``username``'s session cookie."""
    cookie = room.as_user(username).cookies.get("saksrobot_okt")
    restarted = TestClient(create_app(room.settings, room.engine, room.service), follow_redirects=False)
    room.clients.append(restarted)
    restarted.cookies.set("saksrobot_okt", cookie)
    return restarted


def test_the_session_secret_setting_signs_the_session(make_room):
    """With web.session_secret set, a session outlives the app (a restart of the service)."""
    room = make_room(web={"session_secret": "session-secret-top-secret"})
    assert restarted_with_session_of(room, "ada").get("/brukere").status_code == 200


# --- log-in rate limit -----------------------------------------------------------------------------

def test_log_in_pauses_after_too_many_failures_for_one_user_name(make_room):
    room = make_room(web={"login_attempts": 3})
    attacker = room.client("10.0.0.1")
    for _ in range(3):
        response = room.log_in(attacker, "ola", "feil-passord-123")
        assert response.status_code == 401 and "Feil brukernavn eller passord." in response.text
    blocked = room.log_in(attacker, "ola")  # even the right password
    assert blocked.status_code == 429
    assert "For mange mislykkede innlogginger. Prøv igjen om 15 min." in blocked.text
    assert attacker.get("/").status_code == 303

    # the user name is blocked from other addresses too (the key is the user name) ...
    elsewhere = room.client("10.0.0.2")
    assert room.log_in(elsewhere, "ola").status_code == 429
    # ... while other users from other addresses log in as before
    assert room.log_in(elsewhere, "mona").status_code == 303
    assert room.log_in(room.client("10.0.0.3"), "ada").status_code == 303


def test_log_in_pauses_after_too_many_failures_from_one_address(make_room):
    """The per-address key: failures spread over several user names from one address block every log-in
    from that address (TestClient's address is "testclient" unless ``client=`` is given; all clients
    made with the default share it, and so share this limit)."""
    room = make_room(web={"login_attempts": 3})
    sprayer = room.client("10.0.0.9")
    for name in ("per", "pål", "espen"):
        assert room.log_in(sprayer, name, "feil-passord-123").status_code == 401
    assert room.log_in(sprayer, "ola").status_code == 429
    assert room.log_in(room.client("10.0.0.9"), "mona").status_code == 429  # a new session, same address
    assert room.log_in(room.client("10.0.0.10"), "ola").status_code == 303  # ola itself had no failures


def test_a_successful_log_in_clears_the_users_count_but_not_the_addresss(make_room):
    room = make_room(web={"login_attempts": 3})
    client = room.client("10.0.0.1")
    for _ in range(2):
        assert room.log_in(client, "ola", "feil-passord-123").status_code == 401
    assert room.log_in(client, "ola").status_code == 303
    assert room.log_in(client, "ola", "feil-passord-123").status_code == 401  # the address's third failure
    assert room.log_in(client, "ola").status_code == 429  # a guesser cannot reset by logging in to their own account
    assert room.log_in(room.client("10.0.0.2"), "ola").status_code == 303  # the user's own count was cleared


def test_the_throttle_forgets_attempts_after_its_window():
    throttle = LoginThrottle(attempts=2, window=0.3)
    assert throttle.attempt("user:ola", "ip:a") == 0
    assert throttle.attempt("user:ola", "ip:b") == 0
    wait = throttle.attempt("user:ola", "ip:c")
    assert 0 < wait <= 0.3
    assert throttle.attempt("user:kari", "ip:c") == 0
    time.sleep(0.35)
    assert throttle.attempt("user:ola", "ip:c") == 0


def test_parallel_guesses_are_counted_before_the_password_is_checked():
    throttle = LoginThrottle(attempts=3, window=60)
    results = []
    threads = [threading.Thread(target=lambda: results.append(throttle.attempt("user:ola", "ip:a")))
               for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r == 0 for r in results) == [False] * 7 + [True] * 3


def test_a_right_password_takes_its_attempt_back():
    throttle = LoginThrottle(attempts=2, window=60)
    for _ in range(5):  # five good log-ins from one office address
        assert throttle.attempt("user:ola", "ip:kontor") == 0
        throttle.succeeded("user:ola", "ip:kontor")
    assert throttle._attempts == {}


# --- where a log-in leads --------------------------------------------------------------------------

@pytest.mark.parametrize(("neste", "location"), [
    ("/manuell", "/manuell"),
    ("//evil.example/", "/"),
    ("https://evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("\\\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_after_log_in_only_pages_of_the_site(room, neste, location):
    client = room.client()
    assert room.log_in(client, "ola", neste=neste).headers["location"] == location


def test_a_logged_out_visitor_comes_back_to_the_page_asked_for(room):
    client = room.client()
    target = client.get("/manuell").headers["location"]
    assert target == "/logg-inn?neste=%2Fmanuell"
    page = client.get(target)
    assert 'name="neste" value="/manuell"' in page.text
    assert client.post("/logg-inn", data={"username": "ola", "password": PASSWORD, "neste": "/manuell",
                                          "csrf_token": csrf_of(page.text)}).headers["location"] == "/manuell"


# --- headers -----------------------------------------------------------------------------------

def test_security_headers_on_every_page(room):
    operator = room.as_user("ola")
    for response in (room.client().get("/logg-inn"), operator.get("/"), operator.get("/brukere"),
                     operator.post("/logg-inn", data={})):
        assert response.headers["x-frame-options"] == "DENY"
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "default-src 'self'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"


def cookie_attributes(response) -> set[str]:
    return {part.strip().lower().partition("=")[0] for part in response.headers["set-cookie"].split(";")[1:]}


def test_the_session_cookie_is_http_only_and_same_site(room):
    response = room.client().get("/logg-inn")
    assert "samesite=lax" in response.headers["set-cookie"].lower()
    assert "httponly" in cookie_attributes(response) and "secure" not in cookie_attributes(response)


def test_the_session_cookie_is_secure_when_https_only(make_room):
    room = make_room(web={"https_only": True})
    assert "secure" in cookie_attributes(room.client().get("/logg-inn"))


@pytest.mark.parametrize("change", ["logout", "password", "disabled"])
def test_a_copied_session_cookie_dies_with_logout_password_change_or_deactivation(room, change):
    client = room.as_user("ola")
    copy = room.client("10.9.9.9")
    copy.cookies.update(client.cookies)
    assert copy.get("/", follow_redirects=False).status_code == 200
    if change == "logout":
        logout = client.post("/logg-ut", data={"csrf_token": room.token(client)}, follow_redirects=False)
        assert logout.status_code == 303
    elif change == "password":
        room.users.set_password("ola", "et-helt-nytt-passord-2026")
    else:
        room.users.set_active("ola", False)
    response = copy.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/logg-inn")


def test_what_was_typed_as_user_name_is_not_logged(room, caplog):
    client = room.client("10.1.1.1")
    with caplog.at_level("INFO"):
        assert room.log_in(client, "03851598730", "feil-passord-123").status_code == 401
        assert room.log_in(client, "mitt-hemmelige-passord", "feil-passord-123").status_code == 401
    assert "Failed log-in from ip:10.1.1.1" in caplog.text
    assert "03851598730" not in caplog.text and "mitt-hemmelige-passord" not in caplog.text

