"""Evaluate a trained model version on any labelled file and write metrics and a report."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from newsframe.core.artifacts import ModelVersion, load_version
from newsframe.core.decision import document_labels, posture_threshold
from newsframe.core.errors import DataError
from newsframe.core.schema import TASKS
from newsframe.train.data import LabelledData, load_labelled
from newsframe.train.metrics import classification_metrics, label_metrics
from newsframe.train.threshold import THREE_WAY, three_way_rows
from newsframe.train.report import write_report


def evaluate(models: str | Path, data_paths: list[str | Path], out_dir: str | Path | None = None,
             log: Callable[[str], None] = print) -> dict[str, Any]:
    """Metrics per task on the rows of ``data_paths`` labelled for it; writes metrics.json and report.md."""
    model = load_version(models)
    data = load_labelled(list(data_paths))
    results: dict[str, Any] = {}
    for task in TASKS:
        if task not in model.pipelines:
            continue
        rows = data.task(task)
        if rows.empty:
            log(f"{task}: no labelled rows, skipped")
            continue
        known = model.labels(task)
        unknown = sorted(set(rows[task]) - set(known))
        if unknown:
            raise DataError(", ".join(map(str, data_paths)), f"{task} labels unknown to model {model.version}: {', '.join(unknown)} (it knows {', '.join(known)})", column=task)
        proba = model.pipelines[task].predict_proba(rows["text"].tolist())
        results[task] = classification_metrics(rows[task].tolist(), proba, known)
        m = results[task]
        log(f"{task}: n={m['n']} accuracy={m['accuracy']:.4f} macro-F1={m['macro_f1']:.4f} ECE={m['ece']:.4f}")
    if not results:
        raise DataError(", ".join(map(str, data_paths)), "no rows with a topic or framing label to evaluate")
    document = document_metrics(model, data)
    if document is not None:
        log(f"framing as a user sees it (three-way): n={document['n']} macro-F1={document['macro_f1']:.4f}")
    out = Path(out_dir) if out_dir else Path(f"evaluation-{model.version}")
    write_report(results, out, f"newsframe model {model.version} on {', '.join(Path(p).name for p in data_paths)}", document=document)
    stored = {**results, "document": document} if document is not None else results
    (out / "metrics.json").write_text(json.dumps({"model_version": model.version, "data": [str(p) for p in data_paths], "metrics": stored}, indent=2), encoding="utf-8")
    log(f"report written to {out}")
    return stored


def document_metrics(model: ModelVersion, data: LabelledData) -> dict[str, Any] | None:
    """Three-way metrics of the document label (``none`` below the version's posture threshold) on rows labelled
    cautious / confrontational / none in files that annotate posture; None without a threshold or such rows."""
    threshold = posture_threshold(model.manifest)
    texts, truth = three_way_rows(data)
    if threshold is None or not texts or not {"framing", "posture"} <= set(model.pipelines):
        return None
    posture = model.pipelines["posture"].predict_proba(texts)[:, model.labels("posture").index("posture")]
    framing = model.pipelines["framing"].predict(texts)
    return {**label_metrics(list(truth), list(document_labels(framing, posture, threshold)), list(THREE_WAY)),
            "threshold": threshold}
