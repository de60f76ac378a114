"""Closing the AG / BBC gap, round 3: EasyAdapt domain features, averaged linear models, headline-only n-grams.

Usage (from the repository root; single process, one core):
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python -m research.gap3

A screen: plain out-of-fold macro-F1 on the 5 outer folds of the other stages (``stratified_splits(framing,
"framing")``, seed 0): fit on 4 folds, score the 5th. The shipped features (word12+char25 headline2+cues) are
fitted once per fold and shared by every variant. Every classifier is sigmoid-calibrated like the product
(CalibratedClassifierCV, StratifiedKFold(3), ensemble=False). Picking the best row of a screen on the same folds
is optimistic. Writes research/reports/framing_gap3.json.

Variants:
1. baseline: NBLinearSVC alpha 0.3, C 0.3 (``Clf(C=0.3, nb_alpha=0.3)``), the ``nb`` stage's 0.870 row.
2. EasyAdapt (Daume 2007): [X, X * is_news, X * is_cameo] (news = ag_news or bbc_news; test rows use their own
   source's flags), NBLinearSVC (NB ratio computed on the augmented matrix) or LinearSVC, C 0.3 / 1.
3. Averaged decisions: NBLinearSVC(alpha 0.3, C 0.3) and LogisticRegression(liblinear, C 10), each decision divided
   by its training-set std, averaged; folded back into one linear model (``coef_``, ``intercept_``).
4. Headline namespace: the shipped features plus a word 1-2gram TF-IDF over the headline only (the text before the
   first blank line, ``newsframe.core.text.join_text``; CAMEO sentences have none), own vocabulary, hstacked.
Extras (cheap, labelled as such): EasyAdapt with one copy per source, and EasyAdapt + headline namespace.
"""
from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import numpy as np
from research import corpus
from newsframe.core.nbsvm import NBLinearSVC
from newsframe.train.model import TOKEN_PATTERN
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from research.cv import POSITIVE, Clf, feature_builder, macro_f1, stratified_splits
from research.framing import BOTH

OUT = Path(__file__).resolve().parent / "reports"
FS = replace(BOTH, name="word12+char25 headline2+cues", preprocess="headline2+cues")
LABEL = "framing"
SEED = 0


def calibrated(estimator) -> CalibratedClassifierCV:
    """Sigmoid calibration on internal folds, one linear model (as ``newsframe.train.model.build_classifier``)."""
    return CalibratedClassifierCV(estimator, method="sigmoid", cv=StratifiedKFold(3), ensemble=False)


