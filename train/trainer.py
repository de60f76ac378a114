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
from newsframe.core.errors import ConfigError, DataError, Interrupted, storage_error  # noqa: F401 - Interrupted re-exported
from newsframe.core.fast.model import write_fast_model
from newsframe.core.schema import REQUIRED_TASKS, TASKS
from newsframe.train.actors import bundle_actor_dictionary
from newsframe.train.chunks import data_size_mb
from newsframe.train.config import TrainConfig
from newsframe.train.data import LabelledData, load_labelled
from newsframe.train.feedback import FeedbackMerge
from newsframe.train.frames import train_frame_streaming
from newsframe.train.metrics import classification_metrics
from newsframe.train.model import check_classes, fit_chosen, search
from newsframe.train.report import write_report
from newsframe.train.stream_pass import fingerprint_lines
from newsframe.train.streaming import train_streaming, use_streaming
from newsframe.train.threshold import choose_threshold
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
    return hashlib.sha256(fingerprint_lines(data)).hexdigest()


def train_frame(frame: Any, config: TrainConfig, out_dir: str | Path, client: Any = None,
                log: Callable[[str], None] = print) -> Path:
    """Train streaming from a ``dask.dataframe.DataFrame`` with a training file's columns, its partitions labelled and
    hashed on ``client``'s workers (:mod:`newsframe.train.frames`), and publish a version as ``train`` does."""
    return train(None, config, out_dir, log, executor=client, frame=frame)


def _raise_interrupted(signum: int, frame: Any) -> None:
    raise Interrupted(f"training interrupted by {signal.Signals(signum).name}; no version was written")


def held_out_split(texts: list[str], labels: list[str], config: TrainConfig) -> tuple[list[str], list[str], list[str], list[str]]:
    """The deterministic search/evaluation split of one task's rows: x_train, x_held_out, y_train, y_held_out."""
    return train_test_split(texts, labels, test_size=config.test_size, stratify=labels, random_state=config.seed)


def trainable_tasks(data: LabelledData, log: Callable[[str], None]) -> dict[str, str]:
    """The tasks the data cannot train, each with the reason (a topic-only file trains topic alone).

    A task without a single labelled row is skipped; one whose rows hold a single class is skipped too when it is
    optional (posture), and refused by ``check_classes`` otherwise (the file meant to train it). With no task left
    there is nothing to publish: DataError.
    """
    skipped: dict[str, str] = {}
    for task in TASKS:
        labels = data.task(task)[task]
        if labels.empty:
            skipped[task] = "no labelled rows" if task != "posture" else "no framing rows labelled 'none'"
        elif task not in REQUIRED_TASKS and labels.nunique() < 2:
            skipped[task] = "needs framing rows labelled 'none' and rows with a posture"
    for task, why in skipped.items():
        log(f"{task}: skipped ({why})")
    if len(skipped) == len(TASKS):
        raise DataError(", ".join(sorted(set(data.frame["file"]))) or "(no rows)",
                        "no task has labelled rows: need a 'topic' or 'framing' label on at least some rows with text")
    return skipped


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


def decide_none(data: LabelledData, config: TrainConfig, tasks: dict[str, dict], log: Callable[[str], None]) -> dict | None:
    """Choose the posture threshold (``tasks["posture"]["threshold"]``) when framing and posture were both trained.

    Returns the held-out three-way (document label) metrics, or None when there is no threshold. Data too small for
    the threshold's folds leaves the version without one (two-way labels, as before), and says so in the manifest.
    """
    if not {"framing", "posture"} <= set(tasks):
        return None
    log("choosing the posture threshold ...")
    chosen = {task: tasks[task]["search"]["chosen"] for task in ("framing", "posture")}
    try:
        decided = choose_threshold(data, config, chosen, log)
    except ValueError as exc:  # a class too small for the folds of the threshold's cross-validation
        log(f"  posture threshold not chosen ({exc}); framing labels stay two-way")
        tasks["posture"]["threshold_search"] = {"skipped": str(exc)}
        return None
    document = decided.pop("document_held_out")
    tasks["posture"].update(decided)
    tasks["posture"]["metrics"]["document_held_out"] = document
    return document


