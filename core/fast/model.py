"""All tasks of a model version scored in one pass over one document (what ``Predictor.predict_one`` uses).

Scoring each task with its own ``FastTask`` repeats the fixed per-call cost of a dozen small numpy operations per
task. ``FastModel`` numbers every task's vocabulary in one column space (task after task), so one ``FastUnion``
pass counts, weights and normalises the features of all tasks (and analyses the text once for tasks whose
vectorisers share settings), and one gather from a block-diagonal coefficient matrix (each output's row is zero
outside its own task's columns) gives every decision value. The zeros add exactly 0.0 to sums that run left to
right, so each task's decision is the very number its own ``FastTask`` (and its pipeline) computes;
tests/test_fastpath.py checks that on the bundled rows.

The vocabularies hold a few hundred thousand columns, so a headline's few hundred columns are scattered over
megabytes and gathering idf, member and coefficients from separate arrays misses the CPU cache once per array
per column. ``packed`` keeps one row per column — idf, member index, then every output's coefficient, padded to
64 bytes with up to six outputs and aligned to a cache line — so one gather fetches all a column needs from one line. Its values are the same numbers
(float32 idf and small integers are exact in float64), and the decision sums still run in column order.

The row itself (runs of equal columns, tf, idf, norms, decision sums) is computed by one compiled call,
``_kernels.packed_row``, where the compiled module is built; its numpy version ``_packed_row_numpy`` makes about
twenty small-array calls whose fixed costs dominated a headline. Same numbers either way (tests/test_fast_kernels.py).

Tasks whose pipeline the fast path does not reproduce are listed in ``unsupported`` (task -> reason); the caller
scores those with the pipeline.

Saved with the version: training writes the fast model of every version whose tasks all have one to
``fast.pickle`` (listed and hashed in the manifest like the pipelines), so a scoring process loads it with
numpy alone, without importing scikit-learn (start-up figures: BENCHMARKS.md). The pickle holds the tasks' vocabularies, weights and calibration,
and the seed table of frequent training words (``fast_seed``); the shared union, coefficient blocks and packed
table are rebuilt from them on load.
"""
from __future__ import annotations

import logging
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from newsframe.core.artifacts import ModelVersion
from newsframe.core.errors import ArtifactError
from newsframe.core.fast.features import FastUnion, UnsupportedPipeline
from newsframe.core.fast.seed import SeedColumns
from newsframe.core.fast.task import FastTask, linear_decision
from newsframe.core.fast.text import Document

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

try:
    from newsframe.core.fast._kernels import packed_row as compiled_row
except ImportError:  # not compiled (a source tree used without installing): the numpy path gives the same numbers
    compiled_row = None

_log = logging.getLogger(__name__)
Prediction = tuple[np.ndarray, "dict[str, Any] | None"]  # probabilities, explanation (when asked)
FAST_FILE = "fast.pickle"
FAST_FORMAT = "newsframe-fast/3"  # bump when the pickled state or the module path of the fast classes changes; older
# files are then ignored and the fast path is rebuilt from the pipelines (3: moved to newsframe.core.fast)