class AveragedLinear(LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Mean of an NBLinearSVC's and a logistic regression's decisions, each divided by its training-set std.

    Both members are linear in the features, so the average is folded into one ``coef_`` / ``intercept_``.
    Binary only (decision for ``classes_[1]``).
    """

    def __init__(self, svc_C: float = 0.3, nb_alpha: float = 0.3, lr_C: float = 10.0, random_state: int | None = 0):
        self.svc_C, self.nb_alpha, self.lr_C, self.random_state = svc_C, nb_alpha, lr_C, random_state

    def fit(self, X, y, sample_weight=None) -> "AveragedLinear":
        X = sparse.csr_matrix(X)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError("AveragedLinear is binary only")
        members = [NBLinearSVC(C=self.svc_C, alpha=self.nb_alpha, random_state=self.random_state),
                   LogisticRegression(C=self.lr_C, solver="liblinear", random_state=self.random_state)]
        coef, intercept = 0.0, 0.0
        for m in members:
            m.fit(X, y, sample_weight=sample_weight)
            std = float(np.std(m.decision_function(X))) or 1.0
            coef = coef + np.asarray(m.coef_, dtype=np.float64) / std / len(members)
            intercept = intercept + np.asarray(m.intercept_, dtype=np.float64) / std / len(members)
        self.coef_, self.intercept_ = np.asarray(coef), np.asarray(intercept)
        self.n_features_in_ = X.shape[1]
        return self


def easy_adapt(x: sparse.spmatrix, groups: list[np.ndarray]) -> sparse.csr_matrix:
    """[X, X * g_1, ..., X * g_k] for 0/1 row indicators g_i (Daume's frustratingly easy domain adaptation)."""
    x = sparse.csr_matrix(x)
    return sparse.hstack([x] + [sparse.diags(g.astype(x.dtype)) @ x for g in groups], format="csr")


def news_cameo(src: np.ndarray) -> list[np.ndarray]:
    news = np.isin(src, ["ag_news", "bbc_news"])
    return [news, ~news]


def per_source(src: np.ndarray) -> list[np.ndarray]:
    return [src == s for s in corpus.SOURCES]


def headline_only(text: str) -> str:
    """The headline (text before the first blank line, see ``join_text``), lowercased; '' when there is none."""
    head, sep, _ = text.partition("\n\n")
    return head.lower() if sep else ""


def headline_vectoriser() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=TOKEN_PATTERN, lowercase=True,
                           sublinear_tf=FS.sublinear_tf, min_df=FS.min_df, dtype=np.float32, preprocessor=headline_only)


# name -> (feature view, estimator factory). Views: "base", "ea" (news/cameo), "ea3" (per source), "head", "ea+head".
VARIANTS: dict[str, tuple[str, Callable[[], Any]]] = {
    "1 baseline NB-SVM a0.3 C0.3": ("base", lambda: Clf(C=0.3, nb_alpha=0.3).build(SEED)),
    "2 EasyAdapt NB-SVM a0.3 C0.3": ("ea", lambda: calibrated(NBLinearSVC(C=0.3, alpha=0.3, random_state=SEED))),
    "2 EasyAdapt NB-SVM a0.3 C1": ("ea", lambda: calibrated(NBLinearSVC(C=1.0, alpha=0.3, random_state=SEED))),
    "2 EasyAdapt LinearSVC C0.3": ("ea", lambda: calibrated(LinearSVC(C=0.3, random_state=SEED))),
    "2 EasyAdapt LinearSVC C1": ("ea", lambda: calibrated(LinearSVC(C=1.0, random_state=SEED))),
    "3 avg NB-SVM(a0.3,C0.3)+LR(C10)": ("base", lambda: calibrated(AveragedLinear(0.3, 0.3, 10.0, SEED))),
    "4 +headline word12 NB-SVM a0.3 C0.3": ("head", lambda: Clf(C=0.3, nb_alpha=0.3).build(SEED)),
    "4 +headline word12 NB-SVM a0.3 C1": ("head", lambda: Clf(C=1.0, nb_alpha=0.3).build(SEED)),
    "x EasyAdapt per-source NB-SVM a0.3 C0.3": ("ea3", lambda: calibrated(NBLinearSVC(C=0.3, alpha=0.3, random_state=SEED))),
    "x EasyAdapt per-source NB-SVM a0.3 C1": ("ea3", lambda: calibrated(NBLinearSVC(C=1.0, alpha=0.3, random_state=SEED))),
    "x EasyAdapt+headline NB-SVM a0.3 C0.3": ("ea+head", lambda: calibrated(NBLinearSVC(C=0.3, alpha=0.3, random_state=SEED))),
    "x avg NB-SVM+LR on +headline": ("head", lambda: calibrated(AveragedLinear(0.3, 0.3, 10.0, SEED))),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    everything = corpus.framing_corpus()
    framing = everything[everything[LABEL] != "none"].reset_index(drop=True)
    texts, y = framing["text"].tolist(), np.asarray(framing[LABEL], dtype=object)
    src = np.asarray(framing["source"], dtype=object)
    splits = stratified_splits(framing, LABEL)
    print(f"{len(framing)} rows; sources {dict(framing['source'].value_counts())}", flush=True)

    # Vectorise once per fold; every view is built from the same fitted vectorisers.
    started = time.perf_counter()
    folds = []
    for train, test in splits:
        vec, head = feature_builder(FS)(), headline_vectoriser()
        tr, te = [texts[i] for i in train], [texts[i] for i in test]
        xb_tr, xb_te = vec.fit_transform(tr), vec.transform(te)
        xh_tr = sparse.hstack([xb_tr, head.fit_transform(tr)], format="csr")
        xh_te = sparse.hstack([xb_te, head.transform(te)], format="csr")
        views = {"base": (xb_tr, xb_te), "head": (xh_tr, xh_te),
                 "ea": (easy_adapt(xb_tr, news_cameo(src[train])), easy_adapt(xb_te, news_cameo(src[test]))),
                 "ea3": (easy_adapt(xb_tr, per_source(src[train])), easy_adapt(xb_te, per_source(src[test]))),
                 "ea+head": (easy_adapt(xh_tr, news_cameo(src[train])), easy_adapt(xh_te, news_cameo(src[test])))}
        folds.append((train, test, views))
    vec_seconds = round(time.perf_counter() - started, 1)
    print(f"vectorised 5 folds in {vec_seconds}s (base {xb_tr.shape[1]} cols, +headline {xh_tr.shape[1]} cols, last fold)",
          flush=True)

    rows: list[dict[str, Any]] = []
    header = f"{'variant':42s} {'all':>6s} {'cameo':>6s} {'ag':>6s} {'bbc':>6s} {'sec':>6s}"
    print(header, flush=True)
    for name, (view, factory) in VARIANTS.items():
        t0 = time.perf_counter()
        proba = np.full(len(framing), np.nan)
        for train, test, views in folds:
            x_tr, x_te = views[view]
            model = factory().fit(x_tr, y[train])
            proba[test] = model.predict_proba(x_te)[:, list(model.classes_).index(POSITIVE[LABEL])]
        scores = macro_f1(framing, LABEL, proba)
        seconds = round(time.perf_counter() - t0, 1)
        rows.append({"name": name, "view": view, **{k: round(v, 4) for k, v in scores.items()}, "seconds": seconds})
        print(f"{name:42s} {scores['all']:6.4f} {scores['cameo']:6.4f} {scores['ag_news']:6.4f} {scores['bbc_news']:6.4f} "
              f"{seconds:6.1f}", flush=True)
        (OUT / "framing_gap3.json").write_text(json.dumps({"features": FS.name, "vectorise_seconds": vec_seconds, "rows": rows},
                                                     indent=1) + "\n")


if __name__ == "__main__":
    main()
