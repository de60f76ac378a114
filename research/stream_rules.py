"""Decision rules on the out-of-fold scores of ``research.stream``: is one posture threshold the right rule?

Usage: python -m research.stream_rules [research/reports/stream_scores_shipped_screen.csv]

Rules compared, each with its parameters chosen on the other outer folds' out-of-fold scores and applied to the
fold left out (so the fold's labels never choose its parameters):
- ``threshold``: none below a posture threshold t, else the framing argmax (the shipped rule);
- ``threshold+cutoff``: as above, but confrontational only when P(confrontational) >= u (u moves the
  cautious/confrontational boundary);
- ``two_thresholds``: none below t_c when the framing leans cautious, below t_f when it leans confrontational.
"""
from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from research.stream import outer_splits, stream_frame
from research.stream_report import THREE_WAY

REPORTS = Path(__file__).resolve().parent / "reports"
T = np.round(np.arange(0.10, 0.81, 0.02), 2)
U = np.round(np.arange(0.30, 0.71, 0.02), 2)


def label(p: np.ndarray, q: np.ndarray, t_c: float, t_f: float, u: float) -> np.ndarray:
    conf = q >= u
    out = np.where(conf, "confrontational", "cautious").astype(object)
    out[np.where(conf, p < t_f, p < t_c)] = "none"
    return out


RULES = {
    "threshold": [(t, t, 0.5) for t in T],
    "threshold+cutoff": [(t, t, u) for t in T for u in U],
    "two_thresholds": [(a, b, 0.5) for a, b in itertools.product(T, T)],
}


def _f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Three-way macro-F1 (numpy; sklearn's f1_score is too slow for thousands of grid points)."""
    scores = []
    for c in THREE_WAY:
        tp = float(((predicted == c) & (truth == c)).sum())
        denominator = float((predicted == c).sum() + (truth == c).sum())
        scores.append(2 * tp / denominator if denominator else 0.0)
    return float(np.mean(scores))


def scored_rule(rule: str, truth: np.ndarray, news: np.ndarray, folds: list[np.ndarray], grid: list[Any],
                labeller: Callable[..., np.ndarray]) -> dict[str, Any]:
    """One rule's stream figures: for each fold, the grid point best on the other folds' news items, applied to it.

    ``labeller(rows, *point)`` labels the rows (a boolean mask) at one grid point.
    """
    predicted, chosen = np.empty(len(truth), dtype=object), []
    for test in folds:
        inner = news.copy()
        inner[test] = False
        best = max(grid, key=lambda g: _f1(truth[inner], labeller(inner, *g)))
        mask = np.zeros(len(truth), bool)
        mask[test] = True
        predicted[test] = labeller(mask, *best)
        chosen.append(best)
    t, y = truth[news], predicted[news]
    precision = {c: float(((y == c) & (t == c)).sum() / max((y == c).sum(), 1)) for c in ("cautious", "confrontational")}
    return {"rule": rule, "stream_macro_f1": round(_f1(t, y), 4),
            "precision_cautious": round(precision["cautious"], 4),
            "precision_confrontational": round(precision["confrontational"], 4),
            "chosen": "; ".join("/".join(f"{x:.2f}" for x in point) for point in chosen)}


def compare(scores: pd.DataFrame, folds: list[np.ndarray]) -> pd.DataFrame:
    """Per rule: stream three-way macro-F1 and precisions with leave-one-fold-out parameters."""
    news = scores["source"].isin(["ag_news", "bbc_news"]).to_numpy()
    truth, p, q = scores["truth"].to_numpy(dtype=object), scores["posture"].to_numpy(), scores["p_confrontational"].to_numpy()
    return pd.DataFrame([scored_rule(rule, truth, news, folds, grid, lambda rows, *g: label(p[rows], q[rows], *g))
                         for rule, grid in RULES.items()])


def load_scores(argv: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, list[np.ndarray]]:
    """The out-of-fold scores named by ``argv`` (default: the shipped screen's), the stream frame and its outer test folds."""
    path = Path(argv[0]) if argv else REPORTS / "stream_scores_shipped_screen.csv"
    scores = pd.read_csv(path, dtype={"id": str})
    frame = stream_frame()
    if list(frame["id"]) != list(scores["id"]):
        raise SystemExit("scores do not follow the current stream frame; re-run research.stream")
    return scores, frame, [test for _, test in outer_splits(frame, 5)]


def main() -> None:
    scores, _, folds = load_scores(sys.argv[1:])
    print(compare(scores, folds).to_string(index=False))


if __name__ == "__main__":
    main()
