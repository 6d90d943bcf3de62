"""A 40,000-record `scaleup finder import` while `scaleup serve` answers: on SQLite (WAL, a
busy timeout, short batches) and on a real PostgreSQL server, /healthz, a finder page and
the API each keep answering 200 in under a second throughout, and the import's time grows
in step with its records."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.directory import write_directory
from support.serving import SCALEUP, command_env, free_port

RECORDS = 40_000
ROUTES = ("/healthz", "/finder/?q=growth", "/api/v1/programmes?q=growth&limit=5")
SLOWEST = 1.0


def _get(url: str) -> tuple[int, float, bytes]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, time.perf_counter() - start, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, time.perf_counter() - start, b""
    except OSError:
        return 0, time.perf_counter() - start, b""


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path, dict]]:
    """A workspace served by `scaleup serve` on a free loopback port, its store SQLite or a
    fresh database on the real PostgreSQL server; yields (url, workspace, environment)."""
    env = command_env()
    if request.param == "postgresql":
        env["SCALEUP_DATABASE_URL"] = request.getfixturevalue("postgres_url")
    workspace = tmp_path / "review"
    subprocess.run([SCALEUP, "init", str(workspace)], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [SCALEUP, "serve", "-w", str(workspace), "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while _get(url + "/healthz")[0] != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"scaleup serve did not start: {server.stderr.read().decode()}")
            time.sleep(0.2)
        yield url, workspace, env
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _import(directory: Path, workspace: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [SCALEUP, "finder", "import", str(directory), "-w", str(workspace)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_site_answers_during_a_large_import(served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, workspace, env = served
    directory = write_directory(tmp_path / "big.json", RECORDS)
    started = time.monotonic()
    importing = _import(directory, workspace, env)
    slowest = dict.fromkeys(ROUTES, 0.0)
    failures: list[tuple[str, int]] = []
    rounds = 0
    try:
        while importing.poll() is None:
            if time.monotonic() - started > 300:
                pytest.fail("the import did not finish within 300 s")
            for route in ROUTES:
                status, took, _ = _get(url + route)
                slowest[route] = max(slowest[route], took)
                if status != 200:
                    failures.append((route, status))
            rounds += 1
            time.sleep(0.05)
    finally:
        if importing.poll() is None:
            importing.kill()
    out, err = importing.communicate()
    assert importing.returncode == 0, err
    assert f"{RECORDS} created" in out
    assert rounds >= 5, "the import ended before the routes could be asked"
    assert failures == []
    assert all(took < SLOWEST for took in slowest.values()), slowest
    status, _, body = _get(url + "/api/v1/programmes?q=programme&limit=1")
    assert status == 200 and json.loads(body)["total"] == RECORDS


def _seconds_to_import(count: int, workspace: Path, tmp_path: Path, env: dict) -> float:
    workspace.mkdir()
    directory = write_directory(tmp_path / f"d{count}.json", count, start=10 * count)
    start = time.perf_counter()
    done = _import(directory, workspace, env)
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    return time.perf_counter() - start


def test_import_time_grows_in_step_with_records(tmp_path: Path) -> None:
    """Four times the records take well under sixteen times as long (quadratic growth did)."""
    env = command_env()
    small = _seconds_to_import(2_000, tmp_path / "a", tmp_path, env)
    large = _seconds_to_import(8_000, tmp_path / "b", tmp_path, env)
    assert large < 8 * small, (small, large)
