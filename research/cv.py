"""Cross-validation helpers for the framing experiments: folds, out-of-fold scores, per-source metrics.

Features are fitted once per fold and shared by every classifier variant, so a table row costs one
vectorisation per fold. Extra (auxiliary) rows are only ever added to the training part of a fold.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import pandas as pd
from newsframe.core.text import get_preprocessor
from newsframe.train.config import FeatureSet, TaskConfig
from newsframe.train.model import build_classifier, build_features
from sklearn.base import TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion

Split = tuple[np.ndarray, np.ndarray]
POSITIVE = {"framing": "confrontational", "posture": "posture"}


@dataclass(frozen=True)
class Clf:
    """One classifier variant: the product's calibrated LinearSVC, or the plain logistic-regression baseline."""

    kind: str = "svc"  # "svc" (product) or "lr" (baseline)
    C: float = 1.0
    class_weight: str | None = None
    calibration: str = "sigmoid"
    nb_alpha: float | None = None  # naive-Bayes feature scaling (newsframe.core.nbsvm); None: plain LinearSVC

    @property
    def name(self) -> str:
        if self.kind == "lr":
            return "LogisticRegression (defaults)"
        nb = f" NB alpha={self.nb_alpha:g}" if self.nb_alpha is not None else ""
        return f"LinearSVC C={self.C:g} class_weight={self.class_weight} {self.calibration}{nb}"

    def build(self, seed: int = 0):
        """A fresh unfitted estimator."""
        if self.kind == "lr":
            return LogisticRegression(max_iter=2000)
        return build_classifier(TaskConfig(calibration=self.calibration, calibration_folds=3), seed, self.C, self.class_weight,
                                self.nb_alpha)


def plain_word_features() -> TfidfVectorizer:
    """The baseline's features: sklearn's TfidfVectorizer with all defaults (word unigrams)."""
    return TfidfVectorizer()


def feature_builder(fs: FeatureSet, preprocessor: Callable[[str], str] | None = None) -> Callable[[], TransformerMixin]:
    """A zero-argument factory for the product's features, optionally with an ad-hoc preprocessor override."""
    def build() -> FeatureUnion:
        union = build_features(fs)
        if preprocessor is not None:
            for _, vectoriser in union.transformer_list:
                vectoriser.set_params(preprocessor=preprocessor)
        return union
    return build


def lexicon_cues(text: str, base: str | None, lexicons: tuple[tuple[str, frozenset[str]], ...]) -> str:
    """A registered preprocessor's output plus one ``zzlex<name>`` token per word found in each lexicon."""
    processed = get_preprocessor(base)(text) if base else text.lower()
    words = processed.split()
    extra = [f"zzlex{name}" for name, lexicon in lexicons for w in words if w in lexicon]
    return " ".join([processed, *extra])


def lexicon_preprocessor(base: str | None, lexicons: dict[str, frozenset[str]]) -> Callable[[str], str]:
    """``lexicon_cues`` bound to a base preprocessor and named lexicons (picklable partial)."""
    return functools.partial(lexicon_cues, base=base, lexicons=tuple(sorted(lexicons.items())))


def stratified_splits(frame: pd.DataFrame, label: str, k: int = 5, seed: int = 0) -> list[Split]:
    """Stratified k folds over source x label, so every fold keeps each source's class mix."""
    strata = frame["source"].astype(str) + "/" + frame[label].astype(str)
    return list(StratifiedKFold(k, shuffle=True, random_state=seed).split(frame, strata))


def oof_scores(frame: pd.DataFrame, label: str, features: Callable[[], TransformerMixin], clfs: list[Clf],
               splits: list[Split], extra: pd.DataFrame | None = None) -> dict[Clf, np.ndarray]:
    """Out-of-fold probability of the positive class per classifier (extra rows join each training part)."""
    texts, labels = frame["text"].tolist(), np.asarray(frame[label], dtype=object)
    out = {clf: np.full(len(frame), np.nan) for clf in clfs}
    for train, test in splits:
        x_texts, y = [texts[i] for i in train], labels[train]
        if extra is not None and len(extra):
            x_texts, y = x_texts + extra["text"].tolist(), np.concatenate([y, np.asarray(extra[label], dtype=object)])
        vectoriser = features()
        x_train = vectoriser.fit_transform(x_texts)
        x_test = vectoriser.transform([texts[i] for i in test])
        for clf in clfs:
            model = clf.build().fit(x_train, y)
            out[clf][test] = model.predict_proba(x_test)[:, list(model.classes_).index(POSITIVE[label])]
    return out


def fit_score(train: pd.DataFrame, test: pd.DataFrame, label: str, features: Callable[[], TransformerMixin],
              clfs: list[Clf]) -> dict[Clf, np.ndarray]:
    """Train on one frame, return the positive-class probability on another (cross-domain checks)."""
    vectoriser = features()
    x_train = vectoriser.fit_transform(train["text"].tolist())
    x_test = vectoriser.transform(test["text"].tolist())
    out = {}
    for clf in clfs:
        model = clf.build().fit(x_train, np.asarray(train[label], dtype=object))
        out[clf] = model.predict_proba(x_test)[:, list(model.classes_).index(POSITIVE[label])]
    return out


def labels_from(proba: np.ndarray, label: str) -> np.ndarray:
    """Predicted labels from positive-class probabilities (argmax of two classes: threshold 0.5)."""
    negative = {"framing": "cautious", "posture": "none"}[label]
    return np.where(proba >= 0.5, POSITIVE[label], negative).astype(object)


def macro_f1(frame: pd.DataFrame, label: str, proba: np.ndarray) -> dict[str, float]:
    """Macro-F1 overall ('all') and per source present in ``frame``."""
    predicted, truth = labels_from(proba, label), np.asarray(frame[label], dtype=object)
    result = {"all": float(f1_score(truth, predicted, average="macro"))}
    for source in sorted(frame["source"].unique()):
        mask = np.asarray(frame["source"] == source)
        result[source] = float(f1_score(truth[mask], predicted[mask], average="macro"))
    return result


def roc_auc(frame: pd.DataFrame, label: str, proba: np.ndarray) -> dict[str, float]:
    """ROC AUC overall ('all') and per source."""
    truth = np.asarray(frame[label] == POSITIVE[label])
    result = {"all": float(roc_auc_score(truth, proba))}
    for source in sorted(frame["source"].unique()):
        mask = np.asarray(frame["source"] == source)
        result[source] = float(roc_auc_score(truth[mask], proba[mask]))
    return result


def with_c(clfs: list[Clf], values: tuple[float, ...]) -> list[Clf]:
    """Each classifier variant at each C."""
    return [replace(clf, C=c) for clf in clfs for c in values]
