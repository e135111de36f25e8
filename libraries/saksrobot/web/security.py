"""Guards of the control room: who is logged in, what their role allows, CSRF tokens on every
form, a log-in rate limit, and response headers that keep pages out of frames and caches."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import PlainTextResponse, Response

from saksrobot.web.users import Role, User, UserStore

log = logging.getLogger(__name__)

CSRF_FIELD = "csrf_token"
EVERYONE = frozenset(Role)
OPERATORS = frozenset({Role.OPERATOR, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})


def local_target(target: str) -> str:
    """Where to go after log-in: a path of this site only (never another site's address)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def start_session(request: Request, user: User) -> None:
    """A new session (and CSRF token) at log-in, by password or single sign-on: nothing of the
    session before it is kept. The cookie holds the user id, role and session epoch."""
    request.session.clear()
    request.session.update(user_id=user.id, role=user.role, epoch=user.session_epoch,
                           **{CSRF_FIELD: secrets.token_urlsafe(32)})


class LoginRequired(Exception):
    """Not logged in: the app answers with a redirect to the log-in page."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use); every form carries it in a hidden field."""
    if CSRF_FIELD not in request.session:
        request.session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return request.session[CSRF_FIELD]


async def check_csrf(request: Request) -> None:
    form = await request.form()
    sent, expected = str(form.get(CSRF_FIELD, "")), request.session.get(CSRF_FIELD, "")
    if not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(403, "Skjemaet er utløpt eller ugyldig. Last siden på nytt og prøv igjen.")


def current_user(request: Request, users: UserStore, roles: frozenset[Role]) -> User:
    """The logged-in, active user, if their role is one of ``roles``; else log in (401) or 403."""
    user_id = request.session.get("user_id")
    user = users.get(user_id) if isinstance(user_id, int) else None
    if (user is None or not user.active or user.role != request.session.get("role")
            or user.session_epoch != request.session.get("epoch")):
        request.session.pop("user_id", None)
        raise LoginRequired
    if Role(user.role) not in roles:
        raise HTTPException(403, "Du har ikke tilgang til dette. Spør en administrator.")
    return user


class LoginThrottle:
    """At most ``attempts`` failed log-ins per user name and per address within ``window`` seconds.
    An attempt is counted before its password is checked, so parallel guesses count too; a right
    password takes its own attempt back and clears the user name's count."""

    def __init__(self, attempts: int, window: float) -> None:
        self.attempts, self.window = attempts, window
        self._attempts: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        attempts = self._attempts[key]
        while attempts and now - attempts[0] > self.window:
            attempts.popleft()
        if not attempts:
            del self._attempts[key]  # no key kept for every name ever tried
            return deque()
        return attempts

    def attempt(self, *keys: str) -> float:
        """Count an attempt and return 0, or return how many seconds to wait (nothing counted)."""
        now = time.monotonic()
        with self._lock:
            recent = [(key, self._recent(key, now)) for key in keys]
            waits = [self.window - (now - attempts[0]) for _, attempts in recent if len(attempts) >= self.attempts]
            if waits:
                return max(waits)
            for key, _ in recent:
                self._attempts[key].append(now)
        return 0.0

    def succeeded(self, user_key: str, *other_keys: str) -> None:
        with self._lock:
            self._attempts.pop(user_key, None)
            for key in other_keys:
                if attempts := self._attempts.get(key):
                    attempts.pop()
                    if not attempts:
                        del self._attempts[key]


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next) -> Response:  # noqa: ANN001 - Starlette's type
        try:
            response = await call_next(request)
        except Exception:  # a bug: logged (masked) for us, a plain page with our headers for the user
            log.exception("Feil i kontrollrommet på %s %s", request.method, request.url.path)
            response = PlainTextResponse("Noe gikk galt. Feilen er logget.", status_code=500)
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                    "script-src 'self'; frame-ancestors 'none'; form-action 'self'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response
