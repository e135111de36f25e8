"""Single sign-on to the control room with the municipality's OpenID Connect provider (Microsoft Entra
ID or any other): the authorization code flow with PKCE (S256), through Authlib's Starlette client.

    GET /logg-inn/oidc        the provider's log-in page; state, nonce and PKCE verifier wait in the session
    GET /logg-inn/oidc/svar   back from the provider: the ID token checked (signature, ``iss``, ``aud``,
                              ``exp``, nonce), the user found by ``"<issuer> <sub>"`` or made, the role
                              set from their groups (``web.oidc.role_claims``), the session begun

A refused log-in shows the log-in page with a message in Norwegian (401: the answer could not be
trusted; 403: a user who may not log in) and leaves no session. See docs/control-room.md."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

import authlib.deprecate  # noqa: F401 - its own "always show" filter first, so that the one below wins
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from joserfc.errors import JoseError
from starlette.concurrency import run_in_threadpool

from saksrobot.audit import Action
from saksrobot.errors import SaksrobotError
from saksrobot.settings import OidcSettings
from saksrobot.web.security import local_target, start_session
from saksrobot.web.users import Role, User, user_facts

with warnings.catch_warnings():  # Authlib's notice that it would rather have httpx2: httpx works as well
    warnings.filterwarnings("ignore", message="The httpx module is deprecated")
    from authlib.integrations.starlette_client import OAuth, OAuthError

try:  # the HTTP client Authlib uses, as it chooses: httpx2 where installed, else httpx
    import httpx2 as http_client
except ImportError:
    import httpx as http_client

log = logging.getLogger(__name__)
START, CALLBACK = "/logg-inn/oidc", "/logg-inn/oidc/svar"
STRONGEST_FIRST = (Role.ADMIN, Role.OPERATOR, Role.MANAGER)
ID_TOKEN = "oidc_id_token"  # in the session of a user logged in by single sign-on: the hint for the provider's log-out
NEXT = "oidc_neste"  # the page to show after the provider's answer
PENDING = "_state_saksrobot_"  # Authlib's session keys of a log-in under way (state, nonce, PKCE verifier)
MAX_HINT = 1500  # a larger ID token is not kept (the session is a cookie): the provider's log-out then asks
ACTOR = "innlogging (oidc)"  # the audit trail's actor of what a log-in changes
# what the provider (or an answer that is not the provider's) can go wrong with: never a 500
PROTOCOL_ERRORS = (OAuthError, JoseError, http_client.HTTPError, ValueError, KeyError, RuntimeError)

NOT_TRUSTED = "Innloggingen med kommunens konto kunne ikke bekreftes. Prøv å logge inn på nytt."
NO_GROUP = "Du er ikke i noen gruppe som gir tilgang til saksrobot. Spør en administrator."
DEACTIVATED = "Brukeren din er deaktivert. Spør en administrator."
UNREACHABLE = "Kommunens innlogging svarer ikke nå. Prøv igjen senere, eller logg inn med passord."


def role_of(claims: Mapping[str, Any], settings: OidcSettings) -> Role | None:
    """The strongest role the user's groups give (admin > operator > manager); None if none of them is
    mapped. A group claim may be a list of values or a single one."""
    values: set[str] = set()
    for name in settings.group_claims:
        value = claims.get(name)
        if isinstance(value, str):
            values.add(value)
        elif isinstance(value, list):
            values.update(v for v in value if isinstance(v, str))
    roles = {Role(settings.role_claims[value]) for value in values if value in settings.role_claims}
    return next((role for role in STRONGEST_FIRST if role in roles), None)


def username_of(claims: Mapping[str, Any], settings: OidcSettings) -> str:
    """A new user's name: ``username_claim`` in lower case, without an e-mail-like name's domain
    (Entra ID's ``preferred_username`` is ``kari.nordmann@kommune.no``)."""
    return str(claims.get(settings.username_claim) or "").strip().lower().split("@")[0]


def _taken(user: User) -> str:
    if user.oidc_subject is None:  # never taken over: it may be somebody else's (docs/control-room.md)
        return (f"Det finnes allerede en lokal bruker med brukernavnet {user.username}. En administrator må "
                "fjerne eller gi nytt navn til den lokale brukeren før du kan logge inn med kommunens konto.")
    return f"Brukernavnet {user.username} er allerede i bruk av en annen konto. Spør en administrator."


class Refused(Exception):
    """A single sign-on that logs nobody in: the user's message, the status, the reason for the log (no
    personal data) and the known user name for the audit trail."""

    def __init__(self, message: str, status: int, reason: str, username: str | None = None) -> None:
        super().__init__(reason)
        self.message, self.status, self.reason, self.username = message, status, reason, username


class SingleSignOn:
    """The two routes of single sign-on, over the control room (its users, audit trail and pages)."""

    def __init__(self, room) -> None:  # noqa: ANN001 - the ControlRoom (no import cycle)
        self.room, self.settings = room, room.settings.web.oidc
        secret = self.settings.client_secret
        self.client = OAuth().register(
            "saksrobot", client_id=self.settings.client_id,
            client_secret=secret.get_secret_value() if secret else None,
            server_metadata_url=f"{self.settings.issuer.rstrip('/')}/.well-known/openid-configuration",
            client_kwargs={"scope": self.settings.scopes, "code_challenge_method": "S256",
                           "timeout": self.settings.timeout_seconds})

    def _enabled(self) -> None:
        if not self.settings.enabled:
            raise HTTPException(404, "Innlogging med kommunens konto er ikke slått på.")

    async def start(self, request: Request, neste: str = "/") -> Response:

        self._enabled()
        for key in [key for key in request.session if key.startswith(PENDING)]:
            del request.session[key]  # one log-in under way at a time: the session is a cookie of at most 4 kB
        request.session[NEXT] = local_target(neste)
        try:
            return await self.client.authorize_redirect(request, str(request.url_for("oidc_callback")))
        except PROTOCOL_ERRORS as exc:
            return self.refused(request, Refused(UNREACHABLE, 503, f"no discovery ({type(exc).__name__})"), False)

    async def callback(self, request: Request) -> Response:
        self._enabled()
        if not any(key.startswith(PENDING) for key in request.session):
            # no log-in under way in this browser: a stale or forged answer, or one used already. Nothing
            # is recorded and nobody's session is touched (a link here cannot log a user out)
            log.info("Single sign-on answer without a log-in under way: ignored")
            return RedirectResponse("/logg-inn", status_code=303)
        target = request.session.get(NEXT, "/")
        try:
            token = await self._token(request)
            user = await run_in_threadpool(self.admit, token["userinfo"])
        except Refused as refused:
            return self.refused(request, refused)
        start_session(request, user)
        id_token = token.get("id_token", "")
        request.session[ID_TOKEN] = id_token if len(id_token) <= MAX_HINT else ""
        return RedirectResponse(target, status_code=303)

    async def _token(self, request: Request) -> dict[str, Any]:
        """The provider's token answer with its ID token's checked claims (``userinfo``): checked
        state (once only: it leaves the session), PKCE, signature, issuer, audience, times, nonce."""
        options = {"iss": {"essential": True, "values": [self.settings.issuer]},
                   "aud": {"essential": True, "values": [self.settings.client_id]}}
        try:
            token = await self.client.authorize_access_token(request, claims_options=options)
        except PROTOCOL_ERRORS as exc:
            detail = exc.error if isinstance(exc, OAuthError) else type(exc).__name__
            raise Refused(NOT_TRUSTED, 401, f"answer not accepted ({detail})") from None
        if not token.get("userinfo"):  # no ID token, or no nonce to check it by
            raise Refused(NOT_TRUSTED, 401, "no ID token")
        return token

    def admit(self, claims: Mapping[str, Any]) -> User:
        """The user of these checked claims, made at their first log-in and given the role of their
        groups at every log-in; refused when deactivated, in no mapped group, or when the user name is
        a local (password) user's."""
        users, audit = self.room.users, self.room.audit
        subject = f"{self.settings.issuer} {claims['sub']}"
        role = role_of(claims, self.settings)
        user = users.with_subject(subject)
        if user is not None and not user.active:
            raise Refused(DEACTIVATED, 403, "deactivated user", user.username)
        if role is None:
            raise Refused(NO_GROUP, 403, "no mapped group", user.username if user else None)
        if user is None:
            username = username_of(claims, self.settings)
            if (taken := users.named(username) if username else None) is not None:
                raise Refused(_taken(taken), 403, "user name taken")  # somebody else than that user
            try:
                user = users.add_single_sign_on(subject, username, role, str(claims.get("name") or ""),
                                                str(claims.get("email") or ""))
            except SaksrobotError as exc:
                raise Refused(f"Kan ikke lage brukeren: {exc}", 403, "no valid user name") from None
            audit.record(ACTOR, Action.USER_CREATE, ("user", user.username),
                         after={**user_facts(user), "kilde": "oidc"})
        else:
            before, user = user, users.signed_on(user.username, role)
            if before.role != user.role:
                audit.record(ACTOR, Action.USER_ROLE, ("user", user.username), before=user_facts(before),
                             after=user_facts(user))
        audit.record(user.username, Action.LOGIN, ("user", user.username))
        return user

    def refused(self, request: Request, refused: Refused, attempted: bool = True) -> Response:
        """The log-in page with the message; a log-in attempted (not one that never reached the
        provider) is in the audit trail."""
        log.info("Single sign-on refused: %s", refused.reason)
        if attempted:
            self.room.audit.record(refused.username or "ukjent bruker", Action.LOGIN_FAILED,
                                   ("user", refused.username or "-"))
        request.session.clear()  # no session, and no state left to use again
        return self.room.page(request, "login.html", None, status=refused.status, neste="/", error=refused.message)

    async def logged_out(self, request: Request) -> Response | None:
        """After the log-out of a user who logged in by single sign-on: a page that sends them on to the
        provider's log-out (``end_session_endpoint``), if it has one. A page, not a redirect: the browser
        would refuse a redirect to another site after the log-out form (CSP ``form-action 'self'``)."""
        if not self.settings.enabled or ID_TOKEN not in request.session:
            return None
        hint = request.session[ID_TOKEN] or None
        try:
            if not (await self.client.load_server_metadata()).get("end_session_endpoint"):
                return None
            found = await self.client.create_logout_url(
                post_logout_redirect_uri=urljoin(str(request.base_url), "logg-inn"), id_token_hint=hint,
                **({} if hint else {"client_id": self.settings.client_id}))
        except PROTOCOL_ERRORS as exc:
            log.info("No log-out at the provider: %s", type(exc).__name__)
            return None
        return self.room.page(request, "logged_out.html", None, end_session=found["url"])


def add_routes(app: FastAPI, room) -> None:  # noqa: ANN001 - the ControlRoom (no import cycle)
    """The single sign-on routes (they answer 404 while ``web.oidc.enabled`` is false), and the log-in
    page's button."""
    sso = SingleSignOn(room)
    app.state.sso = sso
    room.templates.env.globals["sso_label"] = sso.settings.button_label if sso.settings.enabled else None
    app.add_api_route(START, sso.start, methods=["GET"], response_class=HTMLResponse, name="oidc_start")
    app.add_api_route(CALLBACK, sso.callback, methods=["GET"], response_class=HTMLResponse, name="oidc_callback")


async def logged_out(request: Request) -> Response | None:
    """The page after log-out that sends the user on to the provider's log-out, or None (see
    :meth:`SingleSignOn.logged_out`)."""
    sso = getattr(request.app.state, "sso", None)
    return await sso.logged_out(request) if sso else None
