"""Users of the control room: Argon2id hashes (never the password), Norwegian refusals, deactivated
users and changed roles, and the admin's user page."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import text
from webroom import PASSWORD, csrf_of

from saksrobot.database import make_engine
from saksrobot.web import users as users_module
from saksrobot.web.users import MIN_PASSWORD, Role, UserError, UserStore


@pytest.fixture
def store(tmp_path, fast_hashing) -> UserStore:
    return UserStore(make_engine(f"sqlite:///{tmp_path / 'users.db'}"))


def stored_hash(store: UserStore, username: str) -> str:
    with store.engine.connect() as connection:
        return connection.execute(text("select password_hash from web_users where username = :u"),
                                  {"u": username}).scalar_one()


def test_production_hashes_are_argon2id_and_never_the_password(tmp_path):
    """With the module's own hasher (not the tests' cheap one)."""
    assert users_module._hasher.type is Type.ID
    assert users_module._hasher.memory_cost >= RFC_9106_LOW_MEMORY.memory_cost
    store = UserStore(make_engine(f"sqlite:///{tmp_path / 'users.db'}"))
    store.add("kari", PASSWORD, Role.OPERATOR, "Kari Arkiv")
    hashed = stored_hash(store, "kari")
    assert hashed.startswith("$argon2id$v=19$") and PASSWORD not in hashed
    assert store.authenticate("kari", PASSWORD) is not None
    assert store.authenticate("kari", PASSWORD + "x") is None


def test_each_user_gets_its_own_salt(store):
    store.add("kari", PASSWORD, Role.OPERATOR)
    store.add("per", PASSWORD, Role.OPERATOR)
    assert stored_hash(store, "kari") != stored_hash(store, "per")
    assert all(h.startswith("$argon2id$") for h in (stored_hash(store, "kari"), stored_hash(store, "per")))


def test_the_repr_leaves_the_hash_out(store):
    user = store.add("kari", PASSWORD, Role.OPERATOR)
    assert repr(user) == "User(kari, operator)" and "argon2" not in repr(user)


def test_too_short_passwords_are_refused_in_norwegian(store):
    with pytest.raises(UserError, match=f"Passordet må ha minst {MIN_PASSWORD} tegn"):
        store.add("kari", "x" * (MIN_PASSWORD - 1), Role.OPERATOR)
    assert store.count() == 0
    store.add("kari", "x" * MIN_PASSWORD, Role.OPERATOR)
    with pytest.raises(UserError, match="Passordet må ha minst"):
        store.set_password("kari", "kort")
    assert store.authenticate("kari", "x" * MIN_PASSWORD) is not None


def test_set_password_replaces_the_old_one(store):
    store.add("kari", PASSWORD, Role.OPERATOR)
    store.set_password("kari", "et-nytt-og-langt-passord")
    assert store.authenticate("kari", PASSWORD) is None
    assert store.authenticate("kari", "et-nytt-og-langt-passord") is not None


def test_duplicate_user_names_are_refused_whatever_the_case(store):
    store.add("kari", PASSWORD, Role.OPERATOR)
    with pytest.raises(UserError, match="Brukeren kari finnes allerede"):
        store.add(" KARI ", PASSWORD, Role.ADMIN)
    assert [(u.username, u.role) for u in store.all()] == [("kari", "operator")]


@pytest.mark.parametrize("username", ["", "  ", "kari nordmann", "kari@byarkivet", "<script>"])
def test_odd_user_names_are_refused(store, username):
    with pytest.raises(UserError, match="Brukernavnet kan ha bokstaver, tall"):
        store.add(username, PASSWORD, Role.OPERATOR)


def test_user_names_are_case_insensitive_at_log_in(store):
    store.add("Kari.Arkiv", PASSWORD, Role.OPERATOR)
    assert store.authenticate("  KARI.arkiv ", PASSWORD).username == "kari.arkiv"


def test_a_deactivated_user_cannot_authenticate(store):
    store.add("kari", PASSWORD, Role.OPERATOR)
    store.set_active("kari", False)
    assert store.authenticate("kari", PASSWORD) is None
    store.set_active("kari", True)
    assert store.authenticate("kari", PASSWORD) is not None


def test_unknown_users_do_not_authenticate(store):
    assert store.authenticate("ingen", PASSWORD) is None
    with pytest.raises(UserError, match="Ingen bruker ingen"):
        store.set_role("ingen", Role.ADMIN)


def test_authenticate_records_the_log_in(store):
    store.add("kari", PASSWORD, Role.OPERATOR)
    assert store.all()[0].last_login_at is None
    store.authenticate("kari", PASSWORD)
    assert store.all()[0].last_login_at is not None


def test_an_old_hash_is_upgraded_at_log_in(store, fast_hashing, monkeypatch):
    store.add("kari", PASSWORD, Role.OPERATOR)
    old = stored_hash(store, "kari")
    monkeypatch.setattr(users_module, "_hasher", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    assert store.authenticate("kari", PASSWORD) is not None
    new = stored_hash(store, "kari")
    assert new != old and new.startswith("$argon2id$v=19$m=2048,t=2,p=1$")


# --- through the control room ----------------------------------------------------------------------

def add_user_form(room, client, **fields):
    token = csrf_of(client.get("/brukere").text)
    return client.post("/brukere", data={"csrf_token": token, "name": "", "role": "operator", **fields})


def flash(client, page: str = "/brukere") -> str:
    return client.get(page).text


def test_admin_adds_a_user_who_can_log_in(room):
    admin = room.as_user("ada")
    response = add_user_form(room, admin, username="Kari", name="Kari Arkiv", password="kari-sitt-passord")
    assert response.status_code == 303 and response.headers["location"] == "/brukere"
    page = flash(admin)
    assert "Brukeren kari er lagt til." in page and "Kari Arkiv" in page
    assert "kari-sitt-passord" not in page and "$argon2" not in page
    assert room.log_in(room.client(), "kari", "kari-sitt-passord").status_code == 303


@pytest.mark.parametrize(("fields", "message"), [
    ({"username": "kari", "password": "kort"}, f"Passordet må ha minst {MIN_PASSWORD} tegn"),
    ({"username": "ola", "password": PASSWORD}, "Brukeren ola finnes allerede"),
    ({"username": "kari", "password": PASSWORD, "role": "superbruker"}, "Ukjent rolle"),
    ({"username": "kari nordmann", "password": PASSWORD}, "Brukernavnet kan ha bokstaver"),
])
def test_admin_gets_norwegian_refusals(room, fields, message):
    admin = room.as_user("ada")
    assert add_user_form(room, admin, **fields).status_code == 303
    page = flash(admin)
    assert f'<p class="melding feil" role="status">{message}' in page
    assert sorted(u.username for u in room.users.all()) == ["ada", "mona", "ola"]
    assert room.users.all()[2].role == "operator"  # ola untouched by the duplicate


def test_a_deactivated_user_cannot_log_in_and_is_logged_out(room):
    operator = room.as_user("ola")
    admin = room.as_user("ada")
    token = csrf_of(admin.get("/brukere").text)
    assert admin.post("/brukere/ola", data={"csrf_token": token, "active": "0"}).status_code == 303
    assert "Brukeren ola er endret." in flash(admin)
    assert not [u for u in room.users.all() if u.username == "ola"][0].active
    # the open session ends at the next request ...
    response = operator.get("/manuell")
    assert response.status_code == 303 and response.headers["location"] == "/logg-inn?neste=%2Fmanuell"
    # ... and the right password no longer logs in (with the same answer as a wrong one)
    refused = room.log_in(room.client(), "ola")
    assert refused.status_code == 401 and "Feil brukernavn eller passord." in refused.text

    admin.post("/brukere/ola", data={"csrf_token": token, "active": "1"})
    assert room.log_in(room.client(), "ola").status_code == 303


def test_a_user_whose_role_changed_is_logged_out(room):
    operator = room.as_user("ola")
    assert operator.get("/tidsplaner/ny").status_code == 200
    admin = room.as_user("ada")
    token = csrf_of(admin.get("/brukere").text)
    assert admin.post("/brukere/ola", data={"csrf_token": token, "role": "manager"}).status_code == 303
    # the session says operator, the database manager: log in again
    response = operator.get("/tidsplaner/ny")
    assert response.status_code == 303 and response.headers["location"].startswith("/logg-inn")
    assert operator.get("/").status_code == 303  # the session no longer names the user
    relogged = room.as_user("ola")
    assert relogged.get("/tidsplaner/ny").status_code == 403
    assert relogged.get("/").status_code == 200


def test_a_promoted_user_is_logged_out_too(room):
    """Also a change up: the session's role is not trusted, it must match the database."""
    manager = room.as_user("mona")
    room.users.set_role("mona", Role.ADMIN)
    assert manager.get("/brukere").status_code == 303
    assert room.as_user("mona").get("/brukere").status_code == 200


