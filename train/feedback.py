"""``train --feedback``: merge the feedback database's current labels into the training data, hold out a slice of
them, and judge the new version against the current one on that slice.

* Each item's current label per task (:func:`newsframe.core.feedback.derive.current_by_item`, events up to the id
  read at the start: later events wait for the next run) beats a bundled label for the same item (same
  :func:`~newsframe.core.feedback.item_key`): the bundled row loses that task's label, the human label comes in a
  ``feedback`` row. Human ``none`` framing labels train posture.
* About one feedback item in five, chosen by its key (so the slice is stable from run to run), is held out: neither
  its human nor its bundled label trains the new version. Both versions are scored there (macro-F1 per task); the
  new one is "not worse" when its macro-F1, averaged over the tasks with held-out rows, is at least the current one's.
* The manifest's ``feedback`` records what was used: rows per task, last event id, a sha256 over (task, item key,
  label, event id), the held-out comparison and whether ``latest`` moved.

Training only reads the database (one query at the start), so a crash leaves it as it was.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from newsframe.core.artifacts import load_version, resolve_version
from newsframe.core.errors import ArtifactError
from newsframe.core.feedback import FeedbackStore, item_key
from newsframe.core.schema import FRAMING_LABELS, POSTURE_NONE
from newsframe.train.data import LabelledData
from sklearn.metrics import f1_score

FEEDBACK_FILE = "feedback"
HOLD_OUT_BUCKETS = 5  # one item in five


def held_out_key(key: str) -> bool:
    return int(key[:8], 16) % HOLD_OUT_BUCKETS == 0


class FeedbackMerge:
    """One training run's view of the feedback database."""

    def __init__(self, store: FeedbackStore, log: Callable[[str], None] = print) -> None:
        self.url, self.log = store.url, log
        self.last_event_id = store.last_event_id()
        current = store.current_by_item(up_to=self.last_event_id)
        self.labels: dict[str, dict[str, str]] = {}  # item key -> task -> label
        self.texts: dict[str, str] = {}
        for (task, key), event in sorted(current.items(), key=lambda kv: kv[1].id):
            self.labels.setdefault(key, {})[task] = str(event.label)
            self.texts[key] = event.text
        digest = hashlib.sha256()
        for (task, key), event in sorted(current.items()):
            digest.update(json.dumps([task, key, event.label, event.id]).encode("utf-8") + b"\n")
        self.sha256 = digest.hexdigest()
        self.rows = dict(Counter(task for (task, _) in current))
        self.held_out = {key for key in self.labels if held_out_key(key)}
        if not self.held_out and len(self.labels) >= HOLD_OUT_BUCKETS:  # keep a slice even when no key fell in it
            self.held_out = {min(self.labels, key=lambda k: int(k[:8], 16) % HOLD_OUT_BUCKETS)}
        self.replaced: Counter[str] = Counter()
        self.comparison: dict[str, Any] = {}
        self.promoted: bool | None = None

    def merge(self, data: LabelledData) -> LabelledData:
        """The bundled data with human labels in, held-out items out (see the module docstring)."""
        frame = data.frame.copy()
        keys = frame["text"].map(item_key)
        for task in ("topic", "framing"):
            human = keys.map(lambda k, task=task: task in self.labels.get(k, {}) or k in self.held_out)
            self.replaced[task] = int((human & frame[task].notna()).sum())
            frame.loc[human, task] = None
        rows = [{"id": f"{FEEDBACK_FILE}:{key}", "text": self.texts[key], "topic": labels.get("topic"),
                 "framing": labels.get("framing"), "file": FEEDBACK_FILE, "row": i + 1, "posture_annotated": True}
                for i, (key, labels) in enumerate(self.labels.items()) if key not in self.held_out]
        skipped = {task: Counter(reasons) for task, reasons in data.skipped.items()}
        for task, n in self.replaced.items():
            if n:
                skipped[task]["bundled label replaced or held out by feedback"] += n
        merged = pd.concat([frame, pd.DataFrame(rows, columns=frame.columns)], ignore_index=True) if rows else frame
        self.log(f"feedback: {sum(self.rows.values())} labels ({', '.join(f'{t}: {n}' for t, n in self.rows.items()) or 'none'}) "
                 f"up to event {self.last_event_id}; {len(self.held_out)} items held out; "
                 f"{sum(self.replaced.values())} bundled labels replaced or held out")
        return LabelledData(frame=merged, skipped=skipped)

    def _held_out_rows(self, task: str) -> tuple[list[str], list[str]]:
        texts, labels = [], []
        for key in sorted(self.held_out):
            label = self.labels[key].get("framing" if task == "posture" else task)
            if label is None:
                continue
            if task == "framing" and label not in FRAMING_LABELS:
                continue
            if task == "posture":
                label = POSTURE_NONE if label == POSTURE_NONE else "posture"
            texts.append(self.texts[key])
            labels.append(label)
        return texts, labels

    def _score(self, pipelines: dict[str, Any]) -> dict[str, dict[str, float | int]]:
        scores = {}
        for task, pipeline in pipelines.items():
            texts, truth = self._held_out_rows(task)
            if not texts:
                continue
            predicted = pipeline.predict(texts)
            scores[task] = {"n": len(texts), "accuracy": round(float(np.mean(np.asarray(predicted) == np.asarray(truth))), 4),
                            "macro_f1": round(float(f1_score(truth, predicted, average="macro", zero_division=0)), 4)}
        return scores

    def compare(self, new_version: str, pipelines: dict[str, Any], models_dir: Any) -> bool:
        """Score both versions on the held-out slice; True when the new one is not worse (or nothing to compare)."""
        try:
            current = load_version(resolve_version(models_dir))
        except ArtifactError:
            current = None
        new = self._score(pipelines)
        old = self._score(current.pipelines) if current is not None else {}
        shared = sorted(set(new) & set(old))
        new_mean = float(np.mean([new[t]["macro_f1"] for t in shared])) if shared else None
        old_mean = float(np.mean([old[t]["macro_f1"] for t in shared])) if shared else None
        if current is None:
            verdict, better = "no current version", True
        elif not shared:
            verdict, better = "no held-out feedback to compare on", False
        else:
            better = new_mean >= old_mean - 1e-12
            verdict = "not worse" if better else "worse"
        self.comparison = {"held_out_items": len(self.held_out), "tasks": shared,
                           "current": {"version": current.version if current else None, "scores": old,
                                       "mean_macro_f1": old_mean},
                           "new": {"version": new_version, "scores": new, "mean_macro_f1": new_mean},
                           "verdict": verdict}
        for task in shared:
            self.log(f"  held-out feedback, {task} (n={new[task]['n']}): macro-F1 new {new[task]['macro_f1']:.4f} "
                     f"vs current {old[task]['macro_f1']:.4f}")
        self.log(f"feedback comparison: {verdict}")
        return better

    def manifest(self) -> dict[str, Any]:
        return {"database": self.url, "last_event_id": self.last_event_id, "rows": self.rows, "sha256": self.sha256,
                "items": len(self.labels), "held_out_items": len(self.held_out), "replaced": dict(self.replaced),
                "comparison": self.comparison, "promoted": self.promoted}
