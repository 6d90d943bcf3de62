"""`scaleup users`: editors' and admins' accounts and their API tokens."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import typer

from scaleup.cli.console import reports_errors, say
from scaleup.cli.finder import CONFIG, WORKSPACE, open_store

users_app = typer.Typer(
    rich_markup_mode="markdown",
    name="users",
    help="Accounts of the people who edit the review and the finder.",
    no_args_is_help=True,
)


def _read_password() -> str:
    """From the terminal (asked twice) or the first line of standard input; never an argument."""
    from scaleup.errors import InputError, Problem

    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise InputError(Problem(None, "the two passwords differ", column="password"))
        return first
    return sys.stdin.readline().rstrip("\r\n")


@users_app.command("add")
@reports_errors
def add(
    email: str = typer.Argument(..., help="The person's email address (their sign-in name)."),
    role: str = typer.Option(
        "editor", "--role", help="editor (edits) or admin (also manages users)."
    ),
    config: Path | None = CONFIG,
    workspace: Path = WORKSPACE,
) -> None:
    """Add an account; the password is read from standard input (12 to 128 characters, not a
    common or easily guessed one: the same rules as the site's form).

    Example: printf '%s\\n' "$PASSWORD" | scaleup users add ana@example.org --role admin
    """
    from scaleup.store import accounts, db

    password = _read_password()
    sessions = open_store(config, workspace)
    with db.transaction(sessions) as session:
        user = accounts.add_user(session, email, role, password, actor="command line")
    say(f"added {user.email} ({user.role})")


@users_app.command("token")
@reports_errors
def token(
    email: str = typer.Argument(..., help="Whose token (an existing, active account)."),
    config: Path | None = CONFIG,
    workspace: Path = WORKSPACE,
) -> None:
    """Print a new API token for EMAIL, alone on the last line (only its hash is kept).

    Use it as `Authorization: Bearer TOKEN` for the programme API's writes.

    Examples:

        scaleup users token editor@example.org --workspace review
    """
    from scaleup.errors import InputError, Problem
    from scaleup.store import accounts, db

    sessions = open_store(config, workspace)
    with db.transaction(sessions) as session:
        user = accounts.get_user(session, email)
        if user is None or not user.active:
            raise InputError(Problem(None, f"no active account for {email!r}", column="email"))
        new = accounts.issue_token(session, user, actor="command line")
        number = accounts.list_tokens(session, user)[-1].id
    print(
        f"new API token number {number} for {user.email} (shown once, keep it secret; "
        f"`scaleup users revoke-token {number}` revokes it):"
    )
    print(new)


@users_app.command("password")
@reports_errors
def password(
    email: str = typer.Argument(..., help="Whose password (an existing account)."),
    config: Path | None = CONFIG,
    workspace: Path = WORKSPACE,
) -> None:
    """Set a new password, read like `add`'s; every signed-in session of the account ends.

    Example: printf '%s\\n' "$PASSWORD" | scaleup users password ana@example.org
    """
    from scaleup.errors import InputError, Problem
    from scaleup.store import accounts, db

    new = _read_password()
    sessions = open_store(config, workspace)
    with db.transaction(sessions) as session:
        user = accounts.get_user(session, email)
        if user is None:
            raise InputError(Problem(None, f"no account for {email!r}", column="email"))
        accounts.set_password(session, user, new, actor="command line")
    say(f"new password for {user.email}; its sessions have ended")


@users_app.command("tokens")
@reports_errors
def tokens(
    email: str = typer.Argument(..., help="Whose API tokens."),
    config: Path | None = CONFIG,
    workspace: Path = WORKSPACE,
) -> None:
    """List an account's API tokens: number, when made, revoked or not (never the token).

    Example:

        scaleup users tokens editor@example.org --workspace review
    """
    from scaleup.errors import InputError, Problem
    from scaleup.store import accounts

    sessions = open_store(config, workspace)
    with sessions() as session:
        user = accounts.get_user(session, email)
        if user is None:
            raise InputError(Problem(None, f"no account for {email!r}", column="email"))
        for row in accounts.list_tokens(session, user):
            state = "revoked" if row.revoked else "active"
            say(f"{row.id}\t{row.created:%Y-%m-%d %H:%M}\t{state}")


@users_app.command("revoke-token")
@reports_errors
def revoke_token(
    token: str = typer.Argument(
        ..., help="The token itself, or its number from `scaleup users tokens EMAIL`."
    ),
    config: Path | None = CONFIG,
    workspace: Path = WORKSPACE,
) -> None:
    """Revoke one API token; the account's other tokens and sessions go on working.

    Examples:

        scaleup users revoke-token 3 --workspace review

        scaleup users revoke-token "$TOKEN" --workspace review
    """
    from scaleup.store import accounts, db

    sessions = open_store(config, workspace)
    with db.transaction(sessions) as session:
        user = accounts.revoke_token(session, token, actor="command line")
    say(f"revoked a token of {user.email}")


@users_app.command("list")
@reports_errors
def list_(config: Path | None = CONFIG, workspace: Path = WORKSPACE) -> None:
    """List the accounts: email, role, active or not.

    Example:

        scaleup users list --workspace review
    """
    from scaleup.store import accounts

    sessions = open_store(config, workspace)
    with sessions() as session:
        for user in accounts.list_users(session):
            say(f"{user.email}\t{user.role}\t{'active' if user.active else 'disabled'}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(users_app)
