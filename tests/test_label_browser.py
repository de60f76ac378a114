"""The labelling page in headless Chromium: label three queued items by keyboard, undo one, and the export shows
exactly what was labelled."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from newsframe.core.feedback import FeedbackStore, Item
from newsframe.core.feedback import queue as work_queue
from serve_support import Server, browser_page

pytestmark = pytest.mark.slow

TEXTS = ["Moscow warns Kyiv of a harsh answer to the drone strikes",
         "Ministers agree to keep talking about the trade deal",
         "Rebels reject the ceasefire and vow to fight on",
         "Central bank holds rates steady as inflation cools"]


@pytest.fixture(scope="module")
def server(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("label-browser")
    url = f"sqlite:///{root / 'feedback.sqlite'}"
    store = FeedbackStore.open(url)
    work_queue.add(store, [work_queue.Candidate(Item.of(text=t), 1.0 - i / 10, 1, None, {}) for i, t in enumerate(TEXTS)])
    store.close()
    srv = Server(tiny_models, root, workers=1, env={"NEWSFRAME_DB": url}).wait_ready()
    yield srv
    assert srv.stop() == 0, srv.log()


def test_label_three_by_keyboard_undo_one_and_export(server: Server) -> None:
    PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError  # noqa: N806
    with browser_page(server) as (page, external, errors):
        page.goto(server.url + "/label?annotator=tester&task=framing")

        def shown(text: str, progress: str) -> None:
            try:
                page.wait_for_function("([t, p]) => document.getElementById('item-text').textContent === t && "
                                       "document.getElementById('progress').textContent.startsWith(p)",
                                       arg=[text, progress], timeout=15_000)
            except PlaywrightTimeout:
                raise AssertionError(f"expected {text!r} with {progress!r}; the page shows "
                                     f"{page.inner_text('#item-text')!r}, {page.inner_text('#progress')!r}, "
                                     f"error {page.inner_text('#label-error')!r}") from None

        shown(TEXTS[0], "0 labelled")
        assert page.locator("#item-text mark").count() >= 1  # the suggestion's evidence is highlighted
        assert page.inner_text("#suggestion") in ("cautious", "confrontational", "none")
        page.keyboard.press("2")  # confrontational
        shown(TEXTS[1], "1 labelled")
        page.keyboard.press("1")  # cautious
        shown(TEXTS[2], "2 labelled")
        page.keyboard.press("2")  # confrontational
        shown(TEXTS[3], "3 labelled")
        page.keyboard.press("u")  # undo the third: it comes back
        shown(TEXTS[2], "2 labelled")
        page.keyboard.press("s")  # skip it now
        shown(TEXTS[3], "2 labelled · 1 skipped")
        assert errors == [] and external == []
    export = requests.get(server.url + "/v1/feedback?annotator=tester", timeout=10)
    rows = [json.loads(line) for line in export.text.splitlines()]
    assert [(r["item"]["text"], r["task"], r["label"]) for r in rows] == [
        (TEXTS[0], "framing", "confrontational"), (TEXTS[1], "framing", "cautious")]
    kinds = [json.loads(line)["kind"] for line in
             requests.get(server.url + "/v1/feedback?view=events", timeout=10).text.splitlines()]
    assert kinds == ["label", "label", "label", "undo", "skip"]
