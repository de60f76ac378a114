"""Single-document fast path: the same probabilities as ``pipeline.predict_proba([text])[0]``, ~20x sooner.

``FastTask.from_pipeline`` takes a fitted ``Pipeline([("features", FeatureUnion of TfidfVectorizer),
("clf", CalibratedClassifierCV(LinearSVC, ensemble=False))])`` apart once, at load time:

* features: one ``FastVectorizer`` per union member (see ``fast_features``), concatenated at column offsets
  like ``FeatureUnion``'s hstack;
* decision: ``coef_`` transposed to a C-ordered (n_features, n_outputs) array, so a document's few columns are
  one row-gather and a small dot product, then ``+ intercept_`` (as ``LinearClassifierMixin``);
* calibration, as ``_CalibratedClassifier.predict_proba``: sigmoid ``expit(-(a*d + b))`` or isotonic
  ``np.interp`` on the decision clipped to the thresholds' range; binary: only the positive class's calibrator,
  ``p0 = 1 - p1``; multiclass: divide by the row sum, uniform when that sum is 0; then values in (1, 1+1e-5]
  become 1.0.

Anything else (other steps, ensembles, other estimators) raises ``UnsupportedPipeline`` so the caller keeps
using the pipeline. Tests compare the two on every bundled row.

Explanations: the contribution of a feature to the score of label L is ``coef[L, j] * x_j`` (binary: the
positive-class coefficient, negated when L is the negative class). They sum with the (signed) intercept to the
decision value, so they are exact, not approximations. Order: by weight, ties by term then kind.

Low evidence (``low_evidence``): fewer than ``LOW_EVIDENCE_KNOWN_WORDS`` distinct known word unigrams.
See ``LOW_EVIDENCE_NOTE`` for how that threshold was measured.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from newsframe.serve.fast_features import FastVectorizer, UnsupportedPipeline

LOW_EVIDENCE_KNOWN_WORDS = 3
LOW_EVIDENCE_NOTE = "to be measured"

__all__ = ["FastTask", "Features", "UnsupportedPipeline", "LOW_EVIDENCE_KNOWN_WORDS"]


@dataclass(frozen=True)
class Features:
    """One document's feature row: union column indices (ascending per member) and float32 values."""

    indices: np.ndarray
    values: np.ndarray
    known_words: int  # distinct known word unigrams: the evidence measure behind ``low_evidence``


