"""Under the site's Content-Security-Policy (no inline script or style, never framed), every
kind of page renders in Chromium without one violation: the review, the finder, the
admin signed in, and the API's documentation with an operation tried out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from finder.world import PASSWORD, add_user
from support.review import built_app
from support.serving import served

pytestmark = pytest.mark.browser

REVIEW_PAGES = ["/", "/finder/", "/admin/login"]
ADMIN_PAGES = [
    "/admin/",
    "/admin/programmes/",
    "/admin/programmes/new",
    "/admin/areas/",
    "/admin/history",
    "/admin/account",
    "/admin/users",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = built_app(tmp_path_factory.mktemp("csp") / "ws")
    add_user(app.state.scaleup.sessions, "csp-admin@example.org", "admin")
    with served(app) as url:
        yield url


def _watch(page: Any) -> list[str]:
    """Console errors and CSP reports of ``page`` (a refused inline style or script is
    logged as a console error naming the Content Security Policy)."""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "favicon" not in m.text and "404" not in m.text
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_pages_render_with_no_csp_violation(browser, site: str, test_output: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    problems = _watch(page)
    areas = httpx.get(site + "/api/v1/areas").json()
    area_pages = [a["url"] for a in areas["areas"]][:2]
    assert area_pages
    for path in [*REVIEW_PAGES, *area_pages]:
        response = page.goto(site + path)
        assert response is not None and "frame-ancestors" in response.headers.get(
            "content-security-policy", ""
        )
        page.wait_for_load_state("networkidle")
    page.goto(site + "/admin/login")
    page.get_by_label("Email").fill("csp-admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(site + "/admin/")
    for path in ADMIN_PAGES:
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
    page.screenshot(path=str(test_output / "csp-admin-users.png"), full_page=True)
    # the finder's stylesheet rules apply from site.css (they were an inline <style>)
    page.goto(site + "/finder/")
    display = page.evaluate("getComputedStyle(document.querySelector('.finder-form')).display")
    assert display == "grid"
    context.close()
    assert problems == []


def test_api_docs_work_under_the_policy(browser, site: str, test_output: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    problems = _watch(page)
    page.goto(site + "/api/docs")
    page.locator(".opblock").first.wait_for()
    page.locator(".opblock-summary", has_text="/api/v1/programmes").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table").first.wait_for()
    page.screenshot(path=str(test_output / "csp-api-docs.png"), full_page=False)
    context.close()
    assert problems == []
