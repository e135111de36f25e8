"""Single sign-on (OpenID Connect) of the control room: the settings, the groups → role mapping, the
users it makes, and the answers it refuses. The provider here is a small real HTTP server in a thread
that answers as a test tells it (discovery, JWKS, authorization, token): an ID token from the wrong
issuer, for another audience, expired, signed with another key, with another nonce, unsigned. The
normal flow against a real provider process, in a browser, is tests/acceptance/test_single_sign_on.py."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route
from webroom import PASSWORD

from saksrobot.audit import Action, AuditLog, Filter
from saksrobot.errors import ConfigurationError
from saksrobot.settings import OidcSettings, load_settings
from saksrobot.web.oidc import role_of, username_of
from saksrobot.web.users import Role
from served_room import free_port

CLIENT_ID = "saksrobot"
GROUPS = {"arkiv": "operator", "ledere": "manager", "it-drift": "admin"}
NO_GROUP = "Du er ikke i noen gruppe som gir tilgang til saksrobot. Spør en administrator."


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakeProvider:
    """An OpenID Connect provider that signs whatever ID token a test asks for. Its authorization
    endpoint sends the browser straight back with a code; its token endpoint checks the PKCE verifier
    (S256) against the challenge, then answers with ``claims`` (the good ones changed by ``changes``;
    a None removes a claim), signed by ``signing_key`` under ``header``."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.codes: dict[str, dict[str, str]] = {}
        self.reset()
        app = Starlette(routes=[Route("/.well-known/openid-configuration", self.discovery),
                                Route("/jwks", lambda _: JSONResponse(KeySet([self.key]).as_dict(private=False))),
                                Route("/authorize", self.authorize), Route("/token", self.token, methods=["POST"])])
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None))

    def reset(self) -> None:
        self.changes: dict[str, Any] = {}
        self.signing_key, self.header = self.key, {"alg": "RS256", "kid": "k1"}

    def discovery(self, _: Request) -> JSONResponse:
        return JSONResponse({"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                             "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                             "id_token_signing_alg_values_supported": ["RS256"]})

    def authorize(self, request: Request) -> RedirectResponse:
        query, code = request.query_params, secrets.token_urlsafe(16)
        assert query["code_challenge_method"] == "S256" and query["client_id"] == CLIENT_ID
        self.codes[code] = {"nonce": query["nonce"], "challenge": query["code_challenge"]}
        return RedirectResponse(f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}")

    async def token(self, request: Request) -> JSONResponse:
        form = await request.form()
        asked = self.codes.pop(str(form["code"]), None)
        verifier = hashlib.sha256(str(form.get("code_verifier", "")).encode()).digest()
        if asked is None or _b64(verifier) != asked["challenge"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": "sub-kari", "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": asked["nonce"], "preferred_username": "Kari", "name": "Kari Nordmann",
                  "email": "kari@kommune.no", "groups": ["arkiv", "alle-ansatte"]}
        claims = {k: v for k, v in (claims | self.changes).items() if v is not None}
        if self.header["alg"] == "none":  # no signature at all
            id_token = f"{_b64(json.dumps(self.header).encode())}.{_b64(json.dumps(claims).encode())}."
        else:
            id_token = jwt.encode(self.header, claims, self.signing_key)
        return JSONResponse({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                             "id_token": id_token})


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider()
    thread = threading.Thread(target=fake.server.run, daemon=True)
    thread.start()
    while not fake.server.started:
        time.sleep(0.02)
    yield fake
    fake.server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def sso_room(make_room, provider):
    provider.reset()
    return make_room(web={"oidc": {"enabled": True, "issuer": provider.issuer, "client_id": CLIENT_ID,
                                   "client_secret": "hemmelig", "role_claims": GROUPS}})


def single_sign_on(client, neste: str = "/manuell") -> httpx.Response:  # noqa: ANN001 - a TestClient
    """The browser's way: the button, the provider (which sends it straight back), the answer."""
    start = client.get("/logg-inn/oidc", params={"neste": neste})
    assert start.status_code == 302, start.text
    back = httpx.get(start.headers["location"])
    assert back.status_code == 307, back.text
    return client.get(back.headers["location"])


def logged_out(client) -> bool:  # noqa: ANN001
    return client.get("/").headers.get("location", "").startswith("/logg-inn")


