"""Closing the AG / BBC gap: per-source sample weights, logistic regression, wider C grids, more feature sets.

Two steps, both on the 5 outer folds of the other stages (stratified by source x label, seed 0):

* ``screen``: plain out-of-fold macro-F1 of every variant (one vectorisation per fold, shared by all
  classifier variants). Picking the best row of a screen is optimistic; it only chooses what to nest.
* ``nested``: the trainer's protocol (``newsframe.train.model.search``) for a candidate search space: inside
  each outer fold an inner 3-fold CV (StratifiedKFold on the label, shuffle, seed 0, like ``search``) picks
  features x classifier by macro-F1, the pick is refitted on the outer training part and scored on the outer
  fold. Inner scores and outer predictions are computed once per (feature set, classifier) and shared by every
  search space that contains them, so a search space's nested figure costs nothing extra once its members ran.
  ``check`` re-derives the shipped default space this way; it must match the ``nested`` stage's figures.

Sample weights depend on the row's source (the bundled file); at predict time no weight is needed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from newsframe.train.config import HEADLINE, HEADLINE_CUES, FeatureSet
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from research.cv import POSITIVE, feature_builder, macro_f1, stratified_splits

WEIGHTS = {
    None: None,
    # every source carries the same total weight (mean weight 1)
    "source-balanced": "balanced",
    # headline sources (AG, BBC) count twice as much as a CAMEO sentence
    "headlines x2": {"cameo": 1.0, "ag_news": 2.0, "bbc_news": 2.0},
    "headlines x1.5": {"cameo": 1.0, "ag_news": 1.5, "bbc_news": 1.5},
    "cameo x0.5, bbc x2": {"cameo": 0.5, "ag_news": 1.0, "bbc_news": 2.0},
}


def source_weights(sources: np.ndarray, scheme: str | None) -> np.ndarray | None:
    """Per-row sample weights for a weighting scheme (None: unweighted)."""
    spec = WEIGHTS[scheme]
    if spec is None:
        return None
    if spec == "balanced":
        names, counts = np.unique(sources, return_counts=True)
        per = {n: len(sources) / (len(names) * c) for n, c in zip(names, counts)}
    else:
        per = spec
    w = np.array([per[s] for s in sources], dtype=float)
    return w / w.mean()


@dataclass(frozen=True)
class Variant:
    """One classifier: calibrated LinearSVC or calibrated LogisticRegression, C, class weight, source weights."""

    model: str = "svc"  # "svc" | "lr"
    C: float = 1.0
    weights: str | None = None
    class_weight: str | None = None

    @property
    def name(self) -> str:
        model = "LinearSVC" if self.model == "svc" else "LogReg(liblinear)"
        cw = f" class_weight={self.class_weight}" if self.class_weight else ""
        return f"{model} C={self.C:g}{cw} weights={self.weights or 'none'}"

    def build(self, seed: int = 0) -> CalibratedClassifierCV:
        if self.model == "svc":
            base = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=seed)
        else:
            base = LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear", random_state=seed)
        return CalibratedClassifierCV(base, method="sigmoid", cv=StratifiedKFold(3), ensemble=False)


def _fit_proba(variant: Variant, x_train, y_train, src_train, x_test, label: str) -> np.ndarray:
    w = source_weights(src_train, variant.weights)
    model = variant.build().fit(x_train, y_train, sample_weight=w) if w is not None else variant.build().fit(x_train, y_train)
    return model.predict_proba(x_test)[:, list(model.classes_).index(POSITIVE[label])]


def _negative(label: str) -> str:
    return {"framing": "cautious", "posture": "none"}[label]


class Runs:
    """Cache of inner-CV scores and outer-fold predictions per (feature set, variant)."""

    def __init__(self, frame: pd.DataFrame, label: str, k: int = 5, inner_folds: int = 3, seed: int = 0):
        self.frame, self.label, self.seed, self.inner_folds = frame, label, seed, inner_folds
        self.texts = frame["text"].tolist()
        self.y = np.asarray(frame[label], dtype=object)
        self.src = np.asarray(frame["source"], dtype=object)
        self.outer = stratified_splits(frame, label, k)
        self.inner: dict[tuple[str, Variant], list[float]] = {}  # mean inner macro-F1 per outer fold
        self.outer_proba: dict[tuple[str, Variant], np.ndarray] = {}
        self.flat: dict[tuple[str, Variant], np.ndarray] = {}

    def _vectorise(self, fs: FeatureSet, train: np.ndarray, test: np.ndarray):
        vec = feature_builder(fs)()
        return vec.fit_transform([self.texts[i] for i in train]), vec.transform([self.texts[i] for i in test])

    def screen(self, fs: FeatureSet, variants: list[Variant]) -> None:
        """Out-of-fold probabilities on the outer folds (no inner selection) for every new variant."""
        todo = [v for v in variants if (fs.name, v) not in self.flat]
        if not todo:
            return
        out = {v: np.full(len(self.y), np.nan) for v in todo}
        for train, test in self.outer:
            x_train, x_test = self._vectorise(fs, train, test)
            for v in todo:
                out[v][test] = _fit_proba(v, x_train, self.y[train], self.src[train], x_test, self.label)
        for v in todo:
            self.flat[(fs.name, v)] = out[v]
            self.outer_proba[(fs.name, v)] = out[v]  # the same fits as the nested outer refit

    def nest(self, fs: FeatureSet, variants: list[Variant]) -> None:
        """Inner-CV macro-F1 per outer fold (the trainer's search protocol) for every new variant."""
        self.screen(fs, variants)
        todo = [v for v in variants if (fs.name, v) not in self.inner]
        if not todo:
            return
        scores = {v: [] for v in todo}
        for train, _ in self.outer:
            y_train = self.y[train]
            inner = StratifiedKFold(self.inner_folds, shuffle=True, random_state=self.seed).split(train, y_train)
            per_fold = {v: [] for v in todo}
            for itr, ite in inner:
                a, b = train[itr], train[ite]
                x_a, x_b = self._vectorise(fs, a, b)
                for v in todo:
                    p = _fit_proba(v, x_a, self.y[a], self.src[a], x_b, self.label)
                    pred = np.where(p >= 0.5, POSITIVE[self.label], _negative(self.label)).astype(object)
                    per_fold[v].append(f1_score(self.y[b], pred, average="macro"))
            for v in todo:
                scores[v].append(float(np.mean(per_fold[v])))
        for v in todo:
            self.inner[(fs.name, v)] = scores[v]

    def nested(self, space: list[tuple[FeatureSet, Variant]]) -> tuple[dict[str, float], list[str]]:
        """Nested macro-F1 of a search space (its members must have been ``nest``-ed) and the pick per outer fold."""
        proba, chosen = np.full(len(self.y), np.nan), []
        for f, (_, test) in enumerate(self.outer):
            # first best in order, like GridSearchCV's rank (ties go to the earlier candidate)
            best = max(range(len(space)), key=lambda i: (round(self.inner[(space[i][0].name, space[i][1])][f], 12), -i))
            fs, v = space[best]
            proba[test] = self.outer_proba[(fs.name, v)][test]
            chosen.append(f"{fs.name} / {v.name}")
        return macro_f1(self.frame, self.label, proba), chosen

    def flat_scores(self, fs: FeatureSet, v: Variant) -> dict[str, float]:
        return macro_f1(self.frame, self.label, self.flat[(fs.name, v)])


def _row(name: str, scores: dict[str, float], **extra: Any) -> dict[str, Any]:
    return {"name": name, **extra, **{k: round(v, 4) for k, v in scores.items()}}


DEFAULT_SPACE_FS = (HEADLINE_CUES, HEADLINE)
# GridSearchCV's candidate order for the default space: C outermost, then feature set
DEFAULT_C = (0.3, 1.0)


def space(fss: tuple[FeatureSet, ...], variants: list[Variant]) -> list[tuple[FeatureSet, Variant]]:
    """Candidates in GridSearchCV order (parameters sorted by name: C, class_weight/weights, features last)."""
    return [(fs, v) for v in variants for fs in fss]


def stage_gap(framing: pd.DataFrame, results: dict) -> None:
    """Screen and nest the gap-closing ideas; record flat and nested macro-F1 per source."""
    runs, screen_rows, nested_rows = Runs(framing, "framing"), [], []
    started = time.perf_counter()

    def log(row: dict) -> None:
        print({k: row[k] for k in row if k != "chosen"}, f"{time.perf_counter() - started:.0f}s", flush=True)

    # 1. Reproduce the shipped default space with this code (must match the nested stage).
    base = [Variant("svc", c) for c in DEFAULT_C]
    for fs in DEFAULT_SPACE_FS:
        runs.nest(fs, base)
    scores, chosen = runs.nested(space(DEFAULT_SPACE_FS, base))
    nested_rows.append(_row("shipped default (LinearSVC C 0.3/1, no weights)", scores, chosen=chosen)); log(nested_rows[-1])

    # 2. Screen classifier ideas on the adopted feature set.
    svc_cs, lr_cs = (0.1, 0.3, 1.0, 3.0), (1.0, 3.0, 10.0, 30.0, 100.0)
    screen = [Variant("svc", c, w) for w in WEIGHTS for c in svc_cs] + [Variant("lr", c, w) for w in (None, "source-balanced", "headlines x2") for c in lr_cs]
    runs.screen(HEADLINE_CUES, screen)
    for v in screen:
        screen_rows.append(_row(v.name, runs.flat_scores(HEADLINE_CUES, v), features=HEADLINE_CUES.name, C=v.C)); log(screen_rows[-1])
    results["gap_screen"] = screen_rows
    results["gap_nested"] = nested_rows

    # 3. Screen feature variants (TfidfVectorizer parameters only) with the default classifiers.
    feature_rows = []
    for fs in FEATURE_VARIANTS:
        runs.screen(fs, base)
        for v in base:
            feature_rows.append(_row(f"{fs.name} / {v.name}", runs.flat_scores(fs, v), features=fs.name, C=v.C)); log(feature_rows[-1])
    results["gap_features"] = feature_rows

    # 4. Nest the candidate search spaces (each space: both default feature sets).
    candidates = {
        "LinearSVC C 0.1/0.3/1/3, no weights": [Variant("svc", c) for c in svc_cs],
        "LinearSVC C 0.3/1, source-balanced weights": [Variant("svc", c, "source-balanced") for c in DEFAULT_C],
        "LinearSVC C 0.3/1, headlines x2": [Variant("svc", c, "headlines x2") for c in DEFAULT_C],
        "LinearSVC C 0.3/1, weights none/source-balanced/headlines x2":
            [Variant("svc", c, w) for c in DEFAULT_C for w in (None, "source-balanced", "headlines x2")],
        "LogReg C 3/10/30/100, no weights": [Variant("lr", c) for c in lr_cs[1:]],
        "LogReg C 3/10/30/100, source-balanced": [Variant("lr", c, "source-balanced") for c in lr_cs[1:]],
    }
    results["gap_nested"] = _nest_candidates(runs, candidates, nested_rows, log)


FEATURE_VARIANTS = (
    replace(HEADLINE_CUES, name="word13+char25 headline2+cues", word_ngram=(1, 3)),
    replace(HEADLINE_CUES, name="word12+char26 headline2+cues", char_ngram=(2, 6)),
    replace(HEADLINE_CUES, name="word12+char16 headline2+cues", char_ngram=(1, 6)),
    replace(HEADLINE_CUES, name="word12+char25 headline2+cues min_df1", min_df=1),
)


def _nest_candidates(runs: Runs, candidates: dict[str, list[Variant]], rows: list[dict], log) -> list[dict]:
    for name, variants in candidates.items():
        for fs in DEFAULT_SPACE_FS:
            runs.nest(fs, variants)
        scores, chosen = runs.nested(space(DEFAULT_SPACE_FS, variants))
        rows.append(_row(name, scores, chosen=chosen)); log(rows[-1])
    return rows


def stage_gap2(framing: pd.DataFrame, results: dict) -> None:
    """Nested CV of search spaces that add one feature variant to the default feature sets (default classifiers)."""
    runs, rows, started = Runs(framing, "framing"), [], time.perf_counter()
    base = [Variant("svc", c) for c in DEFAULT_C]
    spaces = {"shipped default (headline2+cues, headline2)": DEFAULT_SPACE_FS,
              **{f"default + {fs.name}": (*DEFAULT_SPACE_FS, fs) for fs in FEATURE_VARIANTS[1:2] + FEATURE_VARIANTS[3:4]},
              f"default + {FEATURE_VARIANTS[1].name} + {FEATURE_VARIANTS[3].name}": (*DEFAULT_SPACE_FS, FEATURE_VARIANTS[1], FEATURE_VARIANTS[3]),
              f"{FEATURE_VARIANTS[1].name} alone": (FEATURE_VARIANTS[1],)}
    for name, fss in spaces.items():
        for fs in fss:
            runs.nest(fs, base)
        scores, chosen = runs.nested(space(fss, base))
        rows.append(_row(name, scores, chosen=chosen))
        print({k: v for k, v in rows[-1].items() if k != "chosen"}, f"{time.perf_counter() - started:.0f}s", flush=True)
    results["gap_nested_features"] = rows
