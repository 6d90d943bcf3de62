"""`scaleup demo` without --no-serve builds the demo and serves it on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

from support.serving import SCALEUP, command_env, free_port


def test_demo_serves_the_review(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [SCALEUP, "demo", "--out", str(tmp_path / "demo"), "--port", str(port), "--quiet"],
        env=command_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "/api/v1/areas/E37000045", timeout=1) as r:
                    area = json.load(r)
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "scaleup demo did not serve within 120 s"
                time.sleep(0.5)
        assert area["slug"] == "d2n2" and area["years"][-1]["employment"] == 365
        with urllib.request.urlopen(url + "/areas/d2n2/", timeout=5) as r:
            assert "Derby, Derbyshire, Nottingham and Nottinghamshire" in r.read().decode()
        assert (tmp_path / "demo" / "site" / "index.html").is_file()
    finally:
        process.terminate()
        process.wait(timeout=10)