def audit_rows(room) -> list[tuple[str, str, str]]:  # noqa: ANN001
    return [(e.actor, e.action, e.object_id) for e in reversed(AuditLog(room.engine).find(Filter(limit=100)))]


# --- settings and the mapping ----------------------------------------------------------------


def test_oidc_settings_are_off_by_default_and_checked_when_on():
    assert load_settings().web.oidc == OidcSettings()
    assert not OidcSettings().enabled and OidcSettings().group_claims == ["groups", "roles"]
    with pytest.raises(ConfigurationError, match="web.oidc.enabled needs web.oidc.issuer"):
        load_settings(web={"oidc": {"enabled": True, "client_id": "x"}})
    with pytest.raises(ConfigurationError, match="role_claims"):
        load_settings(web={"oidc": {"role_claims": {"arkiv": "superuser"}}})
    with pytest.raises(ConfigurationError, match="issuer must start with https://"):
        load_settings(web={"oidc": {"issuer": "login.microsoftonline.com/x/v2.0"}})


def test_the_client_secret_is_a_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv("SAKSROBOT_WEB__OIDC__CLIENT_SECRET", "hemmelig-verdi")
    settings = load_settings()
    assert settings.web.oidc.client_secret.get_secret_value() == "hemmelig-verdi"
    assert "hemmelig-verdi" not in str(settings.redacted())


@pytest.mark.parametrize("claims, role", [
    ({"groups": ["arkiv"]}, Role.OPERATOR),
    ({"groups": ["ledere", "arkiv"]}, Role.OPERATOR),  # the strongest: operator over manager
    ({"groups": ["ledere"], "roles": ["it-drift"]}, Role.ADMIN),  # app roles count too
    ({"roles": "ledere"}, Role.MANAGER),  # a single value
    ({"groups": ["alle-ansatte", 7, None]}, None),  # no mapped group (and values that are no group)
    ({"group": ["arkiv"]}, None),  # not a group claim
    ({}, None),
])
def test_the_strongest_mapped_group_gives_the_role(claims, role):
    assert role_of(claims, OidcSettings(role_claims=GROUPS)) == role


@pytest.mark.parametrize("value, username", [("Kari.Nordmann", "kari.nordmann"),
                                             (" Kari.Nordmann@Kommune.NO ", "kari.nordmann"), (None, "")])
def test_a_new_users_name_is_the_claim_in_lower_case_without_a_domain(value, username):
    assert username_of({"preferred_username": value}, OidcSettings()) == username


def test_the_client_secret_may_be_in_the_secrets_folder_and_is_never_shown(tmp_path, monkeypatch, make_room):
    (tmp_path / "web__oidc__client_secret").write_text("fra-mappen")
    monkeypatch.setenv("SAKSROBOT_SECRETS_DIR", str(tmp_path))
    room = make_room(web={"oidc": {"enabled": True, "issuer": "https://idp.example/t/v2.0", "client_id": "x"}})
    assert room.settings.web.oidc.client_secret.get_secret_value() == "fra-mappen"
    page = room.as_user("ada").get("/innstillinger")
    assert page.status_code == 200 and "https://idp.example/t/v2.0" in page.text and "fra-mappen" not in page.text


def test_a_user_made_by_single_sign_on_cannot_log_in_with_a_password(room):
    user = room.users.add_single_sign_on("https://idp sub-1", "Kari.Nordmann", Role.OPERATOR, "Kari", "ikke-epost")
    assert (user.username, user.password_hash, user.email) == ("kari.nordmann", "", None)
    for password in ("", PASSWORD, "x" * 20):
        assert room.users.authenticate("kari.nordmann", password) is None
    assert room.users.with_subject("https://idp sub-1").id == user.id


# --- the routes --------------------------------------------------------------------------------


def test_while_off_the_routes_answer_404_and_the_log_in_page_has_no_button(room):
    client = room.client()
    assert "kommunens konto" not in client.get("/logg-inn").text
    for path in ("/logg-inn/oidc", "/logg-inn/oidc/svar?code=x&state=y"):
        response = client.get(path)
        assert response.status_code == 404 and "ikke slått på" in response.text


