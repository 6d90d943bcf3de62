"""The editing side and the finder as people use them, in Chromium, on `scaleup serve`:
sign in, edit an area's narrative (preview, save, see it on the public page), add a
programme, find it by search and by filter, sign out. Screenshots in test-output/."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
PASSWORD = "browser test passphrase"
AREA = "E37000021"  # Leicester and Leicestershire (the D2N2 page is left as it is)
LAD_IN_AREA = "E07000129"  # Blaby
LAD_ELSEWHERE = "E07000170"  # Ashfield, in D2N2
SCALEUP = str(Path(sys.executable).with_name("scaleup"))


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SCALEUP_")}


@pytest.fixture
def editor_email(demo_site) -> str:  # type: ignore[no-untyped-def]
    email = f"e2e-{uuid.uuid4().hex[:8]}@example.org"
    done = subprocess.run(
        [SCALEUP, "users", "add", email, "--role", "editor", "-w", str(demo_site.workspace)],
        input=PASSWORD + "\n", env=env(), capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return email


@pytest.fixture
def page(browser, demo_site):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=demo_site.url, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_sign_in_edit_area_add_programme_find_it_sign_out(page, editor_email, test_output):  # type: ignore[no-untyped-def]
    shots = test_output / "finder-admin"
    shots.mkdir(exist_ok=True)

    # Signing in: the admin asks for it, then shows the dashboard.
    response = page.goto("/admin/")
    assert response.status == 401
    page.get_by_label("Email").fill(editor_email)
    page.get_by_label("Password").fill("wrong password, twice wrong")
    page.get_by_role("button", name="Sign in").click()
    assert "do not match" in page.locator("[role=alert]").inner_text()
    page.get_by_label("Email").fill(editor_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    assert f"Signed in as {editor_email}" in page.content()
    page.screenshot(path=str(shots / "1-dashboard.png"), full_page=True)

    # An area's narrative: preview (not saved), then save, then the public page.
    sentence = f"Browser check {uuid.uuid4().hex[:6]}: firms here can use the finder."
    page.get_by_role("link", name="Areas", exact=True).click()
    page.get_by_role("link", name="Leicester and Leicestershire").click()
    narrative = page.get_by_label("Narrative")
    narrative.fill(narrative.input_value() + "\n\n" + sentence)
    page.get_by_role("button", name="Preview").click()
    assert "not saved yet" in page.locator(".preview").inner_text()
    assert sentence in page.locator(".preview").inner_text()
    page.screenshot(path=str(shots / "2-area-preview.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    assert "Saved" in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="The public page of Leicester and Leicestershire").click()
    assert sentence in page.locator("main").inner_text()
    page.screenshot(path=str(shots / "3-area-public.png"), full_page=True)

    # A new programme, by form.
    name = f"Kestrel Scale Programme {uuid.uuid4().hex[:4]}"
    page.goto("/admin/programmes/new")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Provider").fill("Leicestershire Growth <Hub>")
    page.get_by_label("Summary").fill("Mentoring for engineering firms that are scaling up.")
    page.get_by_label("Web address").fill("https://example.org/kestrel")
    page.get_by_label("mentoring", exact=True).check()
    page.get_by_label("Sectors").fill("Engineering")
    page.get_by_label("Areas served").fill(AREA)
    page.get_by_role("button", name="Add programme").click()
    assert "Saved" in page.get_by_role("status").inner_text()

    # Found by search ...
    page.goto("/finder/")
    page.get_by_label("Search").fill("kestrel mentoring")
    page.get_by_role("button", name="Find support").click()
    assert page.get_by_role("link", name=name).is_visible()
    page.screenshot(path=str(shots / "4-finder-search.png"), full_page=True)
    # ... and by filter: a firm in Blaby looking for mentoring in engineering,
    page.goto("/finder/")
    page.select_option("#area", LAD_IN_AREA)
    page.select_option("#support", "mentoring")
    page.select_option("#sector", "Engineering")
    page.get_by_role("button", name="Find support").click()
    assert page.get_by_role("link", name=name).is_visible()
    page.screenshot(path=str(shots / "5-finder-filter.png"), full_page=True)
    # but not a firm in Ashfield.
    page.select_option("#area", LAD_ELSEWHERE)
    page.get_by_role("button", name="Find support").click()
    assert page.get_by_role("link", name=name).count() == 0
    # The details page escapes what was typed.
    page.select_option("#area", LAD_IN_AREA)
    page.get_by_role("button", name="Find support").click()
    page.get_by_role("link", name=name).click()
    assert "Leicestershire Growth <Hub>" in page.locator("main").inner_text()
    page.screenshot(path=str(shots / "6-programme.png"), full_page=True)

    # Signing out ends the session.
    page.goto("/admin/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/admin/login?signed_out=1")
    assert "You have signed out" in page.content()
    assert page.goto("/admin/programmes/").status == 401
