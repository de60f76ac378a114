"""What ``research.stream`` compares: the shipped recipe and the tries of issue 16, each a ``Variant``.

A variant may change the training rows (``training_rows``), the search space (``config``), the threshold (fixed or
chosen by CV) and how a text is scored (``score``); the outer folds and the figures stay the same for all.
"""
from __future__ import annotations

import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from newsframe.train.config import TrainConfig
from newsframe.train.data import LabelledData

REPO = Path(__file__).resolve().parent.parent
# The sections annotated before issue 16: the posture model and its evaluation saw only these.
OLD_SECTIONS = {"World", "Business", "politics", "business", "cameo"}


class Variant:
    """The shipped recipe: all rows, the default search spaces, a CV-chosen threshold, whole-document scoring."""

    name = "shipped"
    description = "all annotated sections train framing and posture; default search; threshold by CV"
    fixed_threshold: float | None = None

    def config(self) -> TrainConfig:
        return TrainConfig()

    def training_rows(self, rows: pd.DataFrame, task: str) -> pd.DataFrame:
        return rows

    def threshold_data(self, train: LabelledData) -> LabelledData:
        return train

    def scoring_texts(self, texts: list[str]) -> list[str]:
        return texts

    def score(self, pipelines: dict, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Posture probability, two-way framing label and P(confrontational) per text."""
        posture, framing = pipelines["posture"], pipelines["framing"]
        p = posture.predict_proba(texts)[:, list(posture.classes_).index("posture")]
        q = framing.predict_proba(texts)
        labels = np.asarray(framing.classes_, dtype=object)
        return p, labels[q.argmax(axis=1)], q[:, list(framing.classes_).index("confrontational")]


def _sections() -> dict[str, str]:
    corpus = pd.read_csv(REPO / "data" / "framing" / "annotated.csv", dtype=str, usecols=["id", "section"])
    return dict(zip(corpus["id"], corpus["section"]))


class OldSections(Variant):
    """The situation the issue measured: trained on the pre-issue-16 sections only, ``none`` below posture 0.5."""

    name = "old_sections"
    description = "trained on AG World/Business, BBC politics/business and CAMEO only; threshold fixed at 0.5"
    fixed_threshold = 0.5

    def __init__(self) -> None:
        self.sections = _sections()

    def training_rows(self, rows: pd.DataFrame, task: str) -> pd.DataFrame:
        keep = rows["id"].map(lambda i: self.sections.get(i, "cameo") in OLD_SECTIONS)
        return rows[keep.to_numpy()].reset_index(drop=True)


class BalancedPosture(Variant):
    """Posture's search also tries balanced class weights (none is now 72% of the posture rows)."""

    name = "posture_balanced"
    description = "as shipped, posture search adds class_weight='balanced'"

    def config(self) -> TrainConfig:
        base = TrainConfig()
        tasks = dict(base.tasks)
        tasks["posture"] = replace(tasks["posture"], class_weight=("balanced",))
        return replace(base, tasks=tasks)


class CameoCues(Variant):
    """CAMEO verb-dictionary cue tokens (``research.cameo_cues``) added to the text both tasks read."""

    name = "cameo_cues"
    description = "as shipped, plus CAMEO verb and verb-phrase cue tokens (cooperation / conflict roots) for both tasks"
    preprocess = "headline2+cues+cameo"

    def config(self) -> TrainConfig:
        from newsframe.core.text import PREPROCESSORS

        from research.cameo_cues import headline2_cues_cameo

        PREPROCESSORS[self.preprocess] = headline2_cues_cameo  # research only: the product registers no such name
        base = TrainConfig()
        tasks = dict(base.tasks)
        for task in ("framing", "posture"):
            sets = tuple(replace(fs, name=f"{fs.name}+cameo", preprocess=self.preprocess) if fs.preprocess == "headline2+cues"
                         else fs for fs in tasks[task].feature_sets)
            tasks[task] = replace(tasks[task], feature_sets=sets)
        return replace(base, tasks=tasks)


class Fraction(Variant):
    """A learning-curve point: the shipped recipe trained on a fixed share of each outer fold's training rows.

    A row is kept when the CRC-32 of its id falls in the share, so both tasks and the threshold search see the same
    rows, and a smaller share's rows are inside every larger one's. The test folds stay whole.
    """

    share = 1.0

    def _keep(self, ids: pd.Series) -> np.ndarray:
        return np.array([zlib.crc32(i.encode("utf-8")) % 10_000 < self.share * 10_000 for i in ids], dtype=bool)

    def training_rows(self, rows: pd.DataFrame, task: str) -> pd.DataFrame:
        return rows[self._keep(rows["id"])].reset_index(drop=True)

    def threshold_data(self, train: LabelledData) -> LabelledData:
        return LabelledData(frame=train.frame[self._keep(train.frame["id"])].reset_index(drop=True))


def _fraction(share: float) -> type[Variant]:
    return type("Fraction", (Fraction,), {
        "share": share, "name": f"fraction_{share:g}",
        "description": f"as shipped, trained on {share:.1%} of each outer fold's training rows (learning curve)"})


class WeakLabels(Variant):
    """Weakly labelled sentences (``research.weak_labels``) from the rest of the training fold's BBC articles.

    Only articles whose annotated lead is among the task's training rows give sentences, so no test item's article
    is read. ``share`` caps the weak rows at that multiple of the task's gold rows (a seeded draw); ``tasks`` says
    which tasks get them.
    """

    share = 1.0
    tasks: tuple[str, ...] = ("framing",)
    column: str | None = None  # the weak label column (default: the task's own)

    def weak_rows(self) -> pd.DataFrame:
        """The weakly labelled sentences (``research.weak_labels.weak_rows``: reads ``../shared``)."""
        from research.weak_labels import weak_rows

        return weak_rows()

    def training_rows(self, rows: pd.DataFrame, task: str) -> pd.DataFrame:
        if task not in self.tasks:
            return rows
        column = self.column or task
        weak = self.weak_rows()
        weak = weak[weak["article"].isin(set(rows["id"])) & weak[column].notna()]
        cap = int(self.share * len(rows))
        if len(weak) > cap:
            weak = weak.sample(cap, random_state=0)
        extra = pd.DataFrame({"id": "weak-" + weak["article"], "text": weak["text"], task: weak[column]})
        return pd.concat([rows, extra], ignore_index=True)


def _weak(share: float, tasks: tuple[str, ...], column: str | None = None) -> type[Variant]:
    which = "both" if len(tasks) == 2 else tasks[0]
    kind = "actor verb-cue" if column == "framing_actor" else "CAMEO-cue"
    return type("WeakLabels", (WeakLabels,), {
        "share": share, "tasks": tasks, "column": column,
        "name": f"weak_{'actor_' if column else ''}{which}_{share:g}",
        "description": f"as shipped, plus {kind} weak labels on unannotated BBC sentences for {' and '.join(tasks)} "
                       f"(at most {share:g}x the gold rows)"})


VARIANTS: dict[str, type[Variant]] = {v.name: v for v in (
    Variant, OldSections, BalancedPosture, CameoCues, *(_fraction(s) for s in (0.125, 0.25, 0.5)),
    *(_weak(s, t) for s in (0.5, 1.0) for t in (("framing",), ("framing", "posture"))),
    *(_weak(s, ("framing",), "framing_actor") for s in (0.5, 1.0)))}
