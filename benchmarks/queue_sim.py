"""Does the labelling queue earn its place? Queue-chosen vs random labels on the annotated news corpus.

The annotated news rows (``data/framing/annotated.csv``: cautious, confrontational or none) are split once into a
test part (30 %, stratified, seed 0) and a pool whose labels are hidden. Training starts from the CAMEO rows
(``data/framing/cameo.csv``, two-way, no 'none'), as the bundled model does. Each round adds ``--batch`` pool
labels, chosen either by newsframe's queue (:func:`newsframe.serve.queueing.priorities` on the current models'
probabilities, near-duplicates removed by :func:`~newsframe.serve.queueing.choose`) or uniformly at random
(``--seeds`` runs, averaged), refits, and scores three-way framing macro-F1 on the test part.

The model is the product's shape at a fixed setting, for speed: a two-way framing classifier (cautious vs
confrontational, on CAMEO rows and labelled news rows with a posture) and a posture classifier (none vs posture, on
labelled news rows, once both classes are there); a document is ``none`` when P(posture) < 0.5, else the framing
label. Features: word 1-2-gram + char_wb 2-5 TF-IDF fitted once on all texts (no labels), logistic regression with
balanced class weights.

Goal (issue 17): the queue reaches the random curve's final macro-F1 with at most 60 % of its labels.

    nice python benchmarks/queue_sim.py                 # ~10 min on 2 cores -> results/queue_sim.{json,png}
    python benchmarks/queue_sim.py --smoke              # seconds, a temp dir (tests/test_queue_sim.py)
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from newsframe.core.schema import model_text
from newsframe.serve.queueing import choose, priorities
from scipy.sparse import vstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
LABELS = ["cautious", "confrontational", "none"]


def load(limit: int | None = None) -> tuple[list[str], list[str], list[str], np.ndarray, list[str], np.ndarray]:
    """CAMEO texts and labels; pool texts and hidden labels; test texts and labels."""
    cameo = pd.read_csv(ROOT / "data/framing/cameo.csv").dropna(subset=["framing"])
    news = pd.read_csv(ROOT / "data/framing/annotated.csv").dropna(subset=["framing"])
    news["text"] = [model_text(h, b) for h, b in zip(news["headline"], news["body"])]
    news = news[news["text"].str.len() > 0]
    if limit:
        news = news.sample(n=min(limit, len(news)), random_state=0)
    pool, test = train_test_split(news, test_size=0.3, stratify=news["framing"], random_state=0)
    return (cameo["text"].tolist(), cameo["framing"].tolist(), pool["text"].tolist(), pool["framing"].to_numpy(),
            test["text"].tolist(), test["framing"].to_numpy())


class Models:
    """The two classifiers on precomputed features; ``fit`` on labelled pool indices, ``document`` labels."""

    def __init__(self, cameo_x: Any, cameo_y: list[str], pool_x: Any, pool_y: np.ndarray) -> None:
        self.cameo_x, self.cameo_y, self.pool_x, self.pool_y = cameo_x, np.asarray(cameo_y, dtype=object), pool_x, pool_y

    def fit(self, labelled: np.ndarray) -> Models:
        y = self.pool_y[labelled]
        posture_rows = labelled[y != "none"]
        x = vstack([self.cameo_x, self.pool_x[posture_rows]]) if len(posture_rows) else self.cameo_x
        self.framing = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000).fit(
            x, np.concatenate([self.cameo_y, self.pool_y[posture_rows]]))
        posture_y = np.where(y == "none", "none", "posture")
        self.posture = (LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000).fit(self.pool_x[labelled], posture_y)
                        if len(set(posture_y)) == 2 else None)
        return self

    def probabilities(self, x: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """P(confrontational) and P(posture) (None before a posture model exists)."""
        confrontational = self.framing.predict_proba(x)[:, list(self.framing.classes_).index("confrontational")]
        posture = None if self.posture is None else self.posture.predict_proba(x)[:, list(self.posture.classes_).index("posture")]
        return confrontational, posture

    def document(self, x: Any) -> np.ndarray:
        framing = self.framing.predict(x)
        if self.posture is None:
            return framing
        _, posture = self.probabilities(x)
        return np.where(posture < 0.5, "none", framing)


def curve(models: Models, pool_texts: list[str], test_x: Any, test_y: np.ndarray, batch: int, rounds: int,
          strategy: str, seed: int = 0) -> list[dict[str, float]]:
    """Macro-F1 after 0, batch, 2*batch, ... labels."""
    rng = np.random.default_rng(seed)
    labelled = np.empty(0, dtype=int)
    points = []
    for r in range(rounds + 1):
        models.fit(labelled)
        predicted = models.document(test_x)
        points.append({"labels": len(labelled),
                       "macro_f1": round(float(f1_score(test_y, predicted, labels=LABELS, average="macro", zero_division=0)), 4)})
        if r == rounds:
            break
        remaining = np.setdiff1d(np.arange(len(pool_texts)), labelled)
        if strategy == "random":
            new = rng.choice(remaining, size=min(batch, len(remaining)), replace=False)
        else:
            confrontational, posture = models.probabilities(models.pool_x[remaining])
            chosen, _ = choose([pool_texts[i] for i in remaining], priorities(confrontational, posture), batch)
            new = remaining[chosen]
        labelled = np.concatenate([labelled, new])
    return points


def labels_to_reach(points: list[dict[str, float]], target: float) -> int | None:
    return next((p["labels"] for p in points if p["macro_f1"] >= target), None)


def run(batch: int, rounds: int, seeds: int, limit: int | None, out: Path) -> dict[str, Any]:
    started, load_before = time.perf_counter(), os.getloadavg()
    cameo_t, cameo_y, pool_t, pool_y, test_t, test_y = load(limit)
    features = FeatureUnion([("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)),
                             ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2))])
    features.fit(cameo_t + pool_t + test_t)
    cameo_x, pool_x, test_x = features.transform(cameo_t), features.transform(pool_t), features.transform(test_t)
    models = Models(cameo_x, cameo_y, pool_x, pool_y)
    queue = curve(models, pool_t, test_x, test_y, batch, rounds, "queue")
    randoms = [curve(models, pool_t, test_x, test_y, batch, rounds, "random", seed) for seed in range(seeds)]
    random_mean = [{"labels": p["labels"], "macro_f1": round(float(np.mean([c[i]["macro_f1"] for c in randoms])), 4)}
                   for i, p in enumerate(randoms[0])]
    target = random_mean[-1]["macro_f1"]
    needed = labels_to_reach(queue, target)
    total = random_mean[-1]["labels"]
    result = {"batch": batch, "rounds": rounds, "seeds": seeds, "pool": len(pool_t), "test": len(test_t),
              "cameo": len(cameo_t), "queue": queue, "random_mean": random_mean, "random_runs": randoms,
              "random_final_macro_f1": target, "queue_labels_to_reach_it": needed,
              "share_of_random_labels": None if needed is None else round(needed / total, 3),
              "goal_met": needed is not None and needed <= 0.6 * total,
              "seconds": round(time.perf_counter() - started, 1), "load_before": [round(x, 2) for x in load_before],
              "load_after": [round(x, 2) for x in os.getloadavg()]}
    out.mkdir(parents=True, exist_ok=True)
    (out / "queue_sim.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    plot(result, out / "queue_sim.png")
    return result


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for run in result["random_runs"]:
        ax.plot([p["labels"] for p in run], [p["macro_f1"] for p in run], color="#bbb", lw=0.8)
    ax.plot([p["labels"] for p in result["random_mean"]], [p["macro_f1"] for p in result["random_mean"]],
            color="#555", lw=2, label=f"random (mean of {result['seeds']})")
    ax.plot([p["labels"] for p in result["queue"]], [p["macro_f1"] for p in result["queue"]], color="#24527a", lw=2,
            marker="o", ms=3, label="newsframe queue")
    ax.axhline(result["random_final_macro_f1"], color="#a11", ls=":", lw=1, label="random's final score")
    if result["queue_labels_to_reach_it"] is not None:
        ax.axvline(result["queue_labels_to_reach_it"], color="#a11", ls="--", lw=1)
    ax.set_xlabel("news labels added to the CAMEO rows")
    ax.set_ylabel("framing macro-F1 (3-way, test part)")
    ax.set_title("Labels chosen by the queue vs at random")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--limit", type=int, help="use this many annotated rows (default: all)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--smoke", action="store_true", help="300 rows, 2 rounds of 30, 1 seed, into a temp dir")
    args = parser.parse_args(argv)
    if args.smoke:
        args.batch, args.rounds, args.seeds, args.limit = 30, 2, 1, 300
        args.out = Path(tempfile.mkdtemp(prefix="queue-sim-"))
    result = run(args.batch, args.rounds, args.seeds, args.limit, args.out)
    print(f"random: {result['random_final_macro_f1']:.4f} macro-F1 with {result['random_mean'][-1]['labels']} labels; "
          f"queue reaches it with {result['queue_labels_to_reach_it']} labels "
          f"({result['share_of_random_labels']}); goal (<= 60%) {'met' if result['goal_met'] else 'NOT met'}; "
          f"{result['seconds']} s, load {result['load_before']} -> {result['load_after']}; {args.out / 'queue_sim.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
