"""The page in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from serve_support import HEADLINE, Server, browser_page

pytestmark = pytest.mark.slow



@pytest.fixture(scope="module")
def server(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tiny_models, tmp_path_factory.mktemp("serve-browser"), workers=1).wait_ready()
    yield srv
    assert srv.stop() == 0, srv.log()


def test_page_classifies_a_headline_and_highlights_evidence(server: Server) -> None:
    expected = server.post({"text": HEADLINE, "explain": True}).json()
    with browser_page(server) as (page, external, errors):
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


ACTOR_TEXT = ("Russia handed Washington a list of demands on Monday. China called for calm and urged both sides to "
              "talk. Ukraine was not at the table.")
CHIP_COLOURS = {"cautious": "rgb(207, 227, 245)", "confrontational": "rgb(247, 203, 184)", "none": "rgb(228, 228, 224)"}


def test_page_shows_actor_chips_and_highlights_their_sentences(server: Server) -> None:
    actors = server.post({"text": ACTOR_TEXT, "actors": True}).json()["actors"]
    assert {"RUS", "CHN", "UKR"} <= {a["code"] for a in actors}, actors
    with browser_page(server) as (page, external, errors):
        page.goto(server.url + "/")
        page.fill("#text", ACTOR_TEXT)
        page.click("#submit")
        page.wait_for_selector("#actors:not([hidden])", timeout=15_000)
        chips = page.locator("#actor-chips button")
        assert chips.count() == len(actors)
        for i, actor in enumerate(actors):  # in order of first mention, named, coloured by their framing
            chip = chips.nth(i)
            assert actor["name"] in chip.inner_text() and actor["role"] in chip.inner_text()
            assert chip.evaluate("e => getComputedStyle(e).backgroundColor") == CHIP_COLOURS[actor["framing"]["label"]]
        assert page.locator("#highlighted mark.actor").count() == 0  # evidence view until a chip is chosen
        for i, actor in enumerate(actors):
            chips.nth(i).click()
            assert chips.nth(i).get_attribute("aria-pressed") == "true"
            sentences = sorted(actor["sentences"], key=lambda s: s["start"])
            marks = page.locator("#highlighted mark.actor")
            assert marks.evaluate_all("ms => ms.map(m => m.textContent)") == [ACTOR_TEXT[s["start"]:s["end"]]
                                                                               for s in sentences]
            assert page.inner_text("#highlighted") == ACTOR_TEXT  # the text itself, unchanged
            assert not page.is_hidden("#actor-legend") and actor["name"] in page.inner_text("#actor-legend")
        chips.nth(len(actors) - 1).click()  # choosing it again goes back to the evidence terms
        assert page.locator("#highlighted mark.actor").count() == 0
        assert page.locator("#actor-chips button[aria-pressed=true]").count() == 0
        assert errors == []
