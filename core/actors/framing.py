"""Per-actor framing from per-sentence scores: pure functions, no model.

A sentence score is ``{"framing": {"cautious": p, "confrontational": q}, "posture": r}`` (probabilities of the
framing model and the posture model's probability that the sentence frames a posture). An actor's framing pools the
sentences where it is the source, each weighted by its posture ``r``; an actor that is never a source, or a text
scored without a model, gets label ``none``.

A source sentence may carry a CAMEO verb cue (:mod:`verbcue`: the label the root of the source's own verb gives). A
cue is posture evidence and a pull on the direction: the sentence's posture counts as at least the threshold (an
actor whose verb CAMEO codes frames a posture), and its scores move toward the cue's label by ``cue_weight``:
``p' = (1 - w) * p + w * [label]``. ``cue_weight`` 0 (or no cues) is the model's scores alone.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LABELS = ("cautious", "confrontational")
NONE: dict[str, Any] = {"label": "none", "confidence": None, "scores": None}
CUE_WEIGHT = 0.45  # chosen on the dev half of data/actors/roles_sample.csv (research/README.md, issue 15)


def with_cue(score: Mapping[str, Any], cue: str | None, threshold: float | None,
             weight: float = CUE_WEIGHT) -> dict[str, Any]:
    """``score`` with the verb cue ``cue`` (``cautious``/``confrontational``/None) folded in (see the module doc)."""
    c, k = _pair(score)
    posture = float(score["posture"])
    if cue in LABELS and weight > 0:
        c = (1.0 - weight) * c + (weight if cue == "cautious" else 0.0)
        k = 1.0 - c
        posture = max(posture, threshold if threshold is not None else 0.5)
    return {"framing": {"cautious": c, "confrontational": k}, "posture": posture}


def _pair(score: Mapping[str, Any]) -> tuple[float, float]:
    """(cautious, confrontational) renormalised to sum to 1 (other framing labels, if any, are ignored)."""
    framing = score["framing"]
    c, k = float(framing.get("cautious", 0.0)), float(framing.get("confrontational", 0.0))
    total = c + k
    return (c / total, k / total) if total > 0 else (0.5, 0.5)


def _result(c: float, k: float, posture: float, threshold: float | None) -> dict[str, Any]:
    scores = {"cautious": round(c, 4), "confrontational": round(k, 4)}
    if threshold is not None and posture < threshold:
        return {"label": "none", "confidence": round(1.0 - posture, 4), "scores": scores}
    label = "cautious" if c >= k else "confrontational"
    return {"label": label, "confidence": round(max(c, k), 4), "scores": scores}


def sentence_framing(score: Mapping[str, Any] | None, role: str, threshold: float | None = 0.5,
                     cue: str | None = None, cue_weight: float = CUE_WEIGHT) -> dict[str, Any]:
    """How an actor is framed in one sentence: the sentence's framing (with the source's verb ``cue`` folded in)
    when the actor is its source and the sentence frames a posture (``posture >= threshold``), else label ``none``.
    A non-source gets the sentence's own scores."""
    if score is None:
        return dict(NONE)
    if role != "source":
        c, k = _pair(score)
        return {"label": "none", "confidence": None,
                "scores": {"cautious": round(c, 4), "confrontational": round(k, 4)}}
    score = with_cue(score, cue, threshold, cue_weight)
    c, k = _pair(score)
    return _result(c, k, float(score["posture"]), threshold)


def actor_framing(scores: Sequence[Mapping[str, Any] | None], roles: Sequence[str],
                  threshold: float | None = 0.5, cues: Sequence[str | None] | None = None,
                  cue_weight: float = CUE_WEIGHT) -> dict[str, Any]:
    """An actor's framing over its sentences (``scores[i]``, its ``roles[i]`` and verb ``cues[i]`` in sentence i;
    each source sentence's score first has its cue folded in, see :func:`with_cue`).

    Source sentences are pooled with weight = posture: scores = sum(r_i * p_i) / sum(r_i). The label is the larger
    score when the actor's strongest posture (max r_i) reaches ``threshold``, else ``none`` with confidence
    ``1 - max r_i`` (``threshold=None``: never ``none`` for a source, as for a version without a posture model).
    Not a source anywhere, or no scores: label ``none``, confidence and scores None.
    """
    cues = cues if cues is not None else [None] * len(scores)
    adjusted = [with_cue(s, cue, threshold, cue_weight) for s, role, cue in zip(scores, roles, cues)
                if role == "source" and s is not None]
    pooled = [(s, float(s["posture"])) for s in adjusted]
    if not pooled:
        return dict(NONE)
    weight = sum(r for _, r in pooled)
    posture = max(r for _, r in pooled)
    if weight <= 0:
        return _result(0.5, 0.5, posture, threshold)
    c = sum(r * _pair(s)[0] for s, r in pooled) / weight
    return _result(c, 1.0 - c, posture, threshold)
