"""Editors' accounts: users, sessions, API tokens and sign-in attempts.

Passwords are hashed with Argon2 (argon2-cffi's ``PasswordHasher``); an API token or a
session id is shown once (the session id lives in the signed cookie) and only its SHA-256 is
kept (they are long random strings, so a fast hash is enough). A session ends on sign-out,
when its account is disabled or its password changed, and after ``SESSION_HOURS``.

Sign-in is throttled in the store, atomically: a password is checked only after a slot was
taken in :class:`Throttle` by one conditional UPDATE, so at most ``ACCOUNT_FAILURES``
passwords of one account, and ``CLIENT_FAILURES`` from one client, are checked per
``LOCKOUT_WINDOW``, however many requests arrive at once (on SQLite and PostgreSQL alike).
A success gives the account its slots back, but only returns its own slot to the client.

New passwords follow OWASP ASVS level 1 (:func:`check_password`): 12 to 128 characters, any
characters, no composition rules; refused when on the list of 30,000 common and breached
passwords shipped with the ``zxcvbn`` package, or when zxcvbn (which knows that list,
repeats, sequences, keyboard runs and words) estimates it guessed within 10^10 tries.
Emails are checked by ``email-validator`` (syntax only). The command line and the site call
these same functions. Changes to an account are written to the history
(:mod:`scaleup.store.history`).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    case,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from scaleup.errors import InputError, Problem
from scaleup.store.db import Base, as_utc, transaction, utcnow
from scaleup.store.history import record_change

Role = Literal["editor", "admin"]
ROLES: tuple[Role, ...] = ("editor", "admin")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
MAX_EMAIL_LENGTH = 254
TOKEN_PREFIX = "sut_"
SESSION_HOURS = 8
MIN_GUESSES_LOG10 = 10
"""zxcvbn's estimate below which a password is refused as too easy to guess (its score 3)."""

# Sign-in lock-out: this many password checks that failed inside the window lock the
# account (or the client) until the window ends.
ACCOUNT_FAILURES = 5
CLIENT_FAILURES = 20
LOCKOUT_WINDOW = timedelta(minutes=15)

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


class BrowserSession(Base):
    """A signed-in browser: the cookie carries the id, the store its hash."""

    __tablename__ = "account_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("account_user.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SignInAttempt(Base):
    __tablename__ = "account_sign_in"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    client: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    checked: Mapped[bool] = mapped_column(Boolean, default=True)
    """Whether the password was checked (False: refused as locked, unchecked)."""


class Throttle(Base):
    """Failed password checks of one account (``kind`` "account") or client ("client") in
    the window that began at ``window_start``."""

    __tablename__ = "account_throttle"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(254), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    failures: Mapped[int] = mapped_column(Integer)


# --- users -----------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> list[Problem]:
    """The one check of an email address, for the command line and the site alike."""
    text = normalise_email(email)
    if len(text) > MAX_EMAIL_LENGTH:
        return [Problem(None, f"must be at most {MAX_EMAIL_LENGTH} characters", column="email")]
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        return [Problem(None, f"{email!r} is not an email address: {exc}", column="email")]
    return []


@functools.cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password(password: str, email: str = "") -> list[Problem]:
    """The one password policy (OWASP ASVS level 1), for the command line and the site."""

    def problem(message: str) -> list[Problem]:
        return [Problem(None, message, column="password")]

    if len(password) < MIN_PASSWORD_LENGTH:
        return problem(f"must be at least {MIN_PASSWORD_LENGTH} characters, got {len(password)}")
    if len(password) > MAX_PASSWORD_LENGTH:
        return problem(f"must be at most {MAX_PASSWORD_LENGTH} characters, got {len(password)}")
    if password.lower() in _common_passwords() or password.strip().lower() in _common_passwords():
        return problem("is on a list of common and breached passwords; choose another")
    from zxcvbn import zxcvbn

    address = normalise_email(email)
    hints = [address] + [p for p in address.replace("@", ".").split(".") if len(p) > 2]
    estimate = zxcvbn(password[:72], user_inputs=hints)
    if estimate["guesses_log10"] < MIN_GUESSES_LOG10:
        why = estimate["feedback"]["warning"] or "it is made of a guessable pattern"
        return problem(f"is too easy to guess ({why.rstrip('.')}); a few unrelated words do well")
    return []


