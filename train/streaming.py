"""Streaming training: every task the data has labels for, fitted a chunk at a time in memory that does not grow
with the rows (the switch from the in-memory fit is ``use_streaming``).

Pass 1 (``stream_pass``) reads the input in chunks (``chunks.labelled_chunks``; a Dask dataframe's partitions:
``frames``), assigns each row to the fit, calibration or held-out
part (a seeded draw per row), hashes its text once per task (``hashed``) into raw counts that go to an on-disk cache,
and counts document frequencies. The later passes (NB sums, SGD epochs, calibration, evaluation) read the cache, not
the text, so the analysis runs once. The published pipeline is ``Pipeline([features: hashed TF-IDF union, clf:
CalibratedClassifierCV(FittedLinear, ensemble=False)])``. The model is fitted on the fit part only: the calibration
and held-out rows stay out of it (``refit_on_all`` applies to the in-memory path).
"""
from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from newsframe.core.errors import DataError
from newsframe.core.schema import REQUIRED_TASKS, TASKS
from newsframe.train.cache import CALIBRATION, FIT, HELD_OUT, ChunkCache
from newsframe.train.chunks import data_size_mb, labelled_chunks
from newsframe.train.config import FeatureSet, TaskConfig, TrainConfig
from newsframe.train.hashed import (
    DocumentFrequencies,
    fitted_union,
    hashed_members,
    weigh,
)
from newsframe.train.metrics import classification_metrics
from newsframe.train.sgd import calibrate, fit_sgd, nb_ratios
from newsframe.train.stream_pass import SEED_TEXTS, ChunkJob, PassOne, hash_texts  # noqa: F401 - SEED_TEXTS re-exported
from sklearn.pipeline import Pipeline


def use_streaming(paths: list[Path], config: TrainConfig) -> bool:
    """``streaming.mode``, or for "auto": whether the input is larger than ``streaming.stream_above_mb``."""
    mode = config.streaming.mode
    return mode == "stream" or (mode == "auto" and data_size_mb(paths) > config.streaming.stream_above_mb)


def stream_recipe(task: TaskConfig) -> FeatureSet:
    """The task's richest feature set (the first with character n-grams, else the first): there is no search."""
    return next((fs for fs in task.feature_sets if fs.char_ngram), task.feature_sets[0])


class StreamTask:
    """One task's pass-1 state: hashers, document frequencies, class counts and its chunk cache."""

    def __init__(self, name: str, config: TrainConfig, root: Path) -> None:
        self.name, self.config = name, config
        self.recipe = stream_recipe(config.tasks[name])
        self.hashers = hashed_members(self.recipe, config.streaming.hash_features)
        self.frequencies = DocumentFrequencies([n for n, _ in self.hashers], config.streaming.hash_features)
        self.cache = ChunkCache(root / name)
        self.classes: Counter = Counter()

    def split(self, index: int, rows: int) -> np.ndarray:
        """The parts (fit, calibration, held-out) of chunk ``index``'s ``rows`` rows of this task: a seeded draw per
        row, the same on every run."""
        s = self.config.streaming
        draw = np.random.default_rng([self.config.seed, index]).random(rows)
        return np.where(draw < self.config.test_size, HELD_OUT,
                        np.where(draw < self.config.test_size + s.calibration_fraction, CALIBRATION, FIT)).astype(np.int8)

    def add(self, counts: dict[str, Any], labels: np.ndarray, part: np.ndarray) -> None:
        """Cache one chunk's hashed rows with their parts; count document frequencies of the rows the model sees."""
        self.frequencies.add({name: rows[part != HELD_OUT] for name, rows in counts.items()})
        self.classes.update(labels[part == FIT].tolist())
        self.cache.write(counts, labels, part)

    def fit(self, log: Callable[[str], None]) -> tuple[Pipeline, dict[str, Any]]:
        """NB sums, SGD epochs, calibration and held-out evaluation over the cache; the pipeline and its manifest entry."""
        started, s, task = time.perf_counter(), self.config.streaming, self.config.tasks[self.name]
        union = fitted_union(self.recipe, s.hash_features, self.frequencies)
        classes = np.array(sorted(self.classes))

        def batches(part: int) -> Callable[[], Iterator[tuple[Any, np.ndarray]]]:
            return lambda: ((weigh(union, counts), labels) for counts, labels in self.cache.read(part))

        width = sum(len(m.named_steps["tfidf"].idf_) for _, m in union.transformer_list)
        ratios = nb_ratios(batches(FIT), classes, task.nb_alpha[0], width)
        alpha = s.alpha or 1.0 / (task.C[0] * max(1, self.cache.rows[FIT]))
        estimator = fit_sgd(batches(FIT), classes, ratios, s.loss, alpha, s.epochs, self.config.seed, threads=s.workers)
        clf = calibrate(estimator, batches(CALIBRATION), task.calibration)
        truth, proba = [], []
        for X, y in batches(HELD_OUT)():
            truth.append(y)
            proba.append(clf.predict_proba(X))
        metrics = classification_metrics(np.concatenate(truth).tolist(), np.vstack(proba), [str(c) for c in classes])
        log(f"  {self.name}: held-out accuracy={metrics['accuracy']:.4f} macro-F1={metrics['macro_f1']:.4f} "
            f"ECE={metrics['ece']:.4f} (n={metrics['n']})")
        rows = self.cache.rows
        info = {"labels": [str(c) for c in classes],
                "rows": {"total": sum(rows.values()), "train": rows[FIT], "calibration": rows[CALIBRATION], "held_out": rows[HELD_OUT]},
                "fit": {"mode": "streaming", "features": {**asdict(self.recipe), "hashed": True, "hash_features": s.hash_features},
                        "learner": {"estimator": "averaged SGDClassifier per one-vs-rest output", "loss": s.loss,
                                    "alpha": alpha, "alpha_from": "streaming.alpha" if s.alpha else f"1 / (C={task.C[0]} * fit rows)",
                                    "epochs": s.epochs}, "nb_alpha": task.nb_alpha[0], "calibration": task.calibration},
                "metrics": {"held_out": metrics}, "refit_on_all": False,
                "train_seconds": round(time.perf_counter() - started, 2)}
        return Pipeline([("features", union), ("clf", clf)]), info


