"""/api/docs works without internet: a browser that may reach only the server renders the
API's operations from the files the server ships."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn

from support.review import built_app
from support.serving import free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = built_app(tmp_path_factory.mktemp("docs") / "ws")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the server did not start within 10 s")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_api_docs_render_with_every_other_host_blocked(  # type: ignore[no-untyped-def]
    browser, served: str, test_output: Path
) -> None:
    own = urlsplit(served).netloc
    asked: list[str] = []
    blocked: list[str] = []
    context = browser.new_context()
    page = context.new_page()

    def only_the_server(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        asked.append(url)
        if urlsplit(url).netloc == own or url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", only_the_server)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        response = page.goto(served + "/api/docs")
        assert response is not None and response.status == 200
        page.wait_for_selector(".opblock", timeout=20_000)
        paths = [p.strip() for p in page.locator(".opblock-summary-path").all_inner_texts()]
        for path in ("/api/v1/areas", "/api/v1/areas/{code}", "/api/v1/lads/{code}",
                     "/api/v1/downloads", "/api/v1/programmes"):  # fmt: skip
            assert any(p.replace("\u200b", "") == path for p in paths), (path, paths)
        assert blocked == [], blocked
        assert errors == [], errors
        assert any(u.endswith("/api/docs/assets/swagger-ui-bundle.js") for u in asked)
        page.screenshot(path=str(test_output / "api-docs.png"))
    finally:
        context.close()


def test_docs_assets_are_served_from_the_package(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(built_app(tmp_path / "ws"))
    html = client.get("/api/docs").text
    assert "cdn" not in html.lower() and "https://" not in html
    for url in ("/api/docs/assets/swagger-ui-bundle.js", "/api/docs/assets/swagger-ui.css",
                "/api/docs/api-docs.js"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200 and len(response.content) > 100, url
    assert "<script>" not in html  # no inline script: a strict CSP can allow 'self' only
