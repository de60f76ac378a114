"""Nested CV of the adopted default search space: the trainer's own search runs inside each outer fold.

This is the honest estimate of the shipped setup: the choice of features and C is made on the training part
of each outer fold only, exactly as ``newsframe train`` makes it, and scored on the untouched outer fold.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
from newsframe.train.config import TrainConfig
from newsframe.train.model import search

from research.cv import POSITIVE, macro_f1, roc_auc, stratified_splits


def nested_scores(frame: pd.DataFrame, label: str, config: TrainConfig, k: int = 5) -> tuple[np.ndarray, list[dict]]:
    """Out-of-fold positive-class probabilities from the trainer's search, and what each fold chose."""
    proba, chosen = np.full(len(frame), np.nan), []
    texts, labels = frame["text"].tolist(), frame[label].tolist()
    for train, test in stratified_splits(frame, label, k):
        pipeline, info = search(label, [texts[i] for i in train], [labels[i] for i in train], config, log=lambda _: None)
        column = list(pipeline.classes_).index(POSITIVE[label])
        proba[test] = pipeline.predict_proba([texts[i] for i in test])[:, column]
        chosen.append({"features": info["chosen"]["features"]["name"], "C": info["chosen"]["C"],
                       "class_weight": info["chosen"]["class_weight"], "nb_alpha": info["chosen"].get("nb_alpha"),
                       "inner_cv_macro_f1": info["chosen"]["cv_macro_f1"]})
    return proba, chosen


def nested_framing(framing: pd.DataFrame) -> dict:
    """Nested 5-fold CV of the default framing search space: macro-F1 per source and each fold's choice."""
    started = time.perf_counter()
    proba, chosen = nested_scores(framing, "framing", TrainConfig())
    return {"macro_f1": {k: round(v, 4) for k, v in macro_f1(framing, "framing", proba).items()},
            "chosen_per_fold": chosen, "seconds": round(time.perf_counter() - started, 1)}


def stage_nested_framing(framing: pd.DataFrame, results: dict) -> None:
    """Re-run only the framing half of ``stage_nested`` (after a change to the framing default alone)."""
    results.setdefault("nested", {})["framing"] = nested_framing(framing)
    print(results["nested"]["framing"], flush=True)


def stage_nested(framing: pd.DataFrame, posture: pd.DataFrame, results: dict) -> None:
    """Nested 5-fold CV of the default framing and posture search spaces (TrainConfig defaults)."""
    config, out = TrainConfig(), {}
    out["framing"] = nested_framing(framing)
    print(out["framing"], flush=True)
    started = time.perf_counter()
    proba, chosen = nested_scores(posture, "posture", config)
    out["posture"] = {"roc_auc": {k: round(v, 4) for k, v in roc_auc(posture, "posture", proba).items()},
                      "macro_f1": {k: round(v, 4) for k, v in macro_f1(posture, "posture", proba).items()},
                      "chosen_per_fold": chosen, "seconds": round(time.perf_counter() - started, 1)}
    print(out["posture"], flush=True)
    results["nested"] = out