def test_an_operator_logs_in_once_made_then_known_and_the_role_follows_the_groups(sso_room, provider):
    client = sso_room.client()
    page = client.get("/logg-inn", params={"neste": "/manuell"}).text
    assert 'href="/logg-inn/oidc?neste=%2Fmanuell"' in page and "Logg inn med kommunens konto" in page
    response = single_sign_on(client)
    assert (response.status_code, response.headers["location"]) == (303, "/manuell")
    assert client.get("/manuell").status_code == 200 and client.get("/brukere").status_code == 403
    kari = sso_room.users.named("kari")
    assert (kari.role, kari.name, kari.email, kari.oidc_subject) == (
        "operator", "Kari Nordmann", "kari@kommune.no", f"{provider.issuer} sub-kari")
    assert kari.last_login_at is not None
    provider.changes = {"groups": ["it-drift"], "preferred_username": "ny-navn"}  # the provider's name is not ours
    assert single_sign_on(sso_room.client()).status_code == 303
    assert sso_room.users.named("kari").role == "admin" and sso_room.users.named("ny-navn") is None
    assert audit_rows(sso_room) == [("innlogging (oidc)", Action.USER_CREATE, "kari"), ("kari", Action.LOGIN, "kari"),
                                    ("innlogging (oidc)", Action.USER_ROLE, "kari"), ("kari", Action.LOGIN, "kari")]
    events = AuditLog(sso_room.engine).find(Filter(limit=10))
    assert json.loads(events[-1].after) == {"rolle": "operator", "aktiv": True, "e-post": "…@kommune.no",
                                        "kilde": "oidc"}


@pytest.mark.parametrize("changes, status, message", [
    ({"groups": ["alle-ansatte"]}, 403, NO_GROUP),
    ({"preferred_username": "ola"}, 403, "Det finnes allerede en lokal bruker med brukernavnet ola"),
    ({"preferred_username": "kari nordmann"}, 403, "Kan ikke lage brukeren: Brukernavnet kan ha"),
    ({"preferred_username": None}, 403, "Kan ikke lage brukeren: Brukernavnet kan ha"),
])
def test_a_user_who_may_not_log_in_is_refused_with_no_session(sso_room, provider, changes, status, message):
    provider.changes = changes
    client = sso_room.client()
    response = single_sign_on(client)
    assert response.status_code == status and message in response.text
    assert logged_out(client)
    assert sso_room.users.with_subject(f"{provider.issuer} sub-kari") is None
    assert sso_room.users.named("ola").oidc_subject is None  # a local user is not taken over
    # somebody whose name is a local user's is not that user: the failed log-in is nobody's known
    assert audit_rows(sso_room) == [("ukjent bruker", Action.LOGIN_FAILED, "-")]


def test_a_name_taken_by_another_account_is_refused(sso_room, provider):
    assert single_sign_on(sso_room.client()).status_code == 303
    provider.changes = {"sub": "sub-another-kari", "preferred_username": "kari@skole.kommune.no"}
    response = single_sign_on(client := sso_room.client())
    assert response.status_code == 403 and "Brukernavnet kari er allerede i bruk av en annen konto" in response.text
    assert logged_out(client) and [u.username for u in sso_room.users.all()] == ["ada", "kari", "mona", "ola"]


def test_a_deactivated_user_and_one_who_left_the_groups_are_refused(sso_room, provider):
    assert single_sign_on(sso_room.client()).status_code == 303
    provider.changes = {"groups": []}
    response = single_sign_on(client := sso_room.client())
    assert response.status_code == 403 and NO_GROUP in response.text and logged_out(client)
    provider.changes = {}
    sso_room.users.set_active("kari", False)
    response = single_sign_on(client)
    assert response.status_code == 403 and "Brukeren din er deaktivert" in response.text and logged_out(client)
    assert [row[:2] for row in audit_rows(sso_room)[-2:]] == [("kari", Action.LOGIN_FAILED)] * 2


