"""Accounts and security of the site: secrets, cookies, CSRF, lock-out, who may do what."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from finder.world import PASSWORD, SECRET, csrf_of, settings_for, sign_in, token_for
from scaleup.errors import ConfigError
from scaleup.store import accounts, db
from scaleup.web.app import create_app
from scaleup.web.auth import check_secret

DEMO_WORKSPACE = Path(__file__).resolve().parents[2] / "src/scaleup/demo/workspace"

# --- the secret key ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret", [None, "", "   ", "changethis", "short-secret", "a" * 40, "changethis" * 4]
)
def test_unsafe_secret_is_refused_at_start_up_outside_development(
    finder_sqlite_url: str, secret: str | None
) -> None:
    settings = settings_for(finder_sqlite_url, secret_key=secret)
    with pytest.raises(ConfigError, match="secret_key"):
        create_app(settings)


def test_development_may_run_without_a_secret(finder_sqlite_url: str) -> None:
    settings = settings_for(finder_sqlite_url, secret_key=None, environment="development")
    assert len(check_secret(settings)) >= 32
    create_app(settings)


def test_a_good_secret_is_used(finder_sqlite_url: str) -> None:
    assert check_secret(settings_for(finder_sqlite_url)) == SECRET


def test_serve_refuses_a_default_secret(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from scaleup.cli.main import app as cli

    workspace = tmp_path / "ws"
    shutil.copytree(DEMO_WORKSPACE, workspace)
    monkeypatch.setenv("SCALEUP_SECRET_KEY", "changethis")
    result = CliRunner().invoke(cli, ["serve", "-w", str(workspace), "--port", "1"])
    assert result.exit_code == 2, result.output
    assert "secret_key" in result.output and "Traceback" not in result.output


# --- sessions ---------------------------------------------------------------------------


def test_sign_in_sets_an_httponly_samesite_cookie_and_signs_out(finder_client: TestClient) -> None:
    response = sign_in(finder_client, "editor@example.org")
    assert response.status_code == 303 and response.headers["location"] == "/admin/"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    page = finder_client.get("/admin/")
    assert page.status_code == 200 and "editor@example.org" in page.text
    out = finder_client.post("/admin/logout", data={"csrf_token": csrf_of(page.text)})
    assert out.status_code == 200 and "signed out" in out.text
    assert finder_client.get("/admin/").status_code == 401


def test_cookie_is_secure_over_https(finder_app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(finder_app, base_url="https://review.example.org") as secure:
        response = sign_in(secure, "editor@example.org")
    assert "secure" in response.headers["set-cookie"].lower()


def test_wrong_password_and_unknown_email_get_the_same_answer(finder_client: TestClient) -> None:
    wrong = sign_in(finder_client, "editor@example.org", "not the password at all")
    unknown = sign_in(finder_client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match" in wrong.text and "do not match" in unknown.text


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    finder_client: TestClient,
) -> None:
    for _ in range(accounts.ACCOUNT_FAILURES):
        assert sign_in(finder_client, "editor@example.org", "wrong password!!").status_code == 401
    locked = sign_in(finder_client, "editor@example.org")
    assert locked.status_code == 429 and "Too many" in locked.text
    # another account from another client is not locked
    with TestClient(finder_client.app, client=("10.0.0.9", 5000)) as other:  # type: ignore[arg-type]
        assert sign_in(other, "admin@example.org").status_code == 303


def test_lock_out_ends_after_the_window(finder_app) -> None:  # type: ignore[no-untyped-def]
    sessions = finder_app.state.scaleup.sessions
    then = accounts.utcnow() - accounts.LOCKOUT_WINDOW - timedelta(minutes=1)
    for _ in range(accounts.ACCOUNT_FAILURES):
        accounts.sign_in(sessions, "editor@example.org", "bad", "1.2.3.4", now=then)
    locked = accounts.sign_in(sessions, "editor@example.org", PASSWORD, "1.2.3.4", now=then)
    assert locked.locked and locked.user is None
    with sessions() as session:
        assert accounts.is_locked(session, "editor@example.org", "1.2.3.4", now=then)
        assert not accounts.is_locked(session, "editor@example.org", "1.2.3.4")
    assert accounts.sign_in(sessions, "editor@example.org", PASSWORD, "1.2.3.4").user


def test_one_client_trying_many_accounts_is_locked(finder_app) -> None:  # type: ignore[no-untyped-def]
    sessions = finder_app.state.scaleup.sessions
    for n in range(accounts.CLIENT_FAILURES - 1):
        assert accounts.sign_in(sessions, f"guess{n}@example.org", "bad", "6.6.6.6").user is None
    assert accounts.sign_in(sessions, "guess@example.org", "bad", "6.6.6.6").user is None
    result = accounts.sign_in(sessions, "admin@example.org", PASSWORD, "6.6.6.6")
    assert result.locked and result.user is None
    # the same account from another client is fine
    assert accounts.sign_in(sessions, "admin@example.org", PASSWORD, "7.7.7.7").user


def test_a_clients_own_success_does_not_reset_its_count(finder_app) -> None:  # type: ignore[no-untyped-def]
    sessions = finder_app.state.scaleup.sessions
    for n in range(accounts.CLIENT_FAILURES):
        assert accounts.sign_in(sessions, f"victim{n}@example.org", "bad", "6.6.6.6").user is None
        if n % 4 == 0:  # the attacker's own account, between guesses
            assert accounts.sign_in(sessions, "editor@example.org", PASSWORD, "6.6.6.6").user
    assert accounts.sign_in(sessions, "victim@example.org", "bad", "6.6.6.6").locked
    with sessions() as session:
        checked = session.scalar(
            select(func.count()).where(
                accounts.SignInAttempt.client == "6.6.6.6",
                accounts.SignInAttempt.checked.is_(True),
                accounts.SignInAttempt.succeeded.is_(False),
            )
        )
    assert checked == accounts.CLIENT_FAILURES


def test_an_accounts_own_success_gives_it_back_its_tries(finder_app) -> None:  # type: ignore[no-untyped-def]
    sessions = finder_app.state.scaleup.sessions
    for _ in range(accounts.ACCOUNT_FAILURES - 1):
        assert accounts.sign_in(sessions, "editor@example.org", "bad", "1.1.1.1").user is None
    assert accounts.sign_in(sessions, "editor@example.org", PASSWORD, "1.1.1.1").user
    for _ in range(accounts.ACCOUNT_FAILURES - 1):
        assert not accounts.sign_in(sessions, "editor@example.org", "bad", "1.1.1.1").locked


def test_a_disabled_account_cannot_sign_in_or_use_its_token(finder_app, finder_client) -> None:  # type: ignore[no-untyped-def]
    sessions = finder_app.state.scaleup.sessions
    token = token_for(sessions, "editor@example.org")
    with db.transaction(sessions) as session:
        user = accounts.get_user(session, "editor@example.org")
        accounts.update_user(session, user, role="editor", active=False, actor="test")
    assert sign_in(finder_client, "editor@example.org").status_code == 401
    response = finder_client.delete(
        "/api/v1/programmes/x", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


# --- CSRF -------------------------------------------------------------------------------

FORM_POSTS = [
    "/admin/login",
    "/admin/logout",
    "/admin/account",
    "/admin/programmes/new",
    "/admin/programmes/upscaler",
    "/admin/programmes/upscaler/retire",
    "/admin/areas/E37000045",
    "/admin/users",
    "/admin/users/1",
]


@pytest.mark.parametrize("path", FORM_POSTS)
def test_every_form_post_without_the_csrf_token_is_403(
    editor_client: TestClient, path: str
) -> None:
    assert editor_client.post(path, data={"name": "x"}).status_code == 403
    assert editor_client.post(path, data={"name": "x", "csrf_token": "forged"}).status_code == 403


# --- who may do what --------------------------------------------------------------------

ADMIN_PAGES = [
    "/admin/",
    "/admin/account",
    "/admin/programmes/",
    "/admin/programmes/new",
    "/admin/history",
    "/admin/users",
    "/admin/areas/",
    "/admin/areas/E37000045",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_need_a_session(finder_client: TestClient, path: str) -> None:
    response = finder_client.get(path)
    assert response.status_code == 401
    assert 'action="/admin/login"' in response.text  # the sign-in form, for a browser


@pytest.mark.parametrize("path", FORM_POSTS[2:])
def test_admin_posts_without_a_session_are_refused(finder_client: TestClient, path: str) -> None:
    token = csrf_of(finder_client.get("/admin/login").text)  # a valid token, but no sign-in
    assert finder_client.post(path, data={"csrf_token": token}).status_code in (401, 403)


def test_editors_cannot_manage_users(editor_client: TestClient) -> None:
    assert editor_client.get("/admin/users").status_code == 403
    token = csrf_of(editor_client.get("/admin/").text)
    response = editor_client.post(
        "/admin/users",
        data={"csrf_token": token, "email": "x@example.org", "role": "admin", "password": "x" * 20},
    )
    assert response.status_code == 403


def test_admins_manage_users(finder_client: TestClient) -> None:
    sign_in(finder_client, "admin@example.org")
    page = finder_client.get("/admin/users")
    assert page.status_code == 200
    token = csrf_of(page.text)
    short = finder_client.post(
        "/admin/users",
        data={"csrf_token": token, "email": "new@example.org", "role": "editor", "password": "x"},
    )
    assert short.status_code == 422 and "at least 12 characters" in short.text
    weak = finder_client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "email": "new@example.org",
            "role": "editor",
            "password": "y" * 20,
        },
    )
    assert weak.status_code == 422 and "too easy to guess" in weak.text
    added = finder_client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "email": "new@example.org",
            "role": "editor",
            "password": "tulip ledger canoe orbit",
        },
    )
    assert added.status_code == 200 and "new@example.org" in added.text
    history = finder_client.get("/admin/history?kind=user")
    assert "admin@example.org" in history.text and "new@example.org" in history.text


WRITES = [
    ("post", "/api/v1/programmes"),
    ("put", "/api/v1/programmes/upscaler"),
    ("patch", "/api/v1/programmes/upscaler"),
    ("delete", "/api/v1/programmes/upscaler"),
]


@pytest.mark.parametrize(("method", "path"), WRITES)
@pytest.mark.parametrize("header", [None, "Bearer", "Bearer sut_wrong", "Basic eDp5", "bearer "])
def test_api_writes_need_an_editors_token(
    finder_client: TestClient, method: str, path: str, header: str | None
) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = finder_client.request(method, path, json={}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_browser_session_is_not_an_api_token(
    editor_client: TestClient, method: str, path: str
) -> None:
    assert editor_client.request(method, path, json={}).status_code == 401


# --- sessions end on the server ----------------------------------------------------------


def _cookie(client: TestClient) -> dict[str, str]:
    return {"scaleup_session": client.cookies["scaleup_session"]}


def test_a_copied_cookie_stops_working_after_sign_out(finder_app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(finder_app) as browser, TestClient(finder_app) as thief:
        assert sign_in(browser, "editor@example.org").status_code == 303
        thief.cookies.update(_cookie(browser))
        assert thief.get("/admin/").status_code == 200
        out = browser.post(
            "/admin/logout", data={"csrf_token": csrf_of(browser.get("/admin/").text)}
        )
        assert out.status_code == 200
        assert thief.get("/admin/").status_code == 401


def test_disabling_ends_sessions_for_good(finder_app) -> None:  # type: ignore[no-untyped-def]
    sessions = finder_app.state.scaleup.sessions
    with TestClient(finder_app) as browser:
        assert sign_in(browser, "editor@example.org").status_code == 303
        kept = _cookie(browser)
        for active in (False, True):  # disabled, then enabled again
            with db.transaction(sessions) as session:
                user = accounts.get_user(session, "editor@example.org")
                accounts.update_user(session, user, role="editor", active=active, actor="test")
        browser.cookies.update(kept)
        assert browser.get("/admin/").status_code == 401


def test_a_password_change_ends_every_session(finder_app) -> None:  # type: ignore[no-untyped-def]
    sessions = finder_app.state.scaleup.sessions
    with TestClient(finder_app) as one, TestClient(finder_app) as two:
        for browser in (one, two):
            assert sign_in(browser, "editor@example.org").status_code == 303
        with db.transaction(sessions) as session:
            user = accounts.get_user(session, "editor@example.org")
            accounts.set_password(session, user, "a brand new passphrase here", actor="test")
        assert one.get("/admin/").status_code == 401 and two.get("/admin/").status_code == 401
        assert sign_in(one, "editor@example.org", "a brand new passphrase here").status_code == 303


def test_one_api_token_is_revoked_alone(finder_app, finder_client) -> None:  # type: ignore[no-untyped-def]
    sessions = finder_app.state.scaleup.sessions
    first, second = (
        token_for(sessions, "editor@example.org"),
        token_for(sessions, "editor@example.org"),
    )
    with db.transaction(sessions) as session:
        assert accounts.revoke_token(session, first, actor="test").email == "editor@example.org"

    def status(token: str) -> int:
        headers = {"Authorization": f"Bearer {token}"}
        return finder_client.delete("/api/v1/programmes/none", headers=headers).status_code

    assert status(first) == 401 and status(second) == 404


# --- one password and email policy ------------------------------------------------------

REFUSED_PASSWORDS = [
    " " * 12,
    "aaaaaaaaaaaa",
    "password1234",
    "Password1234",
    "qwertyuiop123",
    "abcdefghijkl",
    "x" * 129,
    "short",
    "editor@example.org",
]


@pytest.mark.parametrize("password", REFUSED_PASSWORDS)
def test_weak_passwords_are_refused(password: str) -> None:
    problems = accounts.check_password(password, "editor@example.org")
    assert problems and problems[0].column == "password"


@pytest.mark.parametrize(
    "password",
    [
        "tulip ledger canoe orbit",
        "k7Qz-9fVw2Lm",
        "Ünïcödé pässwörd ✓ ok",
        "a" * 3 + "Zq8!vL2#mW9x" * 10,
    ],
)
def test_long_or_random_passwords_pass_without_composition_rules(password: str) -> None:
    assert accounts.check_password(password) == []


@pytest.mark.parametrize(
    "email", ["not-an-email", "a@b", "a b@example.org", "x@localhost", "x" * 250 + "@example.org"]
)
def test_bad_emails_are_refused(email: str) -> None:
    assert accounts.check_email(email)


def test_changing_ones_password_on_the_site_ends_the_other_sessions(finder_app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(finder_app) as here, TestClient(finder_app) as elsewhere:
        for browser in (here, elsewhere):
            assert sign_in(browser, "editor@example.org").status_code == 303
        token = csrf_of(here.get("/admin/account").text)

        def change(current: str, new: str) -> Any:
            form = {"csrf_token": token, "current": current, "password": new}
            return here.post("/admin/account", data=form)

        wrong = change("not my password at all", "tulip ledger canoe orbit")
        assert wrong.status_code == 422 and "not your current password" in wrong.text
        weak = change(PASSWORD, "password1234")
        assert weak.status_code == 422 and "common" in weak.text
        assert elsewhere.get("/admin/").status_code == 200  # nothing changed yet
        done = change(PASSWORD, "tulip ledger canoe orbit")
        assert done.status_code == 200 and "Password changed" in done.text
        assert here.get("/admin/").status_code == 200
        assert elsewhere.get("/admin/").status_code == 401
    with TestClient(finder_app) as fresh:
        assert sign_in(fresh, "editor@example.org").status_code == 401
        assert sign_in(fresh, "editor@example.org", "tulip ledger canoe orbit").status_code == 303