def check_new_user(email: str, role: str, password: str) -> list[Problem]:
    problems = check_email(email)
    if role not in ROLES:
        problems.append(
            Problem(None, f"expected one of {list(ROLES)}, got {role!r}", column="role")
        )
    problems.extend(check_password(password, email))
    return problems


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
    """Change a role or (dis)able an account; disabling ends its sessions and revokes its
    API tokens for good (enabling it again revives neither)."""
    if role not in ROLES:
        raise InputError(
            Problem(None, f"expected one of {list(ROLES)}, got {role!r}", column="role")
        )
    before = describe_user(user)
    user.role = role
    user.active = active
    if not active:
        end_sessions(session, user)
        session.execute(update(ApiToken).where(ApiToken.user_id == user.id).values(revoked=True))
    after = describe_user(user)
    if before != after:
        record_change(session, actor, "update", "user", user.email, before, after)


def set_password(session: Session, user: User, password: str, *, actor: str) -> None:
    """A new password (the same policy as a new account's); every session of the account ends."""
    problems = check_password(password, user.email)
    if problems:
        raise InputError(problems)
    user.password_hash = _hasher.hash(password)
    end_sessions(session, user)
    record_change(session, actor, "password", "user", user.email, None, None)


def describe_user(user: User) -> dict[str, Any]:
    return {"email": user.email, "role": user.role, "active": user.active}


# --- browser sessions -------------------------------------------------------------------


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start_session(session: Session, user: User, now: datetime | None = None) -> str:
    """A new session of ``user``: its id (for the signed cookie), kept here only as a hash.
    Sessions past their time are cleared on the way."""
    now = now or utcnow()
    session.execute(delete(BrowserSession).where(BrowserSession.expires < now))
    sid = secrets.token_urlsafe(32)
    session.add(
        BrowserSession(
            user_id=user.id,
            token_hash=_hash(sid),
            created=now,
            expires=now + timedelta(hours=SESSION_HOURS),
        )
    )
    return sid


def user_for_session(session: Session, sid: str, now: datetime | None = None) -> User | None:
    """The active user whose unexpired session ``sid`` is, or None."""
    if not sid or len(sid) > 100:
        return None
    row = session.execute(
        select(User, BrowserSession.expires)
        .join(BrowserSession, BrowserSession.user_id == User.id)
        .where(BrowserSession.token_hash == _hash(sid))
    ).first()
    if row is None or as_utc(row[1]) <= (now or utcnow()) or not row[0].active:
        return None
    user: User = row[0]
    return user


def end_session(session: Session, sid: str) -> None:
    """Sign-out: the session is gone from the store, whatever the browser keeps."""
    session.execute(delete(BrowserSession).where(BrowserSession.token_hash == _hash(sid)))


def end_sessions(session: Session, user: User) -> None:
    session.execute(delete(BrowserSession).where(BrowserSession.user_id == user.id))


# --- sign-in ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to: a user, or why not."""

    user: User | None
    locked: bool = False


def _take_slot(session: Session, kind: str, key: str, limit: int, now: datetime) -> bool:
    """Count one more password check of ``key``, unless ``limit`` failures are counted in
    its window already: one conditional UPDATE, so racing requests cannot both pass."""
    insert = _insert_for(session)
    session.execute(
        insert(Throttle)
        .values(kind=kind, key=key, window_start=now, failures=0)
        .on_conflict_do_nothing()
    )
    expired = Throttle.window_start <= now - LOCKOUT_WINDOW
    taken = session.execute(
        update(Throttle)
        .where(Throttle.kind == kind, Throttle.key == key, or_(expired, Throttle.failures < limit))
        .values(
            failures=case((expired, 1), else_=Throttle.failures + 1),
            window_start=case((expired, now), else_=Throttle.window_start),
        )
        .execution_options(synchronize_session=False)
    )
    return bool(taken.rowcount)  # type: ignore[attr-defined]


