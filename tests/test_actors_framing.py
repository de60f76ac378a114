"""Per-actor framing: posture-weighted pooling over source sentences (pure functions) and through extract_actors
with a deterministic score function (cue words, not a model: the tiny model's scores are not the point here)."""
from __future__ import annotations

import datetime as dt

import pytest
from newsframe.core.actors import ActorIndex, actor_framing, extract_actors, sentence_framing


def s(c: float, posture: float) -> dict:
    return {"framing": {"cautious": c, "confrontational": 1 - c}, "posture": posture}


def test_pooling_weights_source_sentences_by_posture() -> None:
    result = actor_framing([s(0.9, 0.8), s(0.2, 0.2), s(0.0, 1.0)], ["source", "source", "target"])
    c = (0.8 * 0.9 + 0.2 * 0.2) / 1.0  # the target sentence does not count
    assert result["scores"]["cautious"] == pytest.approx(c, abs=1e-4)
    assert result["label"] == "cautious" and result["confidence"] == pytest.approx(c, abs=1e-4)


def test_low_posture_sources_and_non_sources_are_none() -> None:
    low = actor_framing([s(0.1, 0.3)], ["source"], threshold=0.5)
    assert low["label"] == "none" and low["confidence"] == pytest.approx(0.7)
    assert low["scores"]["confrontational"] == pytest.approx(0.9)
    assert actor_framing([s(0.1, 0.9)], ["target"]) == {"label": "none", "confidence": None, "scores": None}
    assert actor_framing([None], ["source"])["label"] == "none"
    assert sentence_framing(s(0.1, 0.9), "target")["label"] == "none"
    assert sentence_framing(s(0.1, 0.9), "source")["label"] == "confrontational"
    assert actor_framing([s(0.1, 0.3)], ["source"], threshold=None)["label"] == "confrontational"  # no posture cut


def cue_scores(sentences: list[str]) -> list[dict]:
    """Confrontational when the sentence threatens or demands, cautious when it calls for peace or talks."""
    out = []
    for text in sentences:
        words = text.lower()
        hostile = any(w in words for w in ("threat", "demand", "attack"))
        calm = any(w in words for w in ("peace", "talks", "cautious"))
        c = 0.8 if calm and not hostile else 0.2 if hostile else 0.5
        out.append({"framing": {"cautious": c, "confrontational": 1 - c}, "posture": 0.9 if hostile or calm else 0.1})
    return out


def test_extract_actors_frames_sources_only() -> None:
    index = ActorIndex.default()
    text = ("Russia threatened Ukraine with new attacks. China called for peace talks. "
            "Ukraine was attacked by Russian drones overnight.")
    calls: list[list[str]] = []

    def scorer(sentences: list[str]) -> list[dict]:
        calls.append(sentences)
        return cue_scores(sentences)

    found = {a["code"]: a for a in extract_actors(index, text, published=dt.date(2024, 5, 1), score=scorer)}
    assert len(calls) == 1 and len(calls[0]) == 3  # one batched call, sentences naming actors only
    assert found["RUS"]["role"] == "source" and found["RUS"]["framing"]["label"] == "confrontational"
    assert found["CHN"]["framing"]["label"] == "cautious"
    assert found["UKR"]["role"] == "target" and found["UKR"]["framing"]["label"] == "none"
    assert found["RUS"]["mentions"] == 2 and [x["role"] for x in found["RUS"]["sentences"]] == ["source", "source"]
    assert [x["framing"]["label"] for x in found["UKR"]["sentences"]] == ["none", "none"]


def test_score_function_must_answer_every_sentence() -> None:
    with pytest.raises(ValueError):
        extract_actors(ActorIndex.default(), "Russia attacked Ukraine.", score=lambda sentences: [])
    with pytest.raises(ValueError):  # precomputed scores must line up with the sentences too
        extract_actors(ActorIndex.default(), "Russia attacked Ukraine.", scores=[])


def test_without_detail_only_source_sentences_are_scored_and_actors_frame_the_same() -> None:
    index = ActorIndex.default()
    text = "Russia threatened Ukraine with new attacks. Ukraine was shelled again overnight. China called for peace talks."
    asked: list[list[str]] = []

    def scorer(sentences: list[str]) -> list[dict]:
        asked.append(sentences)
        return cue_scores(sentences)

    full = extract_actors(index, text, published=dt.date(2024, 5, 1), score=scorer)
    lean = extract_actors(index, text, published=dt.date(2024, 5, 1), score=scorer, detail=False)
    assert len(asked[0]) == 3 and asked[1] == [asked[0][0], asked[0][2]]  # the shelling sentence has no source
    assert lean == [{k: v for k, v in actor.items() if k != "sentences"} for actor in full]
    assert {a["code"]: (a["role"], a["framing"]["label"]) for a in lean} == {
        "RUS": ("source", "confrontational"), "UKR": ("target", "none"), "CHN": ("source", "cautious")}