def forge(provider: FakeProvider, attack: str) -> None:
    now = int(time.time())
    if attack == "another key":  # the same key id, another key
        provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    elif attack == "unknown key id":
        provider.signing_key, provider.header = RSAKey.generate_key(2048), {"alg": "RS256", "kid": "k2"}
    elif attack == "unsigned":
        provider.header = {"alg": "none"}
    else:
        provider.changes = {
            "wrong issuer": {"iss": "https://login.example.com/other"},
            "no issuer": {"iss": None},
            "another audience": {"aud": "another-client", "azp": CLIENT_ID},  # azp alone is not enough
            "audiences without ours": {"aud": ["another-client", "third"]},
            "expired": {"exp": now - 600, "iat": now - 900},
            "issued in the future": {"iat": now + 3600, "exp": now + 7200},
            "another nonce": {"nonce": "not-the-one-sent"},
            "no nonce": {"nonce": None},
            "no subject": {"sub": None},
        }[attack]


@pytest.mark.parametrize("attack", ["another key", "unknown key id", "unsigned", "wrong issuer", "no issuer",
                                    "another audience", "audiences without ours", "expired", "issued in the future",
                                    "another nonce", "no nonce", "no subject"])
def test_an_id_token_that_cannot_be_trusted_is_refused(sso_room, provider, attack):
    forge(provider, attack)
    client = sso_room.client()
    response = single_sign_on(client)
    assert response.status_code == 401, response.text
    assert "Innloggingen med kommunens konto kunne ikke bekreftes" in response.text
    assert logged_out(client) and sso_room.users.named("kari") is None
    assert audit_rows(sso_room) == [("ukjent bruker", Action.LOGIN_FAILED, "-")]


def test_the_answer_counts_once_and_only_in_the_browser_that_asked(sso_room, provider):
    client = sso_room.client()
    start = client.get("/logg-inn/oidc")
    callback = httpx.get(start.headers["location"]).headers["location"]
    other = sso_room.client()  # another browser (an attacker's link): it never asked, nothing happens
    assert other.get(callback).headers["location"] == "/logg-inn" and logged_out(other)
    assert client.get(callback).status_code == 303 and not logged_out(client)
    rows = audit_rows(sso_room)
    replayed = client.get(callback)  # the same answer again: its state was used up; ignored
    assert replayed.headers["location"] == "/logg-inn" and not logged_out(client)  # nor does it log anyone out
    assert audit_rows(sso_room) == rows  # and a link here writes nothing
    tampered = sso_room.client()
    start = tampered.get("/logg-inn/oidc")
    callback = httpx.get(start.headers["location"]).headers["location"]
    query = parse_qs(urlparse(callback).query)
    assert tampered.get("/logg-inn/oidc/svar", params={"code": query["code"][0],
                                                       "state": query["state"][0] + "x"}).status_code == 401
    assert logged_out(tampered)


def test_only_the_latest_log_in_under_way_counts_and_the_cookie_stays_small(sso_room):
    client = sso_room.client()
    answers = [httpx.get(client.get("/logg-inn/oidc").headers["location"]).headers["location"] for _ in range(10)]
    assert len(client.cookies["saksrobot_okt"]) < 2000
    assert client.get(answers[0]).status_code == 401
    client = sso_room.client()
    answers = [httpx.get(client.get("/logg-inn/oidc").headers["location"]).headers["location"] for _ in range(3)]
    assert client.get(answers[-1]).status_code == 303 and not logged_out(client)


def test_the_providers_refusal_is_shown_not_raised(sso_room):
    client = sso_room.client()
    state = parse_qs(urlparse(client.get("/logg-inn/oidc").headers["location"]).query)["state"][0]
    response = client.get("/logg-inn/oidc/svar", params={"error": "access_denied", "state": state})
    assert response.status_code == 401 and "kunne ikke bekreftes" in response.text
    assert client.get("/logg-inn/oidc/svar").headers["location"] == "/logg-inn"  # no log-in under way any more


def test_a_provider_that_does_not_answer_gives_a_message(make_room):
    room = make_room(web={"oidc": {"enabled": True, "issuer": f"http://127.0.0.1:{free_port()}",
                                   "client_id": CLIENT_ID, "role_claims": GROUPS, "timeout_seconds": 2}})
    response = room.client().get("/logg-inn/oidc")
    assert response.status_code == 503 and "Kommunens innlogging svarer ikke" in response.text
    assert "Passord" in response.text  # the local form is still there
    assert audit_rows(room) == []  # nobody tried to log in yet


def test_only_a_local_target_is_kept(sso_room):
    for target in ("https://evil.example", "//evil.example", "/\\evil"):
        assert single_sign_on(sso_room.client(), neste=target).headers["location"] == "/"
