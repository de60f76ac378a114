"""The prediction side of batch scoring: a process's model and its predictions as Arrow columns.

The model reaches a batch process the way it reaches a gunicorn worker: loaded once, before any work, and held
by the process rather than looked up in a cache. The main process (``--jobs 1``) passes its ``Predictor``
around directly; a ``--jobs N`` pool worker is given one by the pool initializer (inherited from the parent when
the pool forks, loaded from the version directory when it spawns) and keeps it on its ``multiprocessing``
process object; a Dask worker gets one from ``engine_dask.ModelPlugin`` (a ``distributed`` worker plugin). The columns are
whatever ``Predictor.score_frame`` returns (renamed by ``prediction_columns`` where they collide with input
columns), so a new prediction column needs no change here.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

if TYPE_CHECKING:
    from newsframe.serve.predictor import Predictor

PROCESS_ATTRIBUTE = "newsframe_predictor"


def load_predictor(version_dir: str | Path) -> Predictor:
    """Load and verify one model version (imported late: a Dask client imports this module but never scores)."""
    from newsframe.serve.predictor import Predictor

    return Predictor.load(version_dir)


def _exit_with_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:  # the main process died (e.g. SIGKILL): nobody will collect our results
            os._exit(1)
        time.sleep(1.0)


def init_worker(model: Predictor | str, parent: int) -> None:
    """Pool initializer: ignore Ctrl-C, exit when ``parent`` dies, one BLAS thread, then hold the model.

    ``model`` is the parent's ``Predictor`` when the pool forks (inherited, not copied) or the version directory
    when it spawns. A load failure is kept and raised by the first task, so it reaches the caller as the real
    error (e.g. a model that fails verification is bad input, exit 2) rather than as a broken pool.
    """
    from threadpoolctl import threadpool_limits

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle (it stops the pool)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="parent-watch").start()
    threadpool_limits(1)
    process = multiprocessing.current_process()
    try:
        setattr(process, PROCESS_ATTRIBUTE, load_predictor(model) if isinstance(model, str) else model)
    except Exception as exc:  # noqa: BLE001 - raised again by the first task
        setattr(process, PROCESS_ATTRIBUTE, exc)


def pool_predictor() -> Predictor:
    """The model this pool worker was given by ``init_worker`` (its load error, if loading failed)."""
    held = getattr(multiprocessing.current_process(), PROCESS_ATTRIBUTE, None)
    if isinstance(held, Exception):
        raise held
    if held is None:
        raise RuntimeError("this process was not started by newsframe's pool initializer")
    return held


def probe(predictor: Predictor, scores: bool, input_columns: list[str]) -> tuple[str, pa.Schema]:
    """Model version and the Arrow schema of the prediction columns, from scoring one dummy text."""
    schema = predict_table(predictor, ["newsframe"], scores, input_columns).schema
    plain = [pa.field(f.name, pa.string()) if pa.types.is_large_string(f.type) else f for f in schema]
    return predictor.version, pa.schema(plain)


def predict_table(predictor: Predictor, texts: list[str], scores: bool, input_columns: list[str],
                  schema: pa.Schema | None = None) -> pa.Table:
    """Prediction columns for ``texts`` as an Arrow table (typed by ``schema`` when given)."""
    from newsframe.serve.predictor import prediction_columns

    frame = prediction_columns(predictor.score_frame(texts, scores=scores), input_columns)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata(None)
    return table.cast(schema) if schema is not None else table


def attach(table: pa.Table, predictions: pa.Table | None, schema: pa.Schema) -> pa.Table:
    """Input rows with the prediction columns appended (no predictions: a chunk whose rows were all rejected)."""
    if predictions is None:
        predictions = schema.empty_table()
    if predictions.num_rows != table.num_rows:
        raise RuntimeError(f"{predictions.num_rows} predictions for {table.num_rows} rows")
    for field, column in zip(predictions.schema, predictions.columns):
        table = table.append_column(field, column)
    return table