def _give_back(session: Session, kind: str, key: str, *, everything: bool) -> None:
    session.execute(
        update(Throttle)
        .where(Throttle.kind == kind, Throttle.key == key, Throttle.failures > 0)
        .values(failures=0 if everything else Throttle.failures - 1)
        .execution_options(synchronize_session=False)
    )


def _insert_for(session: Session) -> Callable[..., Any]:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def is_locked(session: Session, email: str, client: str, now: datetime | None = None) -> bool:
    """Whether the next sign-in of ``email`` from ``client`` would be refused unchecked."""
    now = now or utcnow()
    for kind, key, limit in (
        ("account", normalise_email(email)[:254], ACCOUNT_FAILURES),
        ("client", client[:100], CLIENT_FAILURES),
    ):
        row = session.get(Throttle, (kind, key))
        if (
            row is not None
            and row.failures >= limit
            and as_utc(row.window_start) > now - (LOCKOUT_WINDOW)
        ):
            return True
    return False


def sign_in(
    sessions: sessionmaker[Session],
    email: str,
    password: str,
    client: str,
    now: datetime | None = None,
) -> SignIn:
    """Check a password, unless the account or client is locked; record the attempt.

    Three steps, the slow one outside any transaction: take a slot in the throttle (short
    transaction), check the password (Argon2, slow by design), record the outcome (short
    transaction). A locked account is refused even with the right password, and the answer
    does not say whether the email exists.
    """
    now = now or utcnow()
    email = normalise_email(email)[:254]
    client = client[:100]
    with transaction(sessions) as session:
        allowed = _take_slot(session, "client", client, CLIENT_FAILURES, now)
        if allowed and not _take_slot(session, "account", email, ACCOUNT_FAILURES, now):
            _give_back(session, "client", client, everything=False)
            allowed = False
        if not allowed:
            session.add(
                SignInAttempt(email=email, client=client, at=now, succeeded=False, checked=False)
            )
            return SignIn(None, locked=True)
        user = get_user(session, email)
        stored = user.password_hash if user else _dummy_hash()
    ok = False
    try:
        ok = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        ok = False
    with transaction(sessions) as session:
        user = get_user(session, email)
        ok = ok and user is not None and user.active and user.password_hash == stored
        session.add(SignInAttempt(email=email, client=client, at=now, succeeded=ok, checked=True))
        if ok and user is not None:
            _give_back(session, "account", email, everything=True)
            _give_back(session, "client", client, everything=False)
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = _hasher.hash(password)
        return SignIn(user if ok else None)


# --- API tokens -------------------------------------------------------------------------


def issue_token(session: Session, user: User, *, actor: str) -> str:
    """A new API token for ``user``: returned once, stored only as a hash."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_hash(token), created=utcnow()))
    record_change(session, actor, "token", "user", user.email, None, None)
    return token


def user_for_token(session: Session, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _hash(token), ApiToken.revoked.is_(False))
    )
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    )


def revoke_token(session: Session, token: str, *, actor: str) -> User:
    """Revoke one API token, given itself or its number (``scaleup users tokens EMAIL``)."""
    text = token.strip()
    if text.isdigit() and len(text) < 12:
        row = session.get(ApiToken, int(text))
    elif text.startswith(TOKEN_PREFIX) and len(text) <= 200:
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(text)))
    else:
        raise InputError(
            Problem(None, f"expected a token ({TOKEN_PREFIX}...) or its number", column="token")
        )
    if row is None:
        raise InputError(Problem(None, "no such API token", column="token"))
    user = session.get(User, row.user_id)
    assert user is not None  # the foreign key
    if not row.revoked:
        row.revoked = True
        record_change(session, actor, "revoke-token", "user", user.email, None, {"token": row.id})
    return user
