"""Single-document fast path: the probabilities of ``pipeline.predict_proba([text])[0]``, bit for bit, much sooner.

``FastTask.from_pipeline`` takes a fitted ``Pipeline([("features", FeatureUnion of TfidfVectorizer),
("clf", CalibratedClassifierCV(LinearSVC, ensemble=False))])`` apart once, at load time (``NBLinearSVC`` in place of
LinearSVC too: its ``coef_`` already has the naive-Bayes scaling folded in, so it is a linear model on the same row):

* features: ``FastUnion`` (see ``fast_features``) — the union's float32 row for one document;
* decision: the document's columns of ``coef_`` gathered in one call, multiplied by the feature values and summed
  left to right over the columns (as scipy's ``csr_matvecs`` does, so to the last bit), then ``+ intercept_``;
* calibration, as ``_CalibratedClassifier.predict_proba`` (sklearn/calibration.py): sigmoid
  ``expit(-(a*d + b))`` = ``1 / (1 + exp(a*d + b))`` per output, or isotonic ``np.interp`` of the decision clipped
  to the thresholds' range; binary: only the positive class has a calibrator and ``p0 = 1 - p1``; multiclass:
  divide by the (numpy) row sum, uniform when that sum is 0; finally values in (1, 1 + 1e-5] become 1.0.

Any other shape (other steps, ensembles, other estimators or methods) raises ``UnsupportedPipeline`` and the
caller keeps the pipeline. tests/test_fastpath.py compares both on every bundled row.

Explanations: the contribution of feature j to the score of label L is ``coef[L, j] * x_j`` (binary: the single
coefficient row, negated when L is the negative class ``classes[0]``). Contributions plus the equally signed
intercept sum to the decision value, so they are exact, not approximations. ``toward`` lists the largest positive
ones, ``against`` the most negative; ties are ordered by term, then by kind (the union member, ``word``/``char``).

Low evidence — rule: ``low_evidence = known_terms < 3``, where ``known_terms`` counts the distinct word unigrams of
the text that the task's model knows (a model without word features counts the text's distinct words). With 0-2
known words the calibrated confidence overstates held-out accuracy and the binary tasks are close to their majority
rate, so the output is a guess that looks confident; with no known word it is the intercept's calibrated prior.
Confidence itself is no substitute. The measurement behind the threshold: ``python benchmarks/low_evidence.py
--models DIR`` (results and reading in BENCHMARKS.md).
"""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np
from newsframe.core.fast.features import FastUnion, FastVectorizer, UnsupportedPipeline
from newsframe.core.fast.hashing import name_hashed
from newsframe.core.fast.text import Document

if TYPE_CHECKING:  # scikit-learn builds a FastTask; a loaded one runs without it
    from sklearn.pipeline import Pipeline

LOW_EVIDENCE_MIN_KNOWN = 3  # see the module docstring for the measurement behind it
_WORDS = re.compile(r"(?u)\b\w\w+\b")  # the training token pattern, for models without word features

__all__ = ["Document", "FastTask", "UnsupportedPipeline", "LOW_EVIDENCE_MIN_KNOWN"]


def linear_decision(coef: np.ndarray, intercept: np.ndarray, indices: np.ndarray, values: np.ndarray) -> list[float]:
    """``X @ coef.T + intercept`` for one sparse row, summed in column order like scipy's ``csr_matvecs``."""
    if indices.size == 0:
        return intercept.tolist()
    products = coef.take(indices, axis=1)  # (outputs, nnz): each output's running sum is one contiguous loop
    products *= values.astype(np.float64)
    return (np.add.accumulate(products, axis=1)[:, -1] + intercept).tolist()


def _sigmoid(a: float, b: float, decision: float) -> float:
    """``scipy.special.expit(-(a*d + b))`` with the same double operations (checked bitwise in tests)."""
    try:
        return 1.0 / (1.0 + math.exp(a * decision + b))
    except OverflowError:  # C's exp gives inf there, and 1 / inf = 0
        return 0.0