def train_streaming(paths: list[Path], config: TrainConfig, log: Callable[[str], None], executor: Any = None) -> dict[str, Any]:
    """Fit every task the data can train; ``pipelines``, ``tasks`` (manifest entries), ``skipped``, ``summary``,
    ``fingerprint`` and ``seed_texts`` (for the fast path's seed table).

    ``executor`` (anything with ``submit(fn, *args) -> future``, e.g. a ``distributed.Client``) hashes the chunks
    instead of ``streaming.workers`` local processes.
    """
    s, passed = config.streaming, PassOne()
    with stream_tasks(config) as tasks:
        hashers = {name: task.hashers for name, task in tasks.items()}
        with hashing_executor(s.workers, executor) as pool:
            passed.run((ChunkJob(chunk, hashers, pool, passed.texts_wanted())
                        for chunk in labelled_chunks(paths, s.chunk_rows, passed.skipped)), tasks, s.workers, log)
        return fit_streamed(tasks, passed, ", ".join(map(str, paths)), log)


@contextmanager
def stream_tasks(config: TrainConfig) -> Iterator[dict[str, StreamTask]]:
    """A ``StreamTask`` per task, their caches in a temporary directory removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="newsframe-stream-", dir=config.streaming.cache_dir) as root:
        yield {name: StreamTask(name, config, Path(root)) for name in TASKS}


def fit_streamed(tasks: dict[str, StreamTask], passed: PassOne, source: str, log: Callable[[str], None]) -> dict[str, Any]:
    """After pass 1: fit the tasks that can train (others skipped, see ``_untrainable``); ``train_streaming``'s result."""
    skipped = _untrainable(tasks, source)
    pipelines, infos = {}, {}
    for name in (t for t in TASKS if t not in skipped):
        log(f"training {name} (streaming) ...")
        pipelines[name], infos[name] = tasks[name].fit(log)
    for task, why in skipped.items():
        log(f"{task}: skipped ({why})")
    summary = {task: {"used": int(passed.used[task]), "skipped": dict(sorted((k, v) for k, v in passed.skipped[task].items() if v))}
               for task in TASKS}
    return {"pipelines": pipelines, "tasks": infos, "skipped": skipped, "summary": summary,
            "fingerprint": passed.digest.hexdigest(), "seed_texts": passed.seed_texts}


class Inline:
    """``submit`` that runs the job at once (one worker: no processes to start)."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future

    def __enter__(self) -> Inline:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class _DaskSubmit:
    """A ``distributed.Client`` whose jobs are never deduplicated by argument hashing (a chunk is hashed once anyway)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)


def hashing_executor(workers: int, executor: Any = None) -> Any:
    """Where pass 1 hashes: the given executor (e.g. a ``distributed.Client``), a process pool, or this process."""
    if executor is not None:
        return nullcontext(_DaskSubmit(executor) if type(executor).__module__.startswith("distributed") else executor)
    return _process_pool(workers) if workers > 1 else Inline()


@contextmanager
def _process_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        yield pool
    finally:  # on an error or an interrupt, queued chunks are dropped rather than hashed for nothing
        pool.shutdown(wait=True, cancel_futures=True)


def _untrainable(tasks: dict[str, StreamTask], source: str) -> dict[str, str]:
    """As ``trainer.trainable_tasks``: no rows, skip; one class, skip posture and refuse the others."""
    skipped = {}
    for name, task in tasks.items():
        if task.cache.total == 0:
            skipped[name] = "no labelled rows" if name != "posture" else "no framing rows labelled 'none'"
        elif len(task.classes) < 2:
            if name in REQUIRED_TASKS:
                raise DataError(source, f"task '{name}' needs at least 2 classes in its fit rows, found {len(task.classes)} "
                                        f"({', '.join(task.classes) or 'no rows'})")
            skipped[name] = "needs framing rows labelled 'none' and rows with a posture"
    if len(skipped) == len(tasks):
        raise DataError(source, "no task has labelled rows: need a 'topic' or 'framing' label on at least some rows with text")
    return skipped