class _Calibration:
    """Per-output calibrators of one ``_CalibratedClassifier``, as arrays."""

    def __init__(self, calibrated: Any, n_outputs: int) -> None:
        if calibrated.method not in ("sigmoid", "isotonic"):
            raise UnsupportedPipeline(f"calibration method {calibrated.method!r}")
        self.method = calibrated.method
        classes = list(calibrated.classes)
        self.n_classes = len(classes)
        # Which class each output calibrates: binary has one output, for the positive class (index 1).
        self.columns = [1] if self.n_classes == 2 else [classes.index(c) for c in calibrated.estimator.classes_]
        if len(calibrated.calibrators) != n_outputs or len(self.columns) != n_outputs:
            raise UnsupportedPipeline("calibrators do not match the estimator's outputs")
        if self.method == "sigmoid":
            self.a = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64)
            self.b = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64)
        else:
            self.isotonic = [(float(c.X_min_), float(c.X_max_), np.asarray(c.X_thresholds_), np.asarray(c.y_thresholds_))
                             for c in calibrated.calibrators]
            if any(x.dtype != np.float64 or y.dtype != np.float64 for _, _, x, y in self.isotonic):
                raise UnsupportedPipeline("isotonic thresholds are not float64")

    def proba(self, decision: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities for one document's decision values."""
        if self.method == "sigmoid":
            calibrated = expit(-(self.a * decision + self.b))
        else:
            calibrated = np.array([y[0] if len(y) == 1 else np.interp(min(max(d, lo), hi), x, y)
                                   for d, (lo, hi, x, y) in zip(decision.tolist(), self.isotonic)])
        proba = np.zeros(self.n_classes)
        proba[self.columns] = calibrated
        if self.n_classes == 2:
            proba[0] = 1.0 - proba[1]
        else:
            total = proba.sum()  # same pairwise np.sum as sklearn's row sum
            proba = proba / total if total != 0 else np.full(self.n_classes, 1.0 / self.n_classes)
        proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba


class FastTask:
    """One task's fitted pipeline, precomputed for scoring and explaining one document at a time."""

    def __init__(self, members: list[FastVectorizer], coef_t: np.ndarray, intercept: np.ndarray,
                 calibration: _Calibration, classes: list[str]) -> None:
        self.members = members
        self.offsets = np.cumsum([0] + [m.n_features for m in members])[:-1].tolist()
        self.coef_t = coef_t
        self.intercept = intercept
        self.calibration = calibration
        self.classes = classes
        self.binary = len(classes) == 2
        # Word unigram columns (in union numbering): the evidence count behind ``low_evidence``.
        self._unigram = np.zeros(int(sum(m.n_features for m in members)), dtype=bool)
        for member, offset in zip(members, self.offsets):
            if member.analyzer_kind == "word" and member.ngram_range[0] == 1:
                unigrams = [j for term, j in member.vocabulary.items() if " " not in term]
                self._unigram[np.asarray(unigrams, dtype=np.intp) + offset] = True

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> "FastTask":
        """Precompute from a fitted pipeline; ``UnsupportedPipeline`` when its shape is not the expected one."""
        steps = getattr(pipeline, "steps", None)
        if not steps or len(steps) != 2 or not isinstance(steps[0][1], FeatureUnion):
            raise UnsupportedPipeline("expected Pipeline([features: FeatureUnion, clf])")
        union, clf = steps[0][1], steps[1][1]
        if union.transformer_weights:
            raise UnsupportedPipeline("FeatureUnion transformer_weights are not supported")
        members = [FastVectorizer(name, vec) for name, vec in union.transformer_list if vec not in ("drop", None)]
        if not isinstance(clf, CalibratedClassifierCV) or len(getattr(clf, "calibrated_classifiers_", [])) != 1:
            raise UnsupportedPipeline("expected a fitted CalibratedClassifierCV with ensemble=False")
        calibrated = clf.calibrated_classifiers_[0]
        svm = calibrated.estimator
        if not isinstance(svm, LinearSVC):
            raise UnsupportedPipeline(f"expected LinearSVC, got {type(svm).__name__}")
        coef = np.asarray(svm.coef_, dtype=np.float64)
        if coef.shape[1] != sum(m.n_features for m in members):
            raise UnsupportedPipeline("coef_ width differs from the feature union's width")
        coef_t = np.ascontiguousarray(coef.T)  # row j = feature j's weight per output: one gather per document
        intercept = np.broadcast_to(np.asarray(svm.intercept_, dtype=np.float64), (coef.shape[0],)).copy()
        return cls(members, coef_t, intercept, _Calibration(calibrated, coef.shape[0]), [str(c) for c in clf.classes_])

    # -- scoring -------------------------------------------------------------------------------------
    def features(self, text: str) -> Features:
        """The union's feature row for ``text``, equal to ``pipeline[:-1].transform([text])`` (float32)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        parts = [m.transform_one(text) for m in self.members]
        if len(parts) == 1:
            indices, values = parts[0]
        else:
            indices = np.concatenate([idx + off for (idx, _), off in zip(parts, self.offsets)])
            values = np.concatenate([val for _, val in parts])
        return Features(indices, values, int(np.count_nonzero(self._unigram[indices])))

    def decision(self, features: Features) -> np.ndarray:
        """LinearSVC decision values, one per output (binary: one value, for ``classes[1]``)."""
        if features.indices.size == 0:
            return self.intercept.copy()
        # Left-to-right sums over the columns, like scipy's csr_matvecs, so results match to the last bit.
        products = features.values.astype(np.float64)[:, None] * self.coef_t[features.indices]
        return np.add.accumulate(products, axis=0)[-1] + self.intercept

    def proba(self, text: str) -> np.ndarray:
        """Class probabilities in ``classes`` order, equal to ``pipeline.predict_proba([text])[0]``."""
        return self.calibration.proba(self.decision(self.features(text)))

    # -- explanations --------------------------------------------------------------------------------
    def contributions(self, features: Features, label: str) -> tuple[np.ndarray, float]:
        """Per-feature contributions to ``label``'s score, and the (signed) intercept; they sum to its decision."""
        k = self.classes.index(label)
        if self.binary:
            sign = 1.0 if k == 1 else -1.0
            return sign * (features.values.astype(np.float64) * self.coef_t[features.indices, 0]), sign * float(self.intercept[0])
        return features.values.astype(np.float64) * self.coef_t[features.indices, k], float(self.intercept[k])

    def term_of(self, column: int) -> tuple[str, str]:
        """(term, kind) of a union column; kind is the union member's name (e.g. ``word`` or ``char``)."""
        for member, offset in zip(reversed(self.members), reversed(self.offsets)):
            if column >= offset:
                return str(member.terms()[column - offset]), member.name
        raise IndexError(column)

    def explain_features(self, features: Features, label: str, top_k: int = 5) -> dict[str, Any]:
        """Explanation for ``label`` from an already computed feature row (see ``explain``)."""
        contrib, _ = self.contributions(features, label)
        return {"toward": self._top(features, contrib, top_k), "against": self._top(features, -contrib, top_k, sign=-1.0),
                "low_evidence": features.known_words < LOW_EVIDENCE_KNOWN_WORDS, "known_terms": features.known_words}

    def _top(self, features: Features, contrib: np.ndarray, top_k: int, sign: float = 1.0) -> list[dict[str, Any]]:
        positive = np.flatnonzero(contrib > 0)
        if top_k <= 0 or positive.size == 0:
            return []
        if positive.size > top_k:  # keep everything tied with the k-th value, so ties are settled by name below
            kth = np.partition(contrib[positive], positive.size - top_k)[positive.size - top_k]
            positive = positive[contrib[positive] >= kth]
        rows = [(-float(contrib[i]), *self.term_of(int(features.indices[i]))) for i in positive.tolist()]
        rows.sort()
        return [{"term": term, "kind": kind, "weight": -neg * sign} for neg, term, kind in rows[:top_k]]

    def explain(self, text: str, label: str, top_k: int = 5) -> dict[str, Any]:
        """The n-grams pushing hardest toward and against ``label``, plus the evidence flag.

        ``toward``/``against``: up to ``top_k`` dicts ``{"term", "kind", "weight"}``; weight is the signed
        contribution to ``label``'s decision value (positive toward, negative against), largest magnitude first.
        """
        return self.explain_features(self.features(text), label, top_k)

    def predict(self, text: str, explain: bool = False, top_k: int = 5) -> tuple[np.ndarray, dict[str, Any] | None]:
        """Probabilities, and the explanation for the most probable label when asked (features computed once)."""
        features = self.features(text)
        proba = self.calibration.proba(self.decision(features))
        if not explain:
            return proba, None
        return proba, self.explain_features(features, self.classes[int(proba.argmax())], top_k)
