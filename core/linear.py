"""A fitted linear classifier given by its coefficients: what streaming training produces.

Streaming training (``newsframe.train.streaming``) fits, chunk by chunk, one averaged SGD model per one-vs-rest
problem on naive-Bayes-scaled features and folds the scaling back into the coefficients, as ``NBLinearSVC`` does;
the result is a linear model on the TF-IDF row, ``X @ coef_.T + intercept_``, like a LinearSVC. It lives in the core
because serving unpickles it; it has no ``fit`` of its own (its fit is the streaming pass, recorded in the manifest).
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model._base import LinearClassifierMixin


class FittedLinear(LinearClassifierMixin, BaseEstimator):
    """``classes_``, ``coef_`` (one row per one-vs-rest output; binary: one row, for ``classes_[1]``), ``intercept_``."""

    def __init__(self, classes: np.ndarray | None = None, coef: np.ndarray | None = None,
                 intercept: np.ndarray | None = None) -> None:
        self.classes = classes
        self.coef = coef
        self.intercept = intercept
        if classes is not None and coef is not None and intercept is not None:
            self.classes_ = np.asarray(classes)
            # Fortran order: decision_function computes X @ coef_.T (see NBLinearSVC)
            self.coef_ = np.asfortranarray(np.asarray(coef, dtype=np.float64))
            self.intercept_ = np.asarray(intercept, dtype=np.float64)
            self.n_features_in_ = self.coef_.shape[1]

    def fit(self, X: object, y: object) -> FittedLinear:
        raise TypeError("FittedLinear is fitted by newsframe's streaming training, not by fit()")
