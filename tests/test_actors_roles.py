"""Roles per sentence (active, passive, reported speech, datelines) and the seed article, through extract_actors."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from newsframe.core.actors import ActorIndex, extract_actors
from newsframe.core.actors.segment import split_sentences

REPO = Path(__file__).resolve().parent.parent
DAY = dt.date(2024, 5, 1)


@pytest.fixture(scope="module")
def index() -> ActorIndex:
    return ActorIndex.default()


def roles(index: ActorIndex, text: str) -> dict[str, str]:
    return {a["code"]: a["role"] for a in extract_actors(index, text, published=DAY)}


@pytest.mark.parametrize("text, expected", [
    ("Yemen rejected a U.S. request.", {"YEM": "source", "USA": "target"}),
    ("The Kremlin warned Washington against new sanctions.", {"RUS": "source", "USA": "target"}),
    ("Russian troops shelled Kharkiv.", {"RUS": "source", "UKR": "target"}),
    ("Israel and Egypt signed a deal with Jordan.", {"ISR": "source", "EGY": "source", "JOR": "target"}),
])
def test_active_voice(index: ActorIndex, text: str, expected: dict[str, str]) -> None:
    assert roles(index, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Yemen was attacked by Saudi forces on Monday.", {"YEM": "target", "SAU": "source"}),
    ("A convoy of Iraqi police was ambushed by Houthi rebels.", {"IRQ": "target", "YEMREB": "source"}),
    ("Ukraine has been criticised by the Kremlin.", {"UKR": "target", "RUS": "source"}),
    ("Syria was condemned for the attack.", {"SYR": "target"}),
])
def test_passive_voice(index: ActorIndex, text: str, expected: dict[str, str]) -> None:
    assert roles(index, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Russia said the United States would face consequences.", {"RUS": "source", "USA": "target"}),
    ("Iran would never give up its rights, Iranian President Masoud Pezeshkian said.", {"IRN": "source"}),
    ("The United States will respond, China warned on Tuesday.", {"USA": "target", "CHN": "source"}),
    ("According to NATO, Russian forces attacked a base.", {"IGOWSTNAT": "source", "RUS": "target"}),
    ("Israeli troops stormed a camp in Gaza, witnesses said.", {"ISR": "source", "PSE": "mentioned"}),
])
def test_reported_speech(index: ActorIndex, text: str, expected: dict[str, str]) -> None:
    assert roles(index, text) == expected


def test_datelines_and_places_are_not_sources(index: ActorIndex) -> None:
    text = "MOSCOW (Reuters) - Police in Paris arrested two Germans."
    assert roles(index, text) == {"FRA": "source", "DEU": "target"}  # police in Paris = French police
    assert roles(index, "In Kyiv, Chinese envoys met Turkish officials.") == {
        "UKR": "mentioned", "CHN": "source", "TUR": "target"}


def test_sentences_split_on_lines_and_full_stops() -> None:
    text = "Headline Without Stop\nFirst sentence. Mr. Smith met Dr. Jones. Third one?"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["Headline Without Stop", "First sentence.", "Mr. Smith met Dr. Jones.",
                                             "Third one?"]


def test_seed_article_roles(index: ActorIndex) -> None:
    text = (REPO / "data" / "samples" / "russia_us_talks_ukraine.txt").read_text(encoding="utf-8")
    found = {a["code"]: a for a in extract_actors(index, text, published=dt.date(2024, 2, 1))}
    assert found["RUS"]["role"] == "source" and found["CHN"]["role"] == "source"
    assert {"USA", "UKR"} <= set(found)
    beijing = text.index("Beijing has maintained")
    china = [s for s in found["CHN"]["sentences"] if s["start"] == beijing]
    assert china and china[0]["role"] == "source"
    moscow = [s for s in found["RUS"]["sentences"] if s["start"] == beijing]
    assert moscow and moscow[0]["role"] == "target"  # "avoiding direct condemnation of Moscow"
    handed = text.index("Moscow has handed Washington")
    assert [s["role"] for s in found["RUS"]["sentences"] if s["start"] == handed] == ["source"]
    assert [s["role"] for s in found["USA"]["sentences"] if s["start"] == handed] == ["target"]
    for actor in found.values():
        assert actor["framing"]["label"] == "none"  # no score function: roles only
        for sentence in actor["sentences"]:
            assert 0 <= sentence["start"] < sentence["end"] <= len(text)
    order = [a["sentences"][0]["start"] for a in found.values()]  # dict keeps extract_actors' order
    assert order == sorted(order)