def test_a_deleted_user_is_logged_out(room):
    operator = room.as_user("ola")
    with room.engine.begin() as connection:
        connection.execute(text("delete from web_users where username = 'ola'"))
    assert operator.get("/").status_code == 303


def test_an_admin_cannot_change_or_deactivate_themselves(room):
    admin = room.as_user("ada")
    token = csrf_of(admin.get("/brukere").text)
    for name, form in [(name, form) for name in ("ada", "ADA", "Ada", " ada ")
                       for form in ({"role": "operator"}, {"active": "0"}, {"role": "operator", "email": "a@b.no"},
                                    {"active": "0", "email": "a@b.no"})]:  # user names are not case-sensitive
        assert admin.post(f"/brukere/{name}", data={"csrf_token": token, **form}).status_code == 303
        assert "Du kan ikke endre din egen rolle eller deaktivere deg selv." in flash(admin), name
    me = [u for u in room.users.all() if u.username == "ada"][0]
    assert me.role == "admin" and me.active
    page = admin.get("/brukere").text  # no role or deactivation form of one's own; one's e-mail address, yes
    assert 'name="role" aria-label="Rolle for ada"' not in page and 'aria-label="E-post for ada"' in page


def test_changing_an_unknown_user_or_to_an_unknown_role_is_refused(room):
    admin = room.as_user("ada")
    token = csrf_of(admin.get("/brukere").text)
    admin.post("/brukere/ingen", data={"csrf_token": token, "role": "operator"})
    assert "Ingen bruker ingen" in flash(admin)
    admin.post("/brukere/ola", data={"csrf_token": token, "role": "superbruker"})
    page = flash(admin)
    assert "Ukjent rolle" in page and "is not a valid" not in page
    assert [u.role for u in room.users.all() if u.username == "ola"] == ["operator"]


