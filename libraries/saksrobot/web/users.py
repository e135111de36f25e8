"""Users of the control room: roles, passwords hashed with Argon2id (argon2-cffi), nothing else
about a person kept but a display name."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import DateTime, String, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from saksrobot.database import Base
from saksrobot.errors import BusinessError
from saksrobot.workitems.store import utcnow

MIN_PASSWORD = 12
_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters


@cache
def _dummy() -> str:
    """A hash to verify against when the user does not exist (the same time either way); made on
    first use, not at import."""
    return _hasher.hash("no user has this password")


class Role(StrEnum):
    OPERATOR = "operator"  # archive staff: schedules, run now, the manual queue
    MANAGER = "manager"    # reports, read-only
    ADMIN = "admin"        # users and settings, and all an operator can do

    @property
    def label(self) -> str:
        return {"operator": "Arkivmedarbeider", "manager": "Leder (lesetilgang)", "admin": "Administrator"}[self]


class UserError(BusinessError):
    code = "user"


class User(Base):
    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    session_epoch: Mapped[int] = mapped_column(default=0)  # +1 ends every session of the user (cookies are stateless)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime())
    email: Mapped[str | None] = mapped_column(String(320))  # where alerts are sent
    oidc_subject: Mapped[str | None] = mapped_column(String(400), unique=True)  # "<issuer> <sub>" of single sign-on

    def __repr__(self) -> str:  # never the hash
        return f"User({self.username}, {self.role})"


def user_facts(user: User) -> dict[str, object]:
    """A user as the audit trail keeps them: role and state, and of the e-mail address only its domain
    (a change of address shows, the address does not)."""
    return {"rolle": user.role, "aktiv": user.active, "e-post": f"…@{user.email.split('@')[1]}" if user.email else None}


def _valid_username(username: str) -> str:
    """The user name in lower case, if it is one the control room allows."""
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise UserError("Brukernavnet kan ha bokstaver, tall, punktum, bindestrek og understrek")
    return username


_ADDRESS_PART = r"[^@\s\x00-\x1f\x7f<>(),;:\"\[\]\\]+"  # no spaces, control characters or header syntax
_EMAIL = re.compile(rf"{_ADDRESS_PART}@{_ADDRESS_PART}\.{_ADDRESS_PART}")


def _is_email(email: str) -> bool:
    """A plain address (``kari@kommune.no``): no name part, no spaces or control characters (it goes
    into the To header of alert mails)."""
    return len(email) <= 320 and _EMAIL.fullmatch(email) is not None


def _valid_email(email: str) -> str | None:
    """The address stripped, None for none; :class:`UserError` for one that is not an address."""
    email = email.strip()
    if email and not _is_email(email):
        raise UserError(f"Ugyldig e-postadresse «{email}»")
    return email or None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"Passordet må ha minst {MIN_PASSWORD} tegn")


class UserStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, username: str, password: str, role: Role, name: str = "", email: str = "") -> User:
        username = _valid_username(username)
        _check_password(password)
        return self._insert(User(username=username, name=name.strip(), role=Role(role), email=_valid_email(email),
                                 password_hash=_hasher.hash(password), created_at=utcnow()))

    def _insert(self, user: User) -> User:
        with Session(self.engine, expire_on_commit=False) as s:
            s.add(user)
            try:
                s.commit()
            except IntegrityError:
                raise UserError(f"Brukeren {user.username} finnes allerede") from None
            return user

    def all(self) -> list[User]:
        with Session(self.engine, expire_on_commit=False) as s:
            return list(s.scalars(select(User).order_by(User.username)))

    def get(self, user_id: int) -> User | None:
        with Session(self.engine, expire_on_commit=False) as s:
            return s.get(User, user_id)

    def named(self, username: str) -> User | None:
        with Session(self.engine, expire_on_commit=False) as s:
            return s.scalar(select(User).where(User.username == username.strip().lower()))

    def with_subject(self, subject: str) -> User | None:
        """The user of this single sign-on identity (``"<issuer> <sub>"``), if they have logged in before."""
        with Session(self.engine, expire_on_commit=False) as s:
            return s.scalar(select(User).where(User.oidc_subject == subject))

    def add_single_sign_on(self, subject: str, username: str, role: Role, name: str = "", email: str = "") -> User:
        """A user made at their first single sign-on, with no password: a password log-in never finds
        them (an empty hash matches no password). An e-mail address that is not one is left out."""
        return self._insert(User(username=_valid_username(username), name=name.strip()[:200], role=Role(role),
                                 password_hash="", oidc_subject=subject,
                                 email=email.strip() if _is_email(email.strip()) else None,
                                 created_at=utcnow(), last_login_at=utcnow()))

    def signed_on(self, username: str, role: Role) -> User:
        """A single sign-on of an existing user: the role their groups give now, and the time."""
        return self._change(username, role=Role(role), last_login_at=utcnow())

    def count(self) -> int:
        with Session(self.engine) as s:
            return s.scalar(select(func.count()).select_from(User)) or 0

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user with this name and password, else None (in about the same time either way)."""
        with Session(self.engine, expire_on_commit=False) as s:
            user = s.scalar(select(User).where(User.username == username.strip().lower()))
            try:
                _hasher.verify(user.password_hash if user else _dummy(), password)
            except (VerificationError, InvalidHashError):
                return None
            if user is None or not user.active:
                return None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
            user.last_login_at = utcnow()
            s.commit()
            return user

    def _change(self, name: str, **values: object) -> User:
        with Session(self.engine, expire_on_commit=False) as s:
            user = s.scalar(select(User).where(User.username == name.strip().lower()))
            if user is None:
                raise UserError(f"Ingen bruker {name}")
            for name, value in values.items():
                setattr(user, name, value)
            s.commit()
            s.refresh(user)  # values given as SQL (session_epoch + 1) are read back
            return user

    def end_sessions(self, username: str) -> User:
        """Log the user out everywhere: a cookie made before this is refused."""
        return self._change(username, session_epoch=User.session_epoch + 1)

    def set_password(self, username: str, password: str) -> User:
        _check_password(password)
        return self._change(username, password_hash=_hasher.hash(password), session_epoch=User.session_epoch + 1)

    def set_role(self, username: str, role: Role) -> User:
        return self._change(username, role=Role(role))

    def set_active(self, username: str, active: bool) -> User:
        return self._change(username, active=active, session_epoch=User.session_epoch + 1)

    def rename(self, username: str, new_name: str) -> User:
        """Give a user another name (e.g. a local user whose name a single sign-on account needs); their
        sessions end. The audit trail keeps the rows under the old name."""
        try:
            return self._change(username, username=_valid_username(new_name), session_epoch=User.session_epoch + 1)
        except IntegrityError:
            raise UserError(f"Brukeren {new_name.strip().lower()} finnes allerede") from None

    def set_email(self, username: str, email: str) -> User:
        return self._change(username, email=_valid_email(email))
