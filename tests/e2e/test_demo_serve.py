"""`scaleup demo` without --no-serve builds the demo and serves it on 127.0.0.1; its two
editions' new pages (an area across editions, an edition's what-changed page) in Chromium:
screenshots at desktop and phone widths, axe-core, no sideways scrolling."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

import axe_playwright_python

from support.phone import PHONE, check_phone, measure
from support.serving import SCALEUP, command_env, free_port

AXE = Path(axe_playwright_python.__file__).with_name("axe.min.js")
EMCCA = "/2026/areas/east-midlands-combined-authority/"
LONDON = "/2026/areas/london/"  # 33 boroughs, the City of London off scale


def test_demo_serves_the_review(tmp_path: Path, browser, test_output: Path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    process = subprocess.Popen(
        [SCALEUP, "demo", "--out", str(tmp_path / "demo"), "--port", str(port), "--quiet"],
        env=command_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # a hang guard, not a speed goal (bench/)
        while True:
            try:
                with urllib.request.urlopen(url + "/api/v1/areas/E37000045", timeout=1) as r:
                    area = json.load(r)
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "scaleup demo did not serve within 300 s"
                time.sleep(0.5)
        assert area["slug"] == "d2n2" and area["years"][-1]["employment"] == 365
        with urllib.request.urlopen(url + "/areas/d2n2/", timeout=5) as r:
            assert "Derby, Derbyshire, Nottingham and Nottinghamshire" in r.read().decode()
        assert (tmp_path / "demo" / "site" / "index.html").is_file()
        _check_the_editions_pages(browser, url, test_output)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _check_the_editions_pages(browser, url: str, test_output: Path) -> None:  # type: ignore[no-untyped-def]
    for where, name in ((EMCCA, "area-over-time"), ("/2026/changes/", "what-changed")):
        for label, width in {"desktop": 1280, "phone": 390}.items():
            context = browser.new_context(
                base_url=url, viewport={"width": width, "height": 900}, bypass_csp=True
            )  # axe is injected as a script
            page = context.new_page()
            page.goto(where)
            if name == "area-over-time":
                over_time = page.locator("#over-time-editions")
                assert "Before 2024 this area was covered by" in over_time.inner_text()
                over_time.get_by_role("link", name="Derby, Derbyshire, Nottingham").first.click()
                assert page.url.endswith("/2021/areas/d2n2/")
                page.go_back()
            else:
                assert page.locator("#areas-since tbody tr").count() == 24
            page.screenshot(path=str(test_output / f"editions-{name}-{label}.png"), full_page=True)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
            bad = [
                {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]}
                for v in json.loads(result)["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert bad == [], f"{where} at {label} width: {bad}"
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width + 1, f"{where} scrolls sideways at {label} width ({wide}px)"
            context.close()
    # a 2026 area's charts on real data at a phone's width: the matrix (trends 2021-2024),
    # the density over time, the map; each fits, its words 12 px and level
    for where in (EMCCA, LONDON):
        check_phone(measure(browser, url + where, PHONE), where)
