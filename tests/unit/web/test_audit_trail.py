"""The audit trail of the control room: every POST route leaves exactly one row — who, what, which
object — and a page view, a refused request or a form in error leaves none (checked against the
route table itself, as the role rules are)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from test_security import FORMS, concrete, make_run, routes, run_with_log
from webroom import PASSWORD, csrf_of

from saksrobot.audit import AuditLog, Filter

# POST path → (action, object type) of the one row it leaves when an admin uses it
AUDITED: dict[str, tuple[str, str]] = {
    "/roboter/{robot}/kjor": ("run_start", "robot"),
    "/kjoringer/{run_id}/stopp": ("run_stop", "run"),
    "/tidsplaner/ny": ("schedule_create", "schedule"),
    "/tidsplaner/{schedule_id}": ("schedule_update", "schedule"),
    "/tidsplaner/{schedule_id}/pause": ("schedule_pause", "schedule"),
    "/tidsplaner/{schedule_id}/fortsett": ("schedule_resume", "schedule"),
    "/tidsplaner/{schedule_id}/slett": ("schedule_delete", "schedule"),
    "/manuell/{item_id}/behandlet": ("item_resolve", "item"),
    "/manuell/{item_id}/prov-igjen": ("item_requeue", "item"),
    "/brukere": ("user_create", "user"),
    "/brukere/{username}": ("user_role", "user"),
    "/logg-ut": ("logout", "user"),
    "/varsler": ("alert_change", "alert"),
}
AUDIT_FORMS = FORMS | {"/brukere": {"username": "nils", "password": PASSWORD, "role": "operator"},
                       "/brukere/{username}": {"role": "admin"}}


def rows(room) -> list:
    return AuditLog(room.engine).find(Filter(limit=10_000))


def test_every_post_route_is_audited(room):
    posts = {path for method, path in routes(room) if method == "POST"}
    assert posts == set(AUDITED), "a POST route was added or removed: say what it records in AUDITED"


def test_each_post_leaves_exactly_one_row_and_each_page_none(room):
    run_with_log(room)
    client = room.as_user("ada")
    counter = [0]
    for method, path in routes(room):
        url = concrete(room, path, counter)  # may add schedules and items: none of that is audited (tests' setup)
        before = len(rows(room))
        if method == "GET":
            assert client.get(url).status_code == 200, url
            assert len(rows(room)) == before, f"GET {url} wrote to the audit trail"
            continue
        response = client.post(url, data={"csrf_token": room.token(client), **AUDIT_FORMS.get(path, {})})
        assert response.status_code == 303, url
        new = rows(room)[: len(rows(room)) - before]
        action, object_type = AUDITED[path]
        assert [(e.actor, e.action, e.object_type) for e in new] == [("ada", action, object_type)], url
        if any(name in path for name in ("{schedule_id}", "{item_id}", "{username}", "{run_id}")):
            assert new[0].object_id in url, url


def test_a_change_keeps_before_and_after_and_no_personal_data(room):
    schedule_id = room.schedule()
    item = room.manual_item(key="REQ-9", reason="Fant ikke 03856298741 i folkeregisteret")
    client = room.as_user("ola")
    token = room.token(client)
    assert client.post(f"/tidsplaner/{schedule_id}/pause", data={"csrf_token": token}).status_code == 303
    assert client.post(f"/manuell/{item.id}/behandlet",
                       data={"csrf_token": token, "note": "Ringte 03856298741, sak opprettet"}).status_code == 303
    resolved, paused = rows(room)[:2]
    assert '"aktiv": true' in paused.before and '"aktiv": false' in paused.after
    assert paused.object_id == str(schedule_id) and paused.actor == "ola"
    assert resolved.action == "item_resolve" and '"notat": true' in resolved.after
    everything = " ".join(f"{e.actor} {e.object_id} {e.before} {e.after}" for e in rows(room))
    assert "03856298741" not in everything and "Ringte" not in everything


def test_log_in_and_failed_log_in_name_only_known_users(room):
    client = room.client()
    assert room.log_in(client, "mona", "feil-passord-123").status_code == 401
    assert room.log_in(client, "03856298741", "feil-passord-123").status_code == 401  # an fnr typed as user name
    assert room.log_in(client, "mona").status_code == 303
    got = [(e.actor, e.action) for e in rows(room)]
    assert got == [("mona", "login"), ("ukjent bruker", "login_failed"), ("mona", "login_failed")]


def test_refused_and_invalid_requests_leave_nothing(room):
    schedule_id = room.schedule()
    manager, operator = room.as_user("mona"), room.as_user("ola")
    before = len(rows(room))
    assert manager.post(f"/tidsplaner/{schedule_id}/slett", data={"csrf_token": room.token(manager)}).status_code == 403
    assert operator.post(f"/tidsplaner/{schedule_id}/pause", data={"csrf_token": "forged"}).status_code == 403
    bad = {**FORMS["/tidsplaner/ny"], "times": "25:00"}
    assert operator.post("/tidsplaner/ny", data={"csrf_token": room.token(operator), **bad}).status_code == 422
    assert len(rows(room)) == before


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET actor = 'noen'", "DELETE FROM audit_events"])
def test_the_database_refuses_to_change_or_delete_a_row(room, statement):
    room.as_user("ada")
    with pytest.raises(Exception, match="append-only"), room.engine.begin() as connection:  # noqa: B017, PT011
        connection.execute(text(statement))
    assert [e.action for e in rows(room)] == ["login"]


def test_the_revisjonslogg_page_filters_and_exports(room):
    schedule_id = room.schedule()
    ola, admin = room.as_user("ola"), room.as_user("ada")
    ola.post(f"/tidsplaner/{schedule_id}/pause", data={"csrf_token": room.token(ola)})
    page = admin.get("/revisjonslogg", params={"person": "ola", "objekt": "schedule"}).text
    assert "Tidsplan satt på pause" in page and "Logget inn" not in page
    assert "Tidsplan satt på pause" not in admin.get("/revisjonslogg", params={"person": "ada"}).text
    assert "Ingen hendelser" in admin.get("/revisjonslogg", params={"fra": "2001-01-01", "til": "2001-01-02"}).text
    export = admin.get("/revisjonslogg/last-ned", params={"objekt": "schedule"})
    assert export.headers["content-type"].startswith("text/csv")
    lines = export.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("tidspunkt;hvem;handling") and len(lines) == 2 and ";ola;" in lines[1]
    assert csrf_of(page)  # a page of the control room (log-out form and all)


def test_a_run_asked_to_stop_twice_is_stopped_and_recorded_once(room):
    run_id = make_run(room, "running-1", room.tmp_path, status="running")
    ola, ada = room.as_user("ola"), room.as_user("ada")
    assert ola.post(f"/kjoringer/{run_id}/stopp", data={"csrf_token": room.token(ola)}).status_code == 303
    assert ada.post(f"/kjoringer/{run_id}/stopp", data={"csrf_token": room.token(ada)}).status_code == 303
    assert "ola har alt bedt om å stoppe kjøringen" in ada.get(f"/kjoringer/{run_id}").text
    assert [(e.actor, e.object_id) for e in rows(room) if e.action == "run_stop"] == [("ola", run_id)]
