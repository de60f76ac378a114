"""One training run: load data, search, evaluate on a held-out split, refit, and publish a version."""
from __future__ import annotations

import hashlib
import json
import signal
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from newsframe.core.artifacts import VersionWriter, library_versions, sha256_file
from newsframe.core.errors import DataError, Interrupted  # noqa: F401 - Interrupted re-exported
from newsframe.core.fast.model import write_fast_model
from newsframe.core.schema import REQUIRED_TASKS, TASKS
from newsframe.train.config import TrainConfig
from newsframe.train.data import LabelledData, load_labelled
from newsframe.train.metrics import classification_metrics
from newsframe.train.model import check_classes, fit_chosen, search
from newsframe.train.report import write_report
from sklearn.model_selection import train_test_split

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def default_data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The bundled training files, as listed in ``data/bundled.txt``."""
    listing = data_dir / "bundled.txt"
    if not listing.is_file():
        raise DataError(str(listing), "bundled data not found; install from a source checkout (pip install -e .) or pass --data FILE")
    return [data_dir / line.strip() for line in listing.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]


def data_fingerprint(data: LabelledData) -> str:
    """sha256 over the rows actually used (text and labels, in order): same fingerprint, same training data."""
    digest = hashlib.sha256()
    for row in data.frame[["text", "topic", "framing"]].itertuples(index=False):
        digest.update(json.dumps(list(row), ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _raise_interrupted(signum: int, frame: Any) -> None:
    raise Interrupted(f"training interrupted by {signal.Signals(signum).name}; no version was written")


def held_out_split(texts: list[str], labels: list[str], config: TrainConfig) -> tuple[list[str], list[str], list[str], list[str]]:
    """The deterministic search/evaluation split of one task's rows: x_train, x_held_out, y_train, y_held_out."""
    return train_test_split(texts, labels, test_size=config.test_size, stratify=labels, random_state=config.seed)


def train_task(name: str, data: LabelledData, config: TrainConfig, log: Callable[[str], None]) -> tuple[Any, dict[str, Any]]:
    """Search on the training part, evaluate on the held-out part, then refit on all rows if configured."""
    rows = data.task(name)
    texts, labels = rows["text"].tolist(), rows[name].tolist()
    check_classes(name, labels, config, ", ".join(sorted(set(data.frame["file"]))))
    x_train, x_test, y_train, y_test = held_out_split(texts, labels, config)
    started = time.perf_counter()
    pipeline, search_info = search(name, x_train, y_train, config, log)
    classes = [str(c) for c in pipeline.classes_]
    metrics = classification_metrics(y_test, pipeline.predict_proba(x_test), classes)
    log(f"  {name}: held-out accuracy={metrics['accuracy']:.4f} macro-F1={metrics['macro_f1']:.4f} ECE={metrics['ece']:.4f} (n={metrics['n']})")
    if config.refit_on_all:
        pipeline = fit_chosen(name, texts, labels, config, search_info["chosen"])
    info = {"labels": classes, "rows": {"total": len(texts), "train": len(x_train), "held_out": len(x_test)},
            "search": search_info, "metrics": {"held_out": metrics}, "refit_on_all": config.refit_on_all,
            "train_seconds": round(time.perf_counter() - started, 2)}
    return pipeline, info


def train(data_paths: list[str | Path] | None, config: TrainConfig, out_dir: str | Path, log: Callable[[str], None] = print) -> Path:
    """Train both tasks and publish a new version under ``out_dir``; return the version directory."""
    paths = [Path(p) for p in (data_paths or default_data_files())]
    data = load_labelled(paths)
    summary = data.summary()
    for task in TASKS:
        reasons = ", ".join(f"{k}: {v}" for k, v in summary[task]["skipped"].items()) or "none"
        log(f"{task}: {summary[task]['used']} rows used; skipped: {reasons}")
    previous = {s: signal.signal(s, _raise_interrupted) for s in (signal.SIGINT, signal.SIGTERM)}
    writer = None
    try:
        tasks, pipelines = {}, {}
        for task in TASKS:
            if task not in REQUIRED_TASKS and data.task(task)[task].nunique() < 2:
                log(f"{task}: skipped (needs framing rows labelled 'none' and rows with a posture)")
                continue
            log(f"training {task} ...")
            pipelines[task], tasks[task] = train_task(task, data, config, log)
        writer = VersionWriter(out_dir)
        for task, pipeline in pipelines.items():
            tasks[task]["file"] = writer.dump(f"{task}.joblib", pipeline).name
        # The serving form is compiled here, once per version, so scoring processes need neither the pipelines
        # nor scikit-learn to start.
        fast = write_fast_model(pipelines, writer.tmp, data.frame["text"].tolist())
        metrics = {t: info["metrics"]["held_out"] for t, info in tasks.items()}
        report_dir = writer.tmp / "report"
        write_report(metrics, report_dir, f"newsframe model {writer.version}: held-out evaluation")
        (report_dir / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
        manifest = {
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "tasks": tasks,
            "libraries": library_versions(),
            "data": {"files": [{"path": str(p), "sha256": sha256_file(p)} for p in paths],
                     "fingerprint": data_fingerprint(data), "rows": summary},
            "config": config.to_dict(),
        }
        if fast is not None:
            manifest["fast"] = fast
        final = writer.commit(manifest)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    log(f"wrote model version {final.name} to {final}")
    return final