def aligned_rows(n_rows: int, width: int, line: int = 64) -> np.ndarray:
    """Zeroed float64 (n_rows, width) array, width padded to a whole number of ``line``-byte cache lines per row
    (or a power-of-two fraction of one), starting on a line boundary: each row is then fetched from one line,
    not split over two (numpy aligns data to 16 bytes only)."""
    per_line = line // 8
    padded = -(-width // per_line) * per_line if width > per_line else 1 << (width - 1).bit_length()
    buffer = np.zeros(n_rows * padded + per_line)
    skip = (-buffer.ctypes.data % line) // 8
    return buffer[skip:skip + n_rows * padded].reshape(n_rows, padded)


class FastModel:
    """Several FastTasks sharing one feature pass and one decision product."""

    def __init__(self, tasks: dict[str, FastTask], unsupported: dict[str, str] | None = None,
                 seeds: dict[int, SeedColumns] | None = None, shared: FastUnion | None = None) -> None:
        self.tasks = tasks
        self.unsupported = dict(unsupported or {})
        self.union = (FastUnion([m for task in tasks.values() for m in task.union.members], seeds, shared)
                      if tasks else None)
        # Each task's block: its column range in the shared space and its output columns.
        self.blocks: dict[str, tuple[int, int, slice]] = {}
        n_outputs = sum(task.coef.shape[0] for task in tasks.values())
        n_features = self.union.n_features if self.union else 0
        self.coef = np.zeros((n_outputs, n_features))
        self.intercept = np.zeros(n_outputs)
        out = 0
        for name, task in tasks.items():
            # Columns count from the union's start: a model of some tasks (``subset``) starts at its first task's.
            lo, width, k = task.union.start - self.union.start, task.union.n_features, task.coef.shape[0]
            self.coef[out:out + k, lo:lo + width] = task.coef
            self.intercept[out:out + k] = task.intercept
            self.blocks[name] = (lo, lo + width, slice(out, out + k))
            out += k
            task.term_names()  # built now, before a server forks, rather than on each worker's first explain
        self.packed: np.ndarray | None = None
        if self.union is not None and self.union.all_sublinear and not self.union.any_unnormalised:
            self.packed = aligned_rows(n_features, 2 + n_outputs)
            self.packed[:, 0] = self.union.idf
            self.packed[:, 1] = self.union.segment
            self.packed[:, 2:2 + n_outputs] = self.coef.T
        self.compiled = compiled_row is not None  # switched off by tests and benchmarks to compare both paths
        if self.union is not None:
            self.union.analysis  # the compiled tables, built now (before a server forks) rather than by the first call

    def __reduce__(self) -> tuple[Any, ...]:
        return FastModel, (self.tasks, self.unsupported, self.union.seeds if self.union else None)

    @classmethod
    def from_pipelines(cls, pipelines: dict[str, Pipeline], texts: list[str] | None = None) -> "FastModel":
        """Fast tasks for every pipeline the fast path supports; the others are reported in ``unsupported``.

        With ``texts`` (the training texts), the char_wb columns of their frequent words are worked out now and
        kept (``fast_seed``), so a process loading the model starts with those words known.
        """
        tasks: dict[str, FastTask] = {}
        unsupported: dict[str, str] = {}
        base = 0
        for name, pipeline in pipelines.items():
            try:
                task = FastTask.from_pipeline(pipeline, base=base)
            except UnsupportedPipeline as exc:
                unsupported[name] = str(exc)
                _log.warning("task %s: no single-document fast path (%s); its pipeline scores single documents", name, exc)
                continue
            tasks[name] = task
            base += task.union.n_features
        model = cls(tasks, unsupported)
        if texts is not None and model.union is not None:
            model.union.seed_words(texts)
        return model

    def subset(self, names: Sequence[str]) -> FastModel | None:
        """A model of some of these tasks (``names``, in this model's order), sharing their compiled tables: what
        scores actor sentences without the topic's analysis. None when a task is not fast here or the tasks' columns
        are not contiguous (a task between them left out)."""
        if any(name not in self.tasks for name in names):
            return None
        try:
            return FastModel({name: task for name, task in self.tasks.items() if name in names}, shared=self.union)
        except UnsupportedPipeline:
            return None

    def predict(self, text: str, explain: bool = False, top_k: int = 5) -> dict[str, Prediction]:
        """Per fast task: class probabilities (``classes`` order), plus the top label's explanation when asked."""
        if self.union is None:
            return {}
        doc = Document(text)
        if self.packed is None:
            indices, values = self.union.transform_one(doc)
            scores = linear_decision(self.coef, self.intercept, indices, values)
        else:
            indices, values, scores = self._packed_row(doc)
        results: dict[str, Prediction] = {}
        for name, task in self.tasks.items():
            lo, hi, outputs = self.blocks[name]
            proba = task.calibration.proba(scores[outputs])
            explanation = None
            if explain:
                cut = np.searchsorted(indices, [lo, hi]).tolist()
                row = (indices[cut[0]:cut[1]] - lo, values[cut[0]:cut[1]])
                explanation = task.explain_row(row, task.classes[int(proba.argmax())], top_k, doc)
            results[name] = (proba, explanation)
        return results

    def proba_many(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Per fast task, the (documents, classes) probabilities of ``predict`` for every text, in fewer calls.

        Where every analysis group runs compiled, one compiled call analyses the documents and computes their
        decision values (``_analysis.Analyzer.scores``, the same operations as ``_packed_row``), and calibration runs
        per task over all documents (``_Calibration.proba_many``); otherwise document by document.
        """
        union = self.union
        if union is None:
            return {}
        if not texts:
            return {name: np.empty((0, len(task.classes))) for name, task in self.tasks.items()}
        analysis = union.analysis
        if analysis is None or union.python_groups or self.packed is None or not self.compiled:
            rows = [self.predict(text) for text in texts]
            return {name: np.vstack([row[name][0] for row in rows]) for name in self.tasks}
        scores, left = analysis.analyzer.scores(analysis.prepared_lists(texts), union.start, self.packed, union.tf_table,
                                                len(union.members), self.intercept)
        for i in left:  # a column counted more often than the tf table covers: the numpy path computes its tf
            scores[i] = self._packed_row_numpy(union.occurrences(Document(texts[i])))[2]
        return {name: task.calibration.proba_many(scores[:, self.blocks[name][2]]) for name, task in self.tasks.items()}

    def _packed_row(self, doc: Document) -> tuple[np.ndarray, np.ndarray, list[float]]:
        """``union.transform_one`` and ``linear_decision`` in one gather from ``packed`` (same numbers, fewer misses)."""
        union = self.union
        assert union is not None and self.packed is not None
        ordered = union.occurrences(doc)
        if self.compiled and ordered.size < union.tf_table.size:
            return compiled_row(ordered, union.start, self.packed, union.tf_table, len(union.members), self.intercept)
        return self._packed_row_numpy(ordered)

    def _packed_row_numpy(self, ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[float]]:
        """``_packed_row`` in numpy calls, from the document's ``occurrences``: without the compiled kernel, and for
        texts longer than the tf table."""
        union = self.union
        assert union is not None and self.packed is not None
        indices, counts, total = union.counts(ordered)
        if indices.size == 0:
            return indices, np.empty(0, dtype=union.dtype), self.intercept.tolist()
        rows = self.packed.take(indices, axis=0)
        values = union.tf(counts, total)
        values *= rows[:, 0].astype(union.dtype)
        segment = rows[:, 1].astype(np.intp)
        norms = np.sqrt(np.bincount(segment, weights=values * values, minlength=len(union.members)))
        values = (values / norms.take(segment)).astype(union.dtype)  # float64 quotient rounded to float32
        products = rows[:, 2:2 + self.intercept.size]
        products *= values.astype(np.float64)[:, None]
        # Down each column: every output's sum runs over the document's columns in ascending order, as scipy's.
        scores = (np.add.accumulate(products, axis=0)[-1] + self.intercept).tolist()
        return indices, values, scores


def write_fast_model(pipelines: dict[str, Pipeline], directory: Path, texts: list[str] | None = None) -> dict[str, Any] | None:
    """Write ``fast.pickle`` for ``pipelines`` (seeded from the training ``texts``) into ``directory``; its manifest
    entry, or None if a task has no fast path."""
    fast = FastModel.from_pipelines(pipelines, texts)
    if fast.unsupported:
        return None
    try:
        data = pickle.dumps(fast, protocol=pickle.HIGHEST_PROTOCOL)
    except UnsupportedPipeline as exc:  # e.g. a recipe that needs scikit-learn's own analyzer
        _log.warning("no fast.pickle for this version (%s); scoring processes will build the fast path at load", exc)
        return None
    (directory / FAST_FILE).write_bytes(data)
    return {"file": FAST_FILE, "format": FAST_FORMAT, "tasks": list(fast.tasks)}


def read_fast_model(model: ModelVersion) -> FastModel | None:
    """The version's saved fast model (its file already verified by ``load_version``), or None when it has none.

    A file of an older ``FAST_FORMAT`` is ignored, not refused: the caller builds the fast path from the pipelines.
    """
    entry = model.manifest.get("fast")
    if not isinstance(entry, dict) or entry.get("format") != FAST_FORMAT or entry.get("tasks") != model.tasks:
        return None
    path = model.path / str(entry["file"])
    try:
        fast = pickle.loads(path.read_bytes())
    except Exception as exc:  # a hash-valid file can still fail, e.g. a renamed class after an upgrade
        raise ArtifactError(f"{path}: cannot be loaded ({exc.__class__.__name__}: {exc})") from None
    if not isinstance(fast, FastModel) or any(fast.tasks[t].classes != model.labels(t) for t in model.tasks):
        raise ArtifactError(f"{path}: does not match the manifest's tasks and labels")
    return fast
