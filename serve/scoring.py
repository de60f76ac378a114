"""Turn validated texts into API results with the loaded predictor (the one place that shapes a result)."""
from __future__ import annotations

from typing import Any

from newsframe.serve.errors import ApiError
from newsframe.serve.predictor import Predictor

# Tasks the API shows as their own object; the binary "posture" task is already folded into framing.posture.
API_TASKS = ("topic", "framing")


def predict(predictor: Predictor, text: str, explain: bool = False) -> dict[str, Any]:
    """One API result: ``{"topic": {...}, "framing": {..., "posture": p|null}, "model_version": v}``.

    ``Predictor.predict_one`` already gives each task's label, confidence, scores, ``framing.posture`` and, with
    ``explain``, the explanation (none for a task the fast path cannot handle); this only adds the version.
    """
    raw = predictor.predict_one(text, explain=explain)
    result: dict[str, Any] = {task: raw[task] for task in API_TASKS}
    result["model_version"] = predictor.version
    return result


def predict_many(predictor: Predictor, texts: list[str | ApiError], explain: bool) -> list[dict[str, Any]]:
    """Results in input order; an item that failed validation keeps its ``{"error": ...}`` entry."""
    return [text.body() if isinstance(text, ApiError) else predict(predictor, text, explain) for text in texts]