def train(data_paths: list[str | Path] | None, config: TrainConfig, out_dir: str | Path, log: Callable[[str], None] = print,
          executor: Any = None, feedback: FeedbackMerge | None = None, promote_if_better: bool = False,
          frame: Any = None) -> Path:
    """Train every task the data has labels for and publish a new version under ``out_dir``; return its directory.

    ``executor`` (e.g. a ``distributed.Client``) makes the training stream and hash the text on its workers.
    ``frame`` (a ``dask.dataframe.DataFrame``, instead of ``data_paths``; see ``train_frame``) trains streaming from it.
    ``feedback`` merges human labels in (:mod:`newsframe.train.feedback`); with ``promote_if_better`` ``latest`` moves
    only when the new version is not worse than the current one on the held-out feedback.
    """
    paths = [] if frame is not None else [Path(p) for p in (data_paths or default_data_files())]
    # Data too large to fit in memory streams (newsframe.train.streaming; threshold and settings: config.streaming).
    streaming = frame is not None or executor is not None or use_streaming(paths, config)
    if feedback is not None and streaming:
        raise ConfigError("--feedback works with in-memory training only (not with --scheduler or streamed data)")
    if not streaming:
        data = load_labelled(paths)
        if feedback is not None:
            data = feedback.merge(data)
        summary = data.summary()
        for task in TASKS:
            reasons = ", ".join(f"{k}: {v}" for k, v in summary[task]["skipped"].items()) or "none"
            log(f"{task}: {summary[task]['used']} rows used; skipped: {reasons}")
    previous = {s: signal.signal(s, _raise_interrupted) for s in (signal.SIGINT, signal.SIGTERM)}
    writer = None
    try:
        source = None
        if frame is not None:
            log(f"streaming training from a Dask dataframe of {frame.npartitions} partitions")
            streamed = train_frame_streaming(frame, config, log, executor)
            source = streamed["source"]
        elif streaming:
            log(f"streaming training: {data_size_mb(paths):.0f} MB of input (streaming.mode={config.streaming.mode}, "
                f"stream_above_mb={config.streaming.stream_above_mb:g})")
            streamed = train_streaming(paths, config, log, executor)
        if streaming:
            pipelines, tasks, skipped, summary = streamed["pipelines"], streamed["tasks"], streamed["skipped"], streamed["summary"]
            fingerprint, seed_texts, document = streamed["fingerprint"], streamed["seed_texts"], None
        else:
            tasks, pipelines = {}, {}
            skipped = trainable_tasks(data, log)
            for task in (t for t in TASKS if t not in skipped):
                log(f"training {task} ...")
                pipelines[task], tasks[task] = train_task(task, data, config, log)
            document = decide_none(data, config, tasks, log)
            fingerprint, seed_texts = data_fingerprint(data), data.frame["text"].tolist()
        writer = VersionWriter(out_dir)
        for task, pipeline in pipelines.items():
            tasks[task]["file"] = writer.dump(f"{task}.joblib", pipeline).name
        # The serving form is compiled here, once per version, so scoring processes need neither the pipelines
        # nor scikit-learn to start.
        fast = write_fast_model(pipelines, writer.tmp, seed_texts)
        actors = bundle_actor_dictionary(writer.tmp, log)  # served with the dictionary it was trained beside
        metrics = {t: info["metrics"]["held_out"] for t, info in tasks.items()}
        report_dir = writer.tmp / "report"
        write_report(metrics, report_dir, f"newsframe model {writer.version}: held-out evaluation", document=document)
        if document is not None:
            metrics["document"] = document
        (report_dir / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
        manifest = {
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "tasks": tasks,
            "libraries": library_versions(),
            "data": {**(source or {"files": [{"path": str(p), "sha256": sha256_file(p)} for p in paths]}),
                     "fingerprint": fingerprint, "rows": summary},
            "config": config.to_dict(),
            "tasks_trained": list(tasks),
            "training": "streaming" if streaming else "in-memory",
            "tasks_skipped": skipped,
        }
        if fast is not None:
            manifest["fast"] = fast
        if actors is not None:
            manifest["actors"] = actors
        move_latest = True
        if feedback is not None:
            move_latest = feedback.compare(writer.version, pipelines, out_dir) or not promote_if_better
            feedback.promoted = move_latest
            manifest["feedback"] = feedback.manifest()
        final = writer.commit(manifest, move_latest=move_latest)
        if not move_latest:
            log("latest not moved: the new version is worse on the held-out feedback (--promote-if-better)")
    except BaseException as exc:
        if writer is not None:
            writer.abort()
        full = storage_error(exc, writer.tmp if writer is not None else out_dir)
        if full is not None:  # a full disk names the file or the version being written, not just errno 28
            raise full from None
        raise
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    log(f"wrote model version {final.name} to {final}: trained {', '.join(tasks)}"
        + "".join(f"; {t} not trained ({why})" for t, why in skipped.items()))
    return final
