"""The one scoring entry point every caller shares: a loaded model version turned into predictions.

HTTP results (``predict_one``) and batch columns (``score_frame``) are both shaped here, from the same
probabilities.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from newsframe.core.artifacts import ModelVersion, load_version
from newsframe.core.decision import NONE_LABEL, is_none, posture_threshold
from newsframe.core.fast.model import FastModel, read_fast_model
from newsframe.core.schema import RESULT_TASKS

if TYPE_CHECKING:
    from newsframe.serve.actors import ActorScorer


def prediction_columns(frame: pd.DataFrame, input_columns: list[str]) -> pd.DataFrame:
    """Rename prediction columns that collide with an input column to ``newsframe_<name>``.

    Input columns are never changed, so scoring a labelled file keeps its own ``topic`` beside the prediction.
    """
    taken = set(map(str, input_columns))
    return frame.rename(columns={c: f"newsframe_{c}" for c in frame.columns if c in taken})


@dataclass
class Predictor:
    """Scores texts with both task pipelines of one model version."""

    model: ModelVersion
    fast: FastModel = field(default=None, repr=False, compare=False)  # type: ignore[assignment]  # set below
    _subsets: dict[tuple[str, ...], FastModel | None] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.fast is None:  # single-document fast path, built once per version
            self.fast = FastModel.from_pipelines(self.model.pipelines)

    @classmethod
    def load(cls, models: str | Path) -> "Predictor":
        """Load and verify the version at ``models`` (a version directory or a directory with ``latest``).

        With the version's ``fast.pickle`` the pipelines stay on disk (and scikit-learn unimported) until a
        caller needs them; without it (versions written before it existed) the fast path is built from them.
        """
        model = load_version(models, lazy=True)
        return cls(model, read_fast_model(model))

    @property
    def version(self) -> str:
        return self.model.version

    def labels(self, task: str) -> list[str]:
        return self.model.labels(task)

    @property
    def has_posture(self) -> bool:
        return "posture" in self.model.tasks

    @cached_property
    def none_threshold(self) -> float | None:
        """The version's posture threshold: below it the framing label is ``none`` (None: two-way labels)."""
        return posture_threshold(self.model.manifest)

    def fast_model(self, tasks: tuple[str, ...] | None = None) -> FastModel:
        """The fast model of ``tasks`` (their fast ones), built once: :meth:`FastModel.subset` where it can be made,
        else the version's whole fast model."""
        if tasks is None:
            return self.fast
        fast = tuple(task for task in self.fast.tasks if task in tasks)
        if fast not in self._subsets:  # two threads may both build it: equal models
            self._subsets[fast] = self.fast.subset(fast) if fast != tuple(self.fast.tasks) else None
        return self._subsets[fast] or self.fast

    @cached_property
    def actors(self) -> ActorScorer:
        """The actor finder for this version (its dictionary loaded on first use; see :mod:`newsframe.serve.actors`)."""
        from newsframe.serve.actors import ActorScorer

        return ActorScorer(self)

    def predict_proba(self, texts: list[str], tasks: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
        """Class probabilities per task the version has (or per task of ``tasks``); columns follow ``labels(task)``.

        Documents go one by one through the fast path: it gives the pipelines' exact probabilities, and faster than
        scikit-learn's batch ``transform`` does for these features (BENCHMARKS.md). Tasks the fast path does not
        support are scored by their pipeline in one batch call. Some ``tasks`` only: a fast model of those tasks
        (:meth:`FastModel.subset`) skips the others' text analysis, with the same probabilities.
        """
        wanted = self.model.tasks if tasks is None else [task for task in self.model.tasks if task in tasks]
        fast_model = self.fast_model(tasks)
        fast = fast_model.proba_many(texts) if fast_model.tasks else {}
        result = {}
        for task in wanted:
            if task in self.fast.tasks:
                result[task] = fast[task]
            else:
                result[task] = self.model.pipelines[task].predict_proba(texts)
        return result

    def score_frame(self, texts: list[str], scores: bool = False) -> pd.DataFrame:
        """The output columns for a batch of texts (plus one ``<task>_score_<label>`` column per label if asked).

        Columns: topic, topic_confidence, framing, framing_confidence, then framing_posture (the probability
        that the text frames any posture) when the version has a posture model. With a posture threshold, framing is
        ``none`` where framing_posture is below it, and framing_confidence is then 1 - framing_posture.
        """
        columns: dict[str, Any] = {}
        probabilities = self.predict_proba(texts)
        posture = probabilities.pop("posture", None)
        for task, proba in probabilities.items():
            labels = np.asarray(self.labels(task), dtype=object)
            best = proba.argmax(axis=1)
            columns[task] = labels[best]
            columns[f"{task}_confidence"] = proba[np.arange(len(best)), best].round(6)
            if scores:
                for j, label in enumerate(labels):
                    columns[f"{task}_score_{label}"] = proba[:, j].round(6)
        if posture is not None:
            p_posture = posture[:, self.labels("posture").index("posture")]
            columns["framing_posture"] = p_posture.round(6)
            threshold = self.none_threshold
            if threshold is not None and "framing" in columns:
                below = p_posture < threshold
                columns["framing"] = np.where(below, NONE_LABEL, columns["framing"]).astype(object)
                columns["framing_confidence"] = np.where(below, 1.0 - p_posture, columns["framing_confidence"]).round(6)
        return pd.DataFrame(columns)

    def predict_one(self, text: str, explain: bool = False) -> dict[str, Any]:
        """One result: ``{"topic": {...}, "framing": {..., "posture": p|null}, "model_version": v}``.

        Each task gives label, confidence and all class scores, computed by the single-document fast path (the same
        probabilities as ``predict_proba([text])``). With ``explain`` each fast task also carries ``explanation``:
        {"toward", "against", "low_evidence", "known_terms"}. A task the fast path cannot reproduce
        (``self.fast.unsupported``) is scored by its pipeline, without explanation.
        """
        fast = self.fast.predict(text, explain=explain)
        probabilities = {task: fast[task][0] if task in fast else self.model.pipelines[task].predict_proba([text])[0]
                         for task in self.model.tasks}
        posture = probabilities.pop("posture", None)
        result: dict[str, Any] = {}
        for task in (t for t in RESULT_TASKS if t in probabilities):
            row = probabilities[task]
            best = int(row.argmax())
            labels = self.labels(task)
            result[task] = {"label": labels[best], "confidence": float(row[best]),
                            "scores": {label: float(p) for label, p in zip(labels, row)}}
            explanation = fast[task][1] if task in fast else None
            if explanation is not None:
                result[task]["explanation"] = explanation
        if "framing" in result:
            result["framing"]["posture"] = None if posture is None else float(posture[self.labels("posture").index("posture")])
            if is_none(result["framing"]["posture"], self.none_threshold):  # scores for the two postures stay
                result["framing"].update(label=NONE_LABEL, confidence=1.0 - result["framing"]["posture"])
        result["model_version"] = self.version
        return result
