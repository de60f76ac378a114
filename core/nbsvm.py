"""A linear SVM on naive-Bayes-scaled TF-IDF features (NBSVM), folded back into one linear model on the features.

NBSVM (Wang & Manning, "Baselines and Bigrams", ACL 2012) scales each feature by its naive-Bayes log-count ratio
``r = log((p / |p|_1) / (q / |q|_1))``, with ``p`` and ``q`` the feature's summed values (plus ``alpha``) over the
documents of the class and over the others, and trains a linear SVM on ``x * r``. Its decision is
``w . (x * r) + b = (w * r) . x + b``, so the fitted model is again linear in the TF-IDF row: ``coef_`` holds
``w * r``. Everything downstream (calibration, the serving fast path, explanations as coefficient x feature value)
treats it as a LinearSVC.

Its effect on topic accuracy is measured in BENCHMARKS.md.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.linear_model._base import LinearClassifierMixin
from sklearn.svm import LinearSVC
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data


def log_count_ratio(X: sparse.csr_matrix, positive: np.ndarray, alpha: float) -> np.ndarray:
    """Per feature, ``log`` of its share of the positive documents' mass over its share of the others'."""
    p = alpha + np.asarray(X[positive].sum(axis=0)).ravel()
    q = alpha + np.asarray(X[~positive].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


class NBLinearSVC(LinearClassifierMixin, BaseEstimator):
    """One-vs-rest LinearSVC on features scaled by each class's log-count ratio; ``coef_`` is folded back.

    ``alpha`` is the smoothing added to the summed feature values; ``alpha=None`` fits a plain ``LinearSVC``
    (the same coefficients), so a grid can compare both. Binary problems fit one model, for ``classes_[1]``.
    ``class_weight`` ("balanced" or None) applies to each one-vs-rest problem.
    """

    def __init__(self, C: float = 1.0, alpha: float | None = 0.1, class_weight: str | None = None,
                 random_state: int | None = None) -> None:
        self.C = C
        self.alpha = alpha
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, X: Any, y: Any, sample_weight: np.ndarray | None = None) -> "NBLinearSVC":
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=[np.float64, np.float32])
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(f"NBLinearSVC needs at least 2 classes, got {len(self.classes_)}")
        svc = dict(C=self.C, class_weight=self.class_weight, random_state=self.random_state)
        if self.alpha is None:
            plain = LinearSVC(**svc).fit(X, y, sample_weight=sample_weight)
            self.coef_, self.intercept_ = plain.coef_, plain.intercept_
            return self
        if self.alpha <= 0:
            raise ValueError(f"alpha must be > 0 or None, got {self.alpha}")
        X = sparse.csr_matrix(X)
        targets = self.classes_[1:] if len(self.classes_) == 2 else self.classes_
        coef, intercept = [], []
        for target in targets:
            positive = y == target
            ratio = log_count_ratio(X, positive, self.alpha)
            model = LinearSVC(**svc).fit(X.multiply(ratio).tocsr(), positive, sample_weight=sample_weight)
            coef.append(model.coef_[0] * ratio)
            intercept.append(model.intercept_[0])
        # Fortran order: decision_function computes X @ coef_.T, and scipy copies a coef_.T that is not C-contiguous
        # on every call, which dominates a one-document predict with a large vocabulary.
        self.coef_ = np.asfortranarray(np.vstack(coef))
        self.intercept_ = np.asarray(intercept)
        return self
