"""The prediction side of batch scoring: one loaded model per process, predictions as Arrow columns.

Used in the main process (``--jobs 1``), in each ``--jobs N`` pool worker and in each Dask worker. The
columns are whatever ``Predictor.score_frame`` returns (renamed by ``prediction_columns`` where they
collide with input columns), so a new prediction column needs no change here.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from newsframe.train.artifacts import resolve_version

if TYPE_CHECKING:
    from newsframe.serve.predictor import Predictor

_LOADED: dict[str, Predictor] = {}
_LOCK = threading.Lock()


def predictor_for(models: str | Path) -> Predictor:
    """The model version ``models`` points to, loaded once per process.

    Keyed by the resolved version directory, so a long-lived process (a Dask worker, a Python caller)
    picks up a newly trained ``latest`` and drops the older version. A failed load is not remembered:
    the next call tries again and raises the real error.
    """
    from newsframe.serve.predictor import Predictor  # on first use: the Dask client imports this module, never scores

    key = str(resolve_version(models))
    with _LOCK:
        if key not in _LOADED:
            predictor = Predictor.load(key)
            _LOADED.clear()
            _LOADED[key] = predictor
        return _LOADED[key]


def _exit_with_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:  # the main process died (e.g. SIGKILL): nobody will collect our results
            os._exit(1)
        time.sleep(1.0)


def init_worker(models: str, parent: int) -> None:
    """Pool initializer: ignore Ctrl-C, exit when ``parent`` dies, one BLAS thread per worker, load the model.

    A load failure is kept and raised by the first task, so it reaches the caller as the real error
    (e.g. a model that fails verification is bad input, exit 2) rather than as a broken pool.
    """
    from threadpoolctl import threadpool_limits

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle (it stops the pool)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="parent-watch").start()
    threadpool_limits(1)
    try:
        predictor_for(models)
    except Exception:  # noqa: BLE001 - the first task loads again and raises the real error
        pass


def probe(models: str, scores: bool, input_columns: list[str]) -> tuple[str, pa.Schema]:
    """Model version and the Arrow schema of the prediction columns, from scoring one dummy text."""
    predictor = predictor_for(models)
    schema = predict_table(models, ["newsframe"], scores, input_columns).schema
    plain = [pa.field(f.name, pa.string()) if pa.types.is_large_string(f.type) else f for f in schema]
    return predictor.version, pa.schema(plain)


def predict_table(models: str, texts: list[str], scores: bool, input_columns: list[str],
                  schema: pa.Schema | None = None) -> pa.Table:
    """Prediction columns for ``texts`` as an Arrow table (typed by ``schema`` when given)."""
    from newsframe.serve.predictor import prediction_columns

    frame = prediction_columns(predictor_for(models).score_frame(texts, scores=scores), input_columns)
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
