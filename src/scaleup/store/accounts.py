"""Editors' accounts: users, API tokens and sign-in attempts.

Passwords are hashed with Argon2 (argon2-cffi's ``PasswordHasher``); an API token is shown
once and only its SHA-256 is kept (tokens are long random strings, so a fast hash is
enough). Repeated failed sign-ins lock an account, and a client, for a while. Changes to an
account are written to the history (:mod:`scaleup.store.history`).
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from scaleup.errors import InputError, Problem
from scaleup.store.db import Base, as_utc, utcnow
from scaleup.store.history import record_change

Role = Literal["editor", "admin"]
ROLES: tuple[Role, ...] = ("editor", "admin")
MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "sut_"

# Sign-in lock-out: this many failures inside the window lock the account (or the client).
ACCOUNT_FAILURES = 5
CLIENT_FAILURES = 20
LOCKOUT_WINDOW = timedelta(minutes=15)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so that timing does not reveal accounts."""
    return _hasher.hash(secrets.token_urlsafe(16))


class User(Base):
    __tablename__ = "account_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class ApiToken(Base):
    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class SignInAttempt(Base):
    __tablename__ = "account_sign_in"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    client: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


# --- users -----------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_new_user(email: str, role: str, password: str) -> list[Problem]:
    problems = []
    if not EMAIL.match(normalise_email(email)):
        problems.append(Problem(None, f"{email!r} is not an email address", column="email"))
    if role not in ROLES:
        problems.append(
            Problem(None, f"expected one of {list(ROLES)}, got {role!r}", column="role")
        )
    problems.extend(check_password(password))
    return problems


def check_password(password: str) -> list[Problem]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [
            Problem(
                None,
                f"must be at least {MIN_PASSWORD_LENGTH} characters, got {len(password)}",
                column="password",
            )
        ]
    return []


def get_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def get_user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def add_user(session: Session, email: str, role: str, password: str, *, actor: str) -> User:
    """Create an account; every problem with the request is reported at once."""
    problems = check_new_user(email, role, password)
    if not problems and get_user(session, email) is not None:
        problems.append(
            Problem(None, f"{normalise_email(email)} already has an account", column="email")
        )
    if problems:
        raise InputError(problems)
    user = User(
        email=normalise_email(email),
        password_hash=_hasher.hash(password),
        role=role,
        active=True,
        created=utcnow(),
    )
    session.add(user)
    session.flush()
    record_change(session, actor, "create", "user", user.email, None, describe_user(user))
    return user


def update_user(session: Session, user: User, *, role: str, active: bool, actor: str) -> None:
    if role not in ROLES:
        raise InputError(
            Problem(None, f"expected one of {list(ROLES)}, got {role!r}", column="role")
        )
    before = describe_user(user)
    user.role = role
    user.active = active
    if not active:
        for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
            token.revoked = True
    after = describe_user(user)
    if before != after:
        record_change(session, actor, "update", "user", user.email, before, after)


def describe_user(user: User) -> dict[str, Any]:
    return {"email": user.email, "role": user.role, "active": user.active}


# --- sign-in ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to: a user, or why not."""

    user: User | None
    locked: bool = False


def _recent_failures(session: Session, column: Any, value: str, now: datetime) -> int:
    since = now - LOCKOUT_WINDOW
    last_success = session.scalar(
        select(func.max(SignInAttempt.at)).where(
            column == value, SignInAttempt.succeeded.is_(True), SignInAttempt.at >= since
        )
    )
    if last_success is not None:
        since = as_utc(last_success)
    return (
        session.scalar(
            select(func.count())
            .select_from(SignInAttempt)
            .where(column == value, SignInAttempt.succeeded.is_(False), SignInAttempt.at > since)
        )
        or 0
    )


def is_locked(session: Session, email: str, client: str, now: datetime | None = None) -> bool:
    now = now or utcnow()
    email = normalise_email(email)
    return (
        _recent_failures(session, SignInAttempt.email, email, now) >= ACCOUNT_FAILURES
        or _recent_failures(session, SignInAttempt.client, client, now) >= CLIENT_FAILURES
    )


def sign_in(
    session: Session, email: str, password: str, client: str, now: datetime | None = None
) -> SignIn:
    """Check a password, unless the account or client is locked; record the attempt.

    A locked account is refused even with the right password, and the answer does not
    say whether the email exists.
    """
    now = now or utcnow()
    email = normalise_email(email)[:254]
    client = client[:100]
    if is_locked(session, email, client, now):
        session.add(SignInAttempt(email=email, client=client, at=now, succeeded=False))
        return SignIn(None, locked=True)
    user = get_user(session, email)
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.active
    session.add(SignInAttempt(email=email, client=client, at=now, succeeded=ok))
    if ok and user is not None and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return SignIn(user if ok else None)


# --- API tokens -------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, *, actor: str) -> str:
    """A new API token for ``user``: returned once, stored only as a hash."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), created=utcnow()))
    record_change(session, actor, "token", "user", user.email, None, None)
    return token


def user_for_token(session: Session, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _token_hash(token), ApiToken.revoked.is_(False)
        )
    )
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None
