"""A real browser (Debian's Chromium) and the demo review served by `scaleup serve`.

Both are started once per test session. ``demo_site`` builds the demo as a new user would
(`scaleup init`, then `scaleup build --strict`) and serves it on a free loopback port.
"""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.serving import SCALEUP, command_env, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-gpu",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip


SERVE_WITHIN = 120
"""Seconds a started server has to answer (a fast machine needs 2)."""


@dataclass
class DemoSite:
    url: str
    workspace: Path


def _run(*args: str) -> None:
    done = subprocess.run([SCALEUP, *args], env=command_env(), capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"scaleup {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    workspace = tmp_path_factory.mktemp("demo") / "review"
    _run("init", str(workspace))
    _run("build", "--workspace", str(workspace), "--strict", "--quiet")
    port = free_port()
    server = subprocess.Popen(
        [SCALEUP, "serve", "--workspace", str(workspace), "--port", str(port)],
        env=command_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        # A deadline, not a count of tries: on a busy machine the server's imports alone
        # take some 20 s (seen with 2 cores shared by several test runs).
        deadline = time.monotonic() + SERVE_WITHIN
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"scaleup serve exited: {server.stderr.read().decode()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"scaleup serve did not answer /healthz within {SERVE_WITHIN} s")
                time.sleep(0.1)
        yield DemoSite(url=url, workspace=workspace)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make system-deps` (Debian's chromium package)")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
