"""Choose the posture threshold below which a document's framing label is ``none``, by cross-validation.

The rows are the posture task's training part (the held-out split of ``trainer.held_out_split``): every row with a
three-way label (cautious / confrontational / none) from a file that annotates posture. In each fold the posture
model and the framing model are fitted with the settings the trainer's search chose, on rows outside the fold (the
framing model also on the CAMEO-style rows that carry no posture label), and score the fold. The threshold is the
one that maximises the three-way macro-F1 of the out-of-fold document labels (``newsframe.core.decision``). The
same two fits on the whole training part then score the held-out part once, for an honest three-way figure.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from newsframe.core.decision import document_labels
from newsframe.core.schema import FRAMING_LABELS, POSTURE_NONE
from newsframe.train.config import TrainConfig
from newsframe.train.data import LabelledData
from newsframe.train.metrics import label_metrics
from newsframe.train.model import fit_chosen
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split

THREE_WAY = (*FRAMING_LABELS, POSTURE_NONE)
GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)  # candidate thresholds; calibrated probabilities, so 0.01 steps


def three_way_rows(data: LabelledData) -> tuple[list[str], np.ndarray]:
    """The posture task's rows, in its order, with their three-way labels."""
    rows = data.frame.loc[data.frame["framing"].notna() & data.frame["posture_annotated"], ["text", "framing"]]
    return rows["text"].tolist(), rows["framing"].to_numpy(dtype=object)


def _document_scores(data: LabelledData, config: TrainConfig, chosen: dict[str, dict], texts: list[str],
                     truth: np.ndarray, fit: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Posture probability and two-way framing label of rows ``score``, from models fitted without any scored text."""
    held = {texts[i] for i in score}
    posture_y = np.where(truth == POSTURE_NONE, POSTURE_NONE, "posture")
    posture = fit_chosen("posture", [texts[i] for i in fit], list(posture_y[fit]), config, chosen["posture"])
    framing_rows = data.task("framing")
    framing_rows = framing_rows[~framing_rows["text"].isin(held)]
    framing = fit_chosen("framing", framing_rows["text"].tolist(), framing_rows["framing"].tolist(), config, chosen["framing"])
    scored = [texts[i] for i in score]
    p_posture = posture.predict_proba(scored)[:, list(posture.classes_).index("posture")]
    return p_posture, framing.predict(scored).astype(object)


def best_threshold(truth: np.ndarray, posture: np.ndarray, framing: np.ndarray) -> tuple[float, float, list[dict]]:
    """The grid threshold with the highest three-way macro-F1 (ties: the one nearest 0.5), its F1, and the curve."""
    curve = [{"threshold": float(t), "macro_f1": float(f1_score(truth, document_labels(framing, posture, t),
                                                                 labels=list(THREE_WAY), average="macro", zero_division=0))}
             for t in GRID]
    best = max(curve, key=lambda c: (round(c["macro_f1"], 6), -abs(c["threshold"] - 0.5)))
    return best["threshold"], best["macro_f1"], curve


def cv_threshold(data: LabelledData, config: TrainConfig, chosen: dict[str, dict], rows: np.ndarray | None = None,
                 ) -> tuple[float, dict[str, Any]]:
    """The threshold with the best out-of-fold three-way macro-F1 over ``rows`` (positions in ``three_way_rows``;
    default all), with ``config.cv_folds`` folds, and what the search found."""
    texts, truth = three_way_rows(data)
    rows = np.arange(len(texts)) if rows is None else rows
    p_oof, f_oof = np.full(len(texts), np.nan), np.empty(len(texts), dtype=object)
    folds = StratifiedKFold(config.cv_folds, shuffle=True, random_state=config.seed)
    for fit, score in folds.split(rows, truth[rows]):
        p_oof[rows[score]], f_oof[rows[score]] = _document_scores(data, config, chosen, texts, truth, rows[fit], rows[score])
    threshold, cv_f1, curve = best_threshold(truth[rows], p_oof[rows], f_oof[rows])
    at_half = next(c["macro_f1"] for c in curve if c["threshold"] == 0.5)
    return threshold, {"method": "cv three-way macro-F1 over the posture training part", "cv_folds": config.cv_folds,
                       "cv_macro_f1": round(cv_f1, 4), "cv_macro_f1_at_0.5": round(at_half, 4),
                       "grid": [float(GRID[0]), float(GRID[-1]), 0.01]}


def choose_threshold(data: LabelledData, config: TrainConfig, chosen: dict[str, dict],
                     log: Callable[[str], None]) -> dict[str, Any]:
    """The threshold chosen by CV on the posture training part, and the held-out three-way figures it gives."""
    texts, truth = three_way_rows(data)
    posture_y = np.where(truth == POSTURE_NONE, POSTURE_NONE, "posture")
    train, held_out = train_test_split(np.arange(len(texts)), test_size=config.test_size, stratify=posture_y,
                                       random_state=config.seed)
    threshold, search = cv_threshold(data, config, chosen, train)
    log(f"  posture threshold: {threshold:.2f} (cv three-way macro-F1 {search['cv_macro_f1']:.4f}; "
        f"at 0.50: {search['cv_macro_f1_at_0.5']:.4f})")
    p_held, f_held = _document_scores(data, config, chosen, texts, truth, train, held_out)
    held = label_metrics(list(truth[held_out]), list(document_labels(f_held, p_held, threshold)), list(THREE_WAY))
    log(f"  document (three-way) held-out macro-F1={held['macro_f1']:.4f} (n={held['n']})")
    return {"threshold": threshold, "threshold_search": search, "document_held_out": held}