class _Calibration:
    """The calibrators of one ``_CalibratedClassifier``, as plain numbers."""

    def __init__(self, calibrated: Any, n_outputs: int) -> None:
        if calibrated.method not in ("sigmoid", "isotonic"):
            raise UnsupportedPipeline(f"calibration method {calibrated.method!r}")
        self.method = calibrated.method
        classes = list(calibrated.classes)
        self.n_classes = len(classes)
        # Class column calibrated by each output; binary has one output, for the positive class (column 1).
        self.columns = [1] if self.n_classes == 2 else [classes.index(c) for c in calibrated.estimator.classes_]
        if len(calibrated.calibrators) != n_outputs or len(self.columns) != n_outputs:
            raise UnsupportedPipeline("calibrators do not match the estimator's outputs")
        if self.method == "sigmoid":
            self.sigmoid = [(float(c.a_), float(c.b_)) for c in calibrated.calibrators]
        else:
            self.isotonic = [(float(c.X_min_), float(c.X_max_), np.asarray(c.X_thresholds_, dtype=np.float64),
                              np.asarray(c.y_thresholds_, dtype=np.float64)) for c in calibrated.calibrators]

    def proba(self, decision: list[float]) -> np.ndarray:
        """Calibrated class probabilities for one document's decision values (plain floats: k is tiny)."""
        if self.method == "sigmoid":
            calibrated = [_sigmoid(a, b, d) for d, (a, b) in zip(decision, self.sigmoid)]
        else:
            calibrated = [float(y[0]) if y.size == 1 else float(np.interp(min(max(d, lo), hi), x, y))
                          for d, (lo, hi, x, y) in zip(decision, self.isotonic)]
        if self.n_classes == 2:
            proba = [1.0 - calibrated[0], calibrated[0]]
        else:
            proba = [0.0] * self.n_classes
            for column, p in zip(self.columns, calibrated):
                proba[column] = p
            total = _row_sum(proba)
            proba = [p / total for p in proba] if total != 0 else [1.0 / self.n_classes] * self.n_classes
        return np.array([1.0 if 1.0 < p <= 1.0 + 1e-5 else p for p in proba])

    def proba_many(self, decisions: np.ndarray) -> np.ndarray:
        """``proba`` of every row of ``decisions`` (documents, outputs), as one array: the same operations per value
        (numpy's float64 multiply, add and divide round like Python's; ``exp`` is ``math.exp``, whose results numpy's
        vectorised exp need not match to the last bit)."""
        n = decisions.shape[0]
        if self.method == "sigmoid":
            a = np.array([a for a, _ in self.sigmoid])
            b = np.array([b for _, b in self.sigmoid])
            exponent = decisions * a + b  # as ``a * d + b``: two roundings, never fused
            calibrated = 1.0 / (1.0 + np.fromiter(map(_exp, exponent.ravel().tolist()), dtype=np.float64,
                                                  count=exponent.size).reshape(exponent.shape))
        else:
            calibrated = np.empty_like(decisions)
            for k, (lo, hi, x, y) in enumerate(self.isotonic):
                calibrated[:, k] = y[0] if y.size == 1 else np.interp(np.clip(decisions[:, k], lo, hi), x, y)
        if self.n_classes == 2:
            proba = np.column_stack([1.0 - calibrated[:, 0], calibrated[:, 0]])
        else:
            proba = np.zeros((n, self.n_classes))
            proba[:, self.columns] = calibrated
            if self.n_classes >= 8:
                total = np.array([_row_sum(row) for row in proba.tolist()])
            else:
                total = np.zeros(n)
                for k in range(self.n_classes):  # left to right, as ``_row_sum``
                    total += proba[:, k]
            zero = total == 0
            proba = proba / np.where(zero, 1.0, total)[:, None]
            proba[zero] = 1.0 / self.n_classes
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba


def _exp(x: float) -> float:
    """``math.exp``, with C's inf on overflow (as ``_sigmoid`` treats it)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _row_sum(values: list[float]) -> float:
    """``np.sum`` of a row, to the last bit: numpy adds fewer than 8 values left to right, more pairwise."""
    if len(values) >= 8:
        return float(np.sum(values))
    total = 0.0
    for v in values:  # an explicit loop: builtin sum() compensates rounding on Python >= 3.12
        total += v
    return total


class FastTask:
    """One task's fitted pipeline, precomputed for scoring and explaining one document at a time."""

    def __init__(self, union: FastUnion, coef: np.ndarray, intercept: np.ndarray, calibration: _Calibration,
                 classes: list[str]) -> None:
        self.union = union
        self.coef = coef  # (outputs, features), C order: a row's columns gather into one small block per output
        self.intercept = intercept
        self.calibration = calibration
        self.classes = classes
        self.binary = len(classes) == 2
        # Word unigram columns: what ``known_terms`` counts.
        self.unigram = np.zeros(union.n_features, dtype=bool)
        for member in union.members:
            if member.kind == "word" and member.ngram_range[0] == 1:
                self.unigram[[j - union.start for term, j in member.columns.items() if " " not in term]] = True
        self.has_unigrams = bool(self.unigram.any())
        self._kinds = np.array([member.name for member in union.members], dtype=object)
        self._names: np.ndarray | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_names": None}  # term names are rebuilt from the vocabularies, not stored twice

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline, base: int = 0) -> "FastTask":
        """Precompute from a fitted pipeline; ``UnsupportedPipeline`` when its shape is not the expected one.

        ``base`` numbers this task's vocabulary from there, so several tasks can share one ``FastUnion`` pass
        (``FastModel``); rows returned here are always in the pipeline's own numbering.
        """
        from newsframe.core.linear import FittedLinear  # streamed training's linear model: coef_ and intercept_ too
        from newsframe.core.nbsvm import NBLinearSVC  # its coef_ is already folded: a LinearSVC to the fast path
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.pipeline import FeatureUnion
        from sklearn.svm import LinearSVC
        steps = getattr(pipeline, "steps", None)
        if not steps or len(steps) != 2 or not isinstance(steps[0][1], FeatureUnion):
            raise UnsupportedPipeline("expected Pipeline([features: FeatureUnion, clf])")
        features, clf = steps[0][1], steps[1][1]
        if features.transformer_weights:
            raise UnsupportedPipeline("FeatureUnion transformer_weights are not supported")
        members: list[FastVectorizer] = []
        for name, vectorizer in features.transformer_list:
            if not isinstance(vectorizer, str):  # "drop"/"passthrough" markers; passthrough fails on width below
                members.append(FastVectorizer(name, vectorizer, base + sum(m.n_features for m in members)))
        union = FastUnion(members)
        if not isinstance(clf, CalibratedClassifierCV) or len(getattr(clf, "calibrated_classifiers_", [])) != 1:
            raise UnsupportedPipeline("expected a fitted CalibratedClassifierCV with ensemble=False")
        calibrated = clf.calibrated_classifiers_[0]
        if not isinstance(calibrated.estimator, (LinearSVC, NBLinearSVC, FittedLinear)):
            raise UnsupportedPipeline(f"expected LinearSVC, NBLinearSVC or FittedLinear, got {type(calibrated.estimator).__name__}")
        coef = np.asarray(calibrated.estimator.coef_, dtype=np.float64)
        if coef.shape[1] != union.n_features:
            raise UnsupportedPipeline("coef_ width differs from the feature union's width")
        intercept = np.broadcast_to(np.asarray(calibrated.estimator.intercept_, dtype=np.float64), (coef.shape[0],)).copy()
        return cls(union, np.ascontiguousarray(coef), intercept, _Calibration(calibrated, coef.shape[0]),
                   [str(c) for c in clf.classes_])

    # -- scoring -------------------------------------------------------------------------------------
    def features(self, text: str | Document) -> tuple[np.ndarray, np.ndarray]:
        """(union column indices, float32 values): the row ``pipeline[:-1].transform([text])`` holds."""
        return self.union.transform_one(text if isinstance(text, Document) else Document(text))

    def decision(self, row: tuple[np.ndarray, np.ndarray]) -> list[float]:
        """LinearSVC decision values of a feature row, one per output (binary: one, for ``classes[1]``)."""
        return linear_decision(self.coef, self.intercept, *row)

    def proba(self, text: str | Document) -> np.ndarray:
        """Class probabilities in ``classes`` order: ``pipeline.predict_proba([text])[0]``."""
        return self.calibration.proba(self.decision(self.features(text)))

    # -- explanations --------------------------------------------------------------------------------
    def contributions(self, row: tuple[np.ndarray, np.ndarray], label: str) -> tuple[np.ndarray, float]:
        """Each feature's contribution to ``label``'s score and the intercept, signed alike; they sum to its decision."""
        indices, values = row
        k = self.classes.index(label)
        if self.binary:
            sign = 1.0 if k == 1 else -1.0
            return sign * (values.astype(np.float64) * self.coef[0].take(indices)), sign * float(self.intercept[0])
        return values.astype(np.float64) * self.coef[k].take(indices), float(self.intercept[k])

    def term_of(self, column: int) -> tuple[str, str]:
        """(term, kind) of a union column; kind is the union member's name, e.g. ``word`` or ``char``."""
        return str(self.term_names()[column]), self._kinds[int(self.union.segment[column])]

    def term_names(self) -> np.ndarray:
        """Every union column's n-gram (object array; built on first use, or by ``FastModel`` at load)."""
        if self._names is None:
            self._names = np.concatenate([member.terms() for member in self.union.members])
        return self._names

    def known_terms(self, row: tuple[np.ndarray, np.ndarray], doc: Document) -> int:
        """Distinct known word unigrams of the row (a model without word features: the text's distinct words)."""
        if self.has_unigrams:
            return int(np.count_nonzero(self.unigram[row[0]]))
        return len(set(_WORDS.findall(doc.text.lower())))  # character n-grams recognise every word a little

    def explain_row(self, row: tuple[np.ndarray, np.ndarray], label: str, top_k: int, doc: Document) -> dict[str, Any]:
        """``explain`` for an already computed feature row of ``doc``."""
        contrib, _ = self.contributions(row, label)
        known = self.known_terms(row, doc)
        toward, against = self._top(row[0], contrib, top_k), self._top(row[0], -contrib, top_k, sign=-1.0)
        if any(t["term"] is None for t in toward + against):  # hashed columns: named by this document's n-grams
            name_hashed(toward + against, self.union, doc)
            toward = sorted(toward, key=lambda t: (-t["weight"], t["term"], t["kind"]))[:top_k]
            against = sorted(against, key=lambda t: (t["weight"], t["term"], t["kind"]))[:top_k]
        return {"toward": toward, "against": against, "low_evidence": known < LOW_EVIDENCE_MIN_KNOWN, "known_terms": known}

    def _top(self, indices: np.ndarray, contrib: np.ndarray, top_k: int, sign: float = 1.0) -> list[dict[str, Any]]:
        chosen = (contrib > 0).nonzero()[0]
        if top_k <= 0 or chosen.size == 0:
            return []
        if chosen.size > top_k:  # keep all rows tied with the k-th largest, so names settle ties below
            kth = np.partition(contrib[chosen], chosen.size - top_k)[chosen.size - top_k]
            chosen = chosen[contrib[chosen] >= kth]
        columns = indices.take(chosen)
        names = self.term_names().take(columns).tolist()
        if None in names:  # hashed columns: ``explain_row`` names them; keep their column until then
            return [{"term": term, "kind": kind, "weight": -negated * sign, "column": column}
                    for negated, term, kind, column in sorted(zip((-contrib.take(chosen)).tolist(), names,
                                                                  self._kinds.take(self.union.segment.take(columns)).tolist(),
                                                                  columns.tolist()), key=lambda r: (r[0], r[1] or "", r[2]))]
        rows = sorted(zip((-contrib.take(chosen)).tolist(), names, self._kinds.take(self.union.segment.take(columns)).tolist()))
        return [{"term": term, "kind": kind, "weight": -negated * sign} for negated, term, kind in rows[:top_k]]

    def explain(self, text: str | Document, label: str, top_k: int = 5) -> dict[str, Any]:
        """The n-grams pushing hardest toward and against ``label``, and how much known evidence the text has.

        ``toward``/``against``: up to ``top_k`` dicts ``{"term", "kind", "weight"}``, weight being the signed
        contribution to ``label``'s decision value (positive toward, negative against), largest magnitude first.
        ``known_terms``: distinct known word unigrams; ``low_evidence``: ``known_terms < LOW_EVIDENCE_MIN_KNOWN``.
        """
        doc = text if isinstance(text, Document) else Document(text)
        return self.explain_row(self.features(doc), label, top_k, doc)

    def predict(self, text: str | Document, explain: bool = False, top_k: int = 5) -> tuple[np.ndarray, dict[str, Any] | None]:
        """Probabilities, plus the explanation of the most probable label when asked (features computed once)."""
        doc = text if isinstance(text, Document) else Document(text)
        row = self.features(doc)
        proba = self.calibration.proba(self.decision(row))
        return proba, (self.explain_row(row, self.classes[int(proba.argmax())], top_k, doc) if explain else None)
