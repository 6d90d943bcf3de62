"""`scaleup finder` and `scaleup users` as a user runs them: exit codes, messages, the store."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from finder.world import migrated
from scaleup.cli.main import app
from scaleup.store import accounts, db, programmes

runner = CliRunner()


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input)


def sessions_of(workspace: Path):  # type: ignore[no-untyped-def]
    return migrated(db.default_url(workspace))


def test_import_starter_search_export_and_reimport(tmp_path: Path) -> None:
    ws = str(tmp_path)
    result = run("finder", "import", "--starter", "-w", ws)
    assert result.exit_code == 0, result.output
    assert "6 created" in result.output
    result = run("finder", "search", "creative digital", "-w", ws)
    assert result.exit_code == 0 and "big-house" in result.output
    for fmt in ("csv", "json", "hsds"):
        out = tmp_path / f"out.{fmt}"
        result = run("finder", "export", "--format", fmt, "--out", str(out), "-w", ws)
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    result = run("finder", "import", str(tmp_path / "out.csv"), "--replace", "-w", ws)
    assert result.exit_code == 0 and "6 unchanged" in result.output


def test_bad_import_exits_2_lists_problems_and_changes_nothing(tmp_path: Path) -> None:
    ws = str(tmp_path)
    assert run("finder", "import", "--starter", "-w", ws).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,name,provider,summary,url,support_types,areas\n"
        "upscaler,Renamed,P,S,https://x.org,training,UK\n"
        "x y,N,P,S,https://x.org,hugs,UK\n",
        encoding="utf-8",
    )
    result = run("finder", "import", str(bad), "--replace", "-w", ws)
    assert result.exit_code == 2
    assert "error: bad.csv:3: id:" in result.output
    assert "error: bad.csv:3: support_types:" in result.output
    assert "Traceback" not in result.output
    with sessions_of(tmp_path)() as session:
        assert programmes.get(session, "upscaler").name == "UpScaler"  # type: ignore[union-attr]
        assert len(programmes.all_programmes(session)) == 6


def test_export_refuses_an_unknown_format(tmp_path: Path) -> None:
    result = run("finder", "export", "--format", "xml", "--out", str(tmp_path / "x"))
    assert result.exit_code == 2 and "expected one of ['csv', 'json', 'hsds']" in result.output
    assert not (tmp_path / "x").exists()


def test_users_add_reads_the_password_from_stdin_and_checks_it(tmp_path: Path) -> None:
    ws = str(tmp_path)
    result = run("users", "add", "ana@example.org", "--role", "admin", "-w", ws, input="short\n")
    assert result.exit_code == 2 and "at least 12 characters" in result.output
    result = run("users", "add", "ana@example.org", "--role", "boss", "-w", ws, input="x" * 20)
    assert result.exit_code == 2 and "expected one of ['editor', 'admin']" in result.output
    password = "a long enough passphrase"
    result = run("users", "add", "Ana@Example.org", "--role", "admin", "-w", ws, input=password)
    assert result.exit_code == 0, result.output
    result = run("users", "add", "ana@example.org", "-w", ws, input=password)
    assert result.exit_code == 2 and "already has an account" in result.output
    with sessions_of(tmp_path)() as session:
        user = accounts.get_user(session, "ana@example.org")
        assert user is not None and user.role == "admin"
        assert user.password_hash.startswith("$argon2id$")
        assert password not in user.password_hash


def test_users_token_prints_it_last_and_keeps_only_a_hash(tmp_path: Path) -> None:
    ws = str(tmp_path)
    run("users", "add", "ed@example.org", "-w", ws, input="a long enough passphrase\n")
    result = run("users", "token", "ed@example.org", "-w", ws)
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("sut_") and len(token) > 40
    with sessions_of(tmp_path)() as session:
        assert accounts.user_for_token(session, token).email == "ed@example.org"  # type: ignore[union-attr]
        stored = session.scalars(select(accounts.ApiToken.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    result = run("users", "token", "nobody@example.org", "-w", ws)
    assert result.exit_code == 2 and "no active account" in result.output


def test_search_by_region(tmp_path: Path) -> None:
    from scaleup.geo.regions import regions_on_vintage
    from scaleup.store import places

    ws = str(tmp_path)
    assert run("finder", "import", "--starter", "-w", ws).exit_code == 0
    with db.transaction(sessions_of(tmp_path)) as session:
        places.replace_regions(session, regions_on_vintage(["E07000170"], "2021"))
    result = run("finder", "search", "--region", "E12000004", "-w", ws)
    assert result.exit_code == 0, result.output
    assert "upscaler" not in result.output and "start-up-loans" in result.output
    assert "2 programme(s) found" in result.output
    result = run("finder", "search", "--region", "E12000099", "-w", ws)
    assert result.exit_code == 0 and "0 programme(s) found" in result.output


def test_users_revoke_token_revokes_that_one_alone(tmp_path: Path) -> None:
    ws = str(tmp_path)
    run("users", "add", "ed@example.org", "-w", ws, input="a long enough passphrase\n")
    made = run("users", "token", "ed@example.org", "-w", ws).output
    assert "number 1 " in made and "revoke-token 1" in made
    first = made.strip().splitlines()[-1]
    second = run("users", "token", "ed@example.org", "-w", ws).output.strip().splitlines()[-1]
    third = run("users", "token", "ed@example.org", "-w", ws).output.strip().splitlines()[-1]
    result = run("users", "revoke-token", first, "-w", ws)
    assert result.exit_code == 0 and "ed@example.org" in result.output, result.output
    listed = run("users", "tokens", "ed@example.org", "-w", ws)
    assert listed.exit_code == 0
    rows = [line.split("\t") for line in listed.output.strip().splitlines()]
    assert [(r[0], r[2]) for r in rows] == [("1", "revoked"), ("2", "active"), ("3", "active")]
    assert run("users", "revoke-token", "3", "-w", ws).exit_code == 0
    with sessions_of(tmp_path)() as session:
        assert accounts.user_for_token(session, first) is None
        assert accounts.user_for_token(session, second) is not None
        assert accounts.user_for_token(session, third) is None
    for bad in ("99", "sut_nothing", "rubbish"):
        result = run("users", "revoke-token", bad, "-w", ws)
        assert (
            result.exit_code == 2 and "token" in result.output and "Traceback" not in result.output
        )


def test_the_command_line_and_the_site_share_the_password_and_email_rules(tmp_path: Path) -> None:
    ws = str(tmp_path)
    for password in (" " * 12, "aaaaaaaaaaaa", "password1234", "x" * 129):
        result = run("users", "add", "ed@example.org", "-w", ws, input=password + "\n")
        assert result.exit_code == 2 and "password" in result.output, (password, result.output)
    for email in ("ed@localhost", "ed example@example.org", "x" * 250 + "@example.org"):
        result = run("users", "add", email, "-w", ws, input="a long enough passphrase\n")
        assert result.exit_code == 2 and "email" in result.output, (email, result.output)


def test_users_password_sets_a_new_one_and_ends_sessions(tmp_path: Path) -> None:
    ws = str(tmp_path)
    run("users", "add", "ed@example.org", "-w", ws, input="a long enough passphrase\n")
    sessions = sessions_of(tmp_path)
    with db.transaction(sessions) as session:
        user = accounts.get_user(session, "ed@example.org")
        assert user is not None
        sid = accounts.start_session(session, user)
    weak = run("users", "password", "ed@example.org", "-w", ws, input="password1234\n")
    assert weak.exit_code == 2 and "common" in weak.output
    result = run(
        "users", "password", "ed@example.org", "-w", ws, input="quite another passphrase\n"
    )
    assert result.exit_code == 0, result.output
    with sessions() as session:
        assert accounts.user_for_session(session, sid) is None
    assert accounts.sign_in(sessions, "ed@example.org", "quite another passphrase", "cli").user