def test_the_user_page_lists_users_without_hashes(room):
    admin = room.as_user("ada")
    page = admin.get("/brukere").text
    for username in ("ada", "mona", "ola"):
        assert f"<td>{username}</td>" in page
    assert "Arkivmedarbeider" in page and "Leder (lesetilgang)" in page and "Administrator" in page
    assert "$argon2" not in page and PASSWORD not in page


@pytest.mark.parametrize("address", ["kari@kommune.no\nBcc: alle@kommune.no", "Kari <kari@kommune.no>", "kari@kommune",
                                     "kari kommune.no", "kari@@kommune.no"])
def test_an_address_that_is_not_a_plain_e_mail_address_is_refused_and_nothing_is_made(room, address):
    admin = room.as_user("ada")
    token = csrf_of(admin.get("/brukere").text)
    admin.post("/brukere", data={"csrf_token": token, "username": "nils", "password": PASSWORD, "role": "operator",
                                 "email": address})
    assert "Ugyldig e-postadresse" in flash(admin) and room.users.named("nils") is None
    admin.post("/brukere/ola", data={"csrf_token": token, "email": address})
    assert "Ugyldig e-postadresse" in flash(admin) and room.users.named("ola").email is None


def test_a_rename_keeps_the_user_and_ends_their_sessions_but_never_takes_a_name_in_use(room):
    before = room.users.named("ola")
    renamed = room.users.rename("OLA", "ola.lokal")
    assert (renamed.id, renamed.username, renamed.session_epoch) == (before.id, "ola.lokal", before.session_epoch + 1)
    with pytest.raises(UserError, match="finnes allerede"):
        room.users.rename("ola.lokal", "mona")
    with pytest.raises(UserError, match="Brukernavnet kan ha"):
        room.users.rename("ola.lokal", "ola lokal")
    assert room.users.named("ola.lokal") is not None and room.users.named("mona").role == "manager"
