"""Turn validated texts into API results with the loaded predictor (the one place that shapes a result)."""
from __future__ import annotations

from typing import Any

from newsframe.serve.errors import ApiError
from newsframe.serve.predictor import Predictor

# Tasks the API shows as their own object; the binary "posture" task is folded into framing.posture.
API_TASKS = ("topic", "framing")
POSTURE_LABEL = "posture"


def _posture_probability(raw: dict[str, Any]) -> float | None:
    """P(the text frames any posture), wherever the predictor put it; ``None`` without a posture model."""
    framing = raw.get("framing", {})
    if "posture" in framing:
        value = framing["posture"]
        return None if value is None else float(value)
    task = raw.get("posture")
    if isinstance(task, dict) and POSTURE_LABEL in task.get("scores", {}):
        return float(task["scores"][POSTURE_LABEL])
    return None


def predict(predictor: Predictor, text: str, explain: bool = False) -> dict[str, Any]:
    """One API result: ``{"topic": {...}, "framing": {..., "posture": p|null}, "model_version": v}``.

    With ``explain`` each task also carries ``explanation`` (toward/against terms, low_evidence, known_terms)
    as produced by the predictor's fast path (a task the fast path cannot handle has none).
    """
    raw = predictor.predict_one(text, explain=True) if explain else predictor.predict_one(text)
    result: dict[str, Any] = {}
    for task in API_TASKS:
        part = raw[task]
        shaped = {"label": part["label"], "confidence": float(part["confidence"]),
                  "scores": {str(k): float(v) for k, v in part["scores"].items()}}
        if task == "framing":
            shaped["posture"] = _posture_probability(raw)
        if explain and part.get("explanation") is not None:  # absent where the predictor has no fast path
            shaped["explanation"] = part["explanation"]
        result[task] = shaped
    result["model_version"] = predictor.version
    return result


def predict_many(predictor: Predictor, texts: list[str | ApiError], explain: bool) -> list[dict[str, Any]]:
    """Results in input order; an item that failed validation keeps its ``{"error": ...}`` entry."""
    return [text.body() if isinstance(text, ApiError) else predict(predictor, text, explain) for text in texts]
