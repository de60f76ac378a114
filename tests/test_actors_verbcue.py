"""The CAMEO verb cue of a source mention (core/actors/verbcue.py) and how it moves per-actor framing (framing.py),
on the bundled verb dictionary (data/actors/verbs.csv)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest
from newsframe.core.actors import (
    ActorIndex,
    actor_framing,
    extract_actors,
    sentence_framing,
)
from newsframe.core.actors.framing import with_cue
from newsframe.core.actors.verbcue import root_of, verb_cue


@pytest.fixture(scope="module")
def verbs() -> Mapping[str, str]:
    return ActorIndex.default().verbs


def cue_of(sentence: str, source: str, verbs: Mapping[str, str], *others: str) -> tuple[str, str, str] | None:
    """(word, code, label) of the cue of the first ``source`` in ``sentence``; ``others`` name the other mentions."""
    def span(word: str) -> tuple[int, int]:
        start = sentence.index(word)
        return start, start + len(word)
    found = verb_cue(sentence, span(source), [span(o) for o in others], verbs)
    return (found.word, found.code, found.label) if found else None


def test_roots_map_to_cooperation_and_conflict() -> None:
    assert [root_of(c) for c in ("100", "0344", "041:041", "---", "190")] == [10, 3, 4, None, 19]


def test_active_voice_takes_the_sources_own_verb(verbs: Mapping[str, str]) -> None:
    assert cue_of("Russia attacked Ukraine on Monday.", "Russia", verbs, "Ukraine")[2] == "confrontational"
    assert cue_of("Armenia and Azerbaijan have agreed to a ceasefire.", "Armenia", verbs, "Azerbaijan")[:2] == (
        "agreed", "050")
    assert cue_of("France agreed to open its borders.", "France", verbs)[2] == "cautious"


def test_passive_agent_takes_the_verb_before_by(verbs: Mapping[str, str]) -> None:
    sentence = "Ukraine was attacked by Russian drones overnight."
    assert cue_of(sentence, "Russian", verbs, "Ukraine")[:2] == ("attacked", "190")
    assert cue_of("The border was reopened by the Kremlin.", "Kremlin", verbs) is None  # an uncoded verb: no cue


def test_reported_speech_is_the_speakers_only_until_another_actor(verbs: Mapping[str, str]) -> None:
    assert cue_of("Russia said it would attack Ukraine.", "Russia", verbs, "Ukraine")[0] == "attack"
    assert cue_of("Russia said Ukraine attacked its border posts.", "Russia", verbs, "Ukraine") is None
    assert cue_of("China said on Monday that talks went well.", "China", verbs) is None  # statements are no posture


def test_headline_nouns_and_objects_count(verbs: Mapping[str, str]) -> None:
    assert cue_of("Russia Pushes Demands for U.S. Talks on Ukraine", "Russia", verbs, "U.S.", "Ukraine")[2] == (
        "confrontational")
    moscow = "Moscow has handed Washington a list of demands aimed at ending the war."
    assert cue_of(moscow, "Moscow", verbs, "Washington")[:2] == ("demands", "100")
    beijing = "Beijing has maintained a cautious stance, calling for peace while avoiding condemnation of Moscow."
    assert cue_of(beijing, "Beijing", verbs, "Moscow") == ("calling", "041:041", "cautious")
    assert cue_of("Moscow presented its demands to the United States.", "Moscow", verbs, "United States")[0] == (
        "demands")


def test_negation_rejection_reduction_and_names(verbs: Mapping[str, str]) -> None:
    assert cue_of("Russia did not attack Ukraine.", "Russia", verbs, "Ukraine") is None
    assert cue_of("Russia denied attacking the convoy.", "Russia", verbs) is None  # a denied attack is no refusal
    assert cue_of("China declined to comment.", "China", verbs) is None
    assert cue_of("Pakistan rejected the offer of talks.", "Pakistan", verbs)[:3] == ("offer", "120", "confrontational")
    assert cue_of("Israel will not lift the embargo.", "Israel", verbs)[1:] == ("120", "confrontational")
    assert cue_of("The UN has suspended aid to Yemen.", "UN", verbs, "Yemen")[1:] == ("160", "confrontational")
    assert cue_of("Britain said the Stock Exchange had grown.", "Britain", verbs) is None  # "Stock": a name
    assert cue_of("Ukraine, the key voice in the conflict, is absent.", "Ukraine", verbs) is None  # a topic phrase


def s(c: float, posture: float) -> dict:
    return {"framing": {"cautious": c, "confrontational": 1 - c}, "posture": posture}


def test_a_cue_pulls_the_direction_and_counts_as_posture() -> None:
    pulled = with_cue(s(0.88, 0.6), "confrontational", 0.44, weight=0.45)
    assert pulled["framing"]["cautious"] == pytest.approx(0.55 * 0.88)
    assert with_cue(s(0.79, 0.39), "cautious", 0.44, weight=0.45)["posture"] == pytest.approx(0.44)
    assert with_cue(s(0.79, 0.39), "cautious", 0.44, weight=0.0) == s(0.79, 0.39)  # weight 0: the model alone
    russia = actor_framing([s(0.88, 0.6), s(0.79, 0.5)], ["source", "source"], 0.44,
                           ["confrontational", "confrontational"], cue_weight=0.45)
    assert russia["label"] == "confrontational"
    assert actor_framing([s(0.88, 0.6), s(0.79, 0.5)], ["source", "source"], 0.44)["label"] == "cautious"
    china = actor_framing([s(0.79, 0.39)], ["source"], 0.44, ["cautious"], cue_weight=0.45)
    assert china["label"] == "cautious"
    assert actor_framing([s(0.79, 0.39)], ["source"], 0.44, [None], cue_weight=0.45)["label"] == "none"
    assert sentence_framing(s(0.2, 0.9), "target", 0.44, "cautious")["label"] == "none"  # only a source is framed


def test_extract_actors_reports_the_cue_of_source_sentences() -> None:
    text = "Russia threatened Ukraine with new attacks. China called for peace talks."
    flat = [s(0.5, 0.9), s(0.5, 0.9)]
    found = {a["code"]: a for a in extract_actors(ActorIndex.default(), text, published=dt.date(2024, 5, 1),
                                                   score=lambda sentences: flat[:len(sentences)])}
    assert found["RUS"]["sentences"][0]["cue"] == {"word": "threatened", "code": "130", "label": "confrontational"}
    assert found["RUS"]["framing"]["label"] == "confrontational"
    assert found["CHN"]["framing"]["label"] == "cautious"
    assert found["UKR"]["sentences"][0]["cue"] is None and found["UKR"]["framing"]["label"] == "none"
    off = {a["code"]: a for a in extract_actors(ActorIndex.default(), text, published=dt.date(2024, 5, 1),
                                                score=lambda sentences: flat[:len(sentences)], cue_weight=0.0)}
    assert off["RUS"]["framing"]["scores"] == {"cautious": 0.5, "confrontational": 0.5}
