"""The streamed learner: naive-Bayes-scaled, averaged SGD per one-vs-rest problem, then sigmoid calibration.

Memory is the model's, not the data's: per output one SGD model over the hashed columns, the NB ratio vector and the
per-class feature sums; every pass reads the cached chunks one at a time (``ChunkCache``). The fitted coefficients
have the NB scaling folded in (``FittedLinear``), and the calibration is fitted once on decision values of rows held
out of the fit, the shape ``CalibratedClassifierCV(ensemble=False)`` has, so the pipeline predicts and the serving
fast path reads it like the in-memory one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from newsframe.core.linear import FittedLinear
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV, _fit_calibrator
from sklearn.linear_model import SGDClassifier
from sklearn.utils._array_api import get_namespace

Batches = Callable[[], Iterator[tuple[sparse.csr_matrix, np.ndarray]]]  # a fresh pass: (TF-IDF rows, labels) per chunk


def targets_of(classes: np.ndarray) -> list:
    """The one-vs-rest outputs: binary has one, for ``classes[1]`` (as LinearSVC)."""
    return list(classes[1:]) if len(classes) == 2 else list(classes)


def nb_ratios(batches: Batches, classes: np.ndarray, alpha: float | None, n_features: int) -> list[np.ndarray | None]:
    """Per output, ``core.nbsvm.log_count_ratio`` from per-class feature sums accumulated over one pass."""
    targets = targets_of(classes)
    if alpha is None:
        return [None] * len(targets)
    sums = np.zeros((len(classes), n_features))
    for X, y in batches():
        for k, label in enumerate(classes):
            mask = y == label
            if mask.any():
                sums[k] += np.asarray(X[mask].sum(axis=0)).ravel()
    total = sums.sum(axis=0)
    ratios = []
    for target in targets:
        k = list(classes).index(target)
        p, q = alpha + sums[k], alpha + (total - sums[k])
        ratios.append(np.log((p / p.sum()) / (q / q.sum())))
    return ratios


def fit_sgd(batches: Batches, classes: np.ndarray, ratios: list[np.ndarray | None], loss: str, alpha: float,
            epochs: int, seed: int, threads: int = 1) -> FittedLinear:
    """``epochs`` passes of averaged SGD per output, rows shuffled within each chunk; NB scaling folded back.

    The outputs' updates run on ``threads`` threads (scikit-learn's SGD loop releases the GIL).
    """
    targets = targets_of(classes)
    models = [SGDClassifier(loss=loss, alpha=alpha, average=True, random_state=seed) for _ in targets]
    scales = [None if r is None else r.astype(np.float32) for r in ratios]
    rng = np.random.default_rng(seed)

    def step(k: int, X: sparse.csr_matrix, y: np.ndarray) -> None:
        scaled = X if scales[k] is None else X.multiply(scales[k]).tocsr()
        models[k].partial_fit(scaled, y == targets[k], classes=np.array([False, True]))

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        for _ in range(epochs):
            for X, y in batches():
                order = rng.permutation(X.shape[0])
                X, y = X[order], y[order]
                list(pool.map(step, range(len(targets)), [X] * len(targets), [y] * len(targets)))
    coef = np.vstack([m.coef_[0] * (1.0 if r is None else r) for m, r in zip(models, ratios)])
    intercept = np.array([m.intercept_[0] for m in models])
    return FittedLinear(classes, coef, intercept)


def calibrate(estimator: FittedLinear, batches: Batches, method: str) -> CalibratedClassifierCV:
    """Calibrators fitted on the decision values of held-out rows, in the ``ensemble=False`` shape."""
    decisions, labels = [], []
    for X, y in batches():
        decisions.append(np.asarray(estimator.decision_function(X)).reshape(X.shape[0], -1))
        labels.append(y)
    predictions, y = np.vstack(decisions), np.concatenate(labels)
    classes = estimator.classes_
    calibrated = _fit_calibrator(estimator, predictions, y, classes, method, get_namespace(predictions)[0])
    clf = CalibratedClassifierCV(estimator, method=method, ensemble=False)
    clf.calibrated_classifiers_ = [calibrated]
    clf.classes_ = classes
    clf.n_features_in_ = estimator.n_features_in_
    return clf
