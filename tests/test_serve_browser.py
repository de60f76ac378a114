"""The page in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
from serve_support import HEADLINE, Server

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def server(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tiny_models, tmp_path_factory.mktemp("serve-browser"), workers=1).wait_ready()
    yield srv
    assert srv.stop() == 0, srv.log()


def test_page_classifies_a_headline_and_highlights_evidence(server: Server) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install chromium (see `make system-deps`)")
    expected = server.post({"text": HEADLINE, "explain": True}).json()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            external: list[str] = []
            page.on("request", lambda r: None if r.url.startswith(server.url) else external.append(r.url))
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server.url + "/")
            page.fill("#text", HEADLINE)
            page.click("#submit")
            page.wait_for_selector("#result:not([hidden])", timeout=15_000)
            assert page.inner_text("#topic-label") == expected["topic"]["label"]
            assert page.inner_text("#framing-label") == expected["framing"]["label"]
            assert page.inner_text("#topic-confidence") == f"{100 * expected['topic']['confidence']:.1f}%"
            assert page.inner_text("#model-version") == expected["model_version"]
            assert page.inner_text("#highlighted") == HEADLINE  # the text itself, unchanged
            marks = page.locator("#highlighted mark")
            assert marks.count() >= 1, page.inner_html("#highlighted")
            assert all(m.lower() in HEADLINE.lower() for m in marks.all_inner_texts())
            assert page.locator("#toward-terms li").count() >= 1
            page.select_option("#evidence-task", "framing")
            assert page.locator("#toward-terms li").count() >= 1
            page.fill("#text", "   ")  # whitespace only: the server's message is shown, nothing breaks
            page.click("#submit")
            page.wait_for_selector("#error:not([hidden])", timeout=15_000)
            assert "empty" in page.inner_text("#error")
            assert errors == [] and external == []
        finally:
            browser.close()
