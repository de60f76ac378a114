"""The document framing label as a user sees it: ``none`` when the posture probability is below the version's threshold.

Training chooses the threshold (``newsframe.train.threshold``) and stores it in the manifest at
``tasks.posture.threshold``; serving and evaluation apply it here, so every caller draws the line the same way.
A version without a threshold (trained before it existed, or without a posture task) keeps the two-way label.
"""
from __future__ import annotations

from typing import Any

import numpy as np

NONE_LABEL = "none"


def posture_threshold(manifest: dict[str, Any]) -> float | None:
    """The version's posture threshold, or None when it has none."""
    value = manifest.get("tasks", {}).get("posture", {}).get("threshold")
    return None if value is None else float(value)


def document_labels(framing: np.ndarray, posture: np.ndarray, threshold: float | None) -> np.ndarray:
    """``framing`` labels, replaced by ``none`` where ``posture`` < ``threshold`` (unchanged without a threshold)."""
    labels = np.asarray(framing, dtype=object).copy()
    if threshold is not None:
        labels[np.asarray(posture, dtype=float) < threshold] = NONE_LABEL
    return labels


def is_none(posture: float | None, threshold: float | None) -> bool:
    """Whether one document's label is ``none``."""
    return threshold is not None and posture is not None and posture < threshold
