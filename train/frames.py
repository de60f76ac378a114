"""Streaming training from a Dask dataframe: each partition labelled and hashed on the cluster's workers.

The dataframe has the columns of a training file (``headline``/``body``/``text``, ``topic``, ``framing``, optional
``id``) and counts as one file: ``data.label_rows`` applies to every partition (``core.schema.model_text``, the label
checks, the skip accounting) and the rows train posture if the ``framing`` column says 'none' anywhere. A partition
plays the role of a chunk: its index seeds the fit / calibration / held-out draw, so partitions of
``streaming.chunk_rows`` rows give the model a file gives. Each partition is one task on the cluster; the driver
receives only hashed counts, labels, skip counts, the partition's sha256 and, while the fast path's seed table wants
them, its first texts; it keeps the chunk cache and runs the SGD passes (``streaming``). The data fingerprint is the
sha256 of the partitions' sha256s, in order.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
from newsframe.core.errors import DataError
from newsframe.core.schema import POSTURE_NONE, TASKS
from newsframe.train.config import TrainConfig
from newsframe.train.data import LabelledData, label_rows
from newsframe.train.stream_pass import (
    HashedChunk,
    PassOne,
    fingerprint_lines,
    hash_texts,
    task_labels,
)
from newsframe.train.streaming import Inline, fit_streamed, stream_tasks

SOURCE = "dask dataframe"


def train_frame_streaming(frame: Any, config: TrainConfig, log: Callable[[str], None], client: Any = None) -> dict[str, Any]:
    """``streaming.train_streaming`` over a ``dask.dataframe.DataFrame``; its result plus ``source`` for the manifest.

    ``client`` (a ``distributed.Client``) runs the partitions on its cluster, a few at a time; without one they run
    one after another in this process (Dask's local scheduler).
    """
    import dask

    parts = frame.to_delayed()
    posture = _uses_none(frame, client)
    submit = _submitter(client)
    in_flight = 1 + (sum(client.nthreads().values()) if client is not None else 0)
    passed = PassOne()
    with stream_tasks(config) as tasks:
        hashers = {name: task.hashers for name, task in tasks.items()}
        job = dask.delayed(label_partition, pure=False)
        passed.run((_PartitionJob(submit(job(part, index, hashers, posture, passed.texts_wanted())))
                    for index, part in enumerate(_alone(parts))), tasks, in_flight, log)
        if passed.rows == 0:
            raise DataError(SOURCE, f"no data rows in its {len(parts)} partitions")
        result = fit_streamed(tasks, passed, SOURCE, log)
    result["source"] = {"dask_dataframe": {"partitions": len(parts), "rows": passed.rows,
                                           "fingerprint": "sha256 of the partitions' sha256s, in order"}}
    return result


def label_partition(frame: pd.DataFrame, index: int, hashers: dict[str, list[tuple[str, Any]]], posture: bool,
                    texts: int) -> HashedChunk:
    """One partition labelled and hashed per task (runs on a worker). A bad row raises a DataError naming the
    partition and row; it pickles, so the driver gets it as it was raised."""
    source = f"{SOURCE} partition {index}"
    skipped: dict[str, Counter] = {task: Counter() for task in TASKS}
    frame = frame.astype(object).where(frame.notna(), None)  # Arrow strings: missing is pd.NA, as None in a file
    data = LabelledData(frame=label_rows(frame, source, skipped, posture_annotated=posture).reset_index(drop=True))
    labels = task_labels(data)
    counts = {name: hash_texts(hashers[name], data.task(name)["text"].tolist()) for name, rows in labels.items() if len(rows)}
    return HashedChunk(index, labels, counts, hashlib.sha256(fingerprint_lines(data)).digest(),
                       data.frame["text"].tolist()[:texts], len(frame), skipped)


class _PartitionJob:
    """A partition's task on the cluster, as pass 1 consumes jobs (one task in flight)."""

    jobs = 1

    def __init__(self, future: Any) -> None:
        self.future = future

    def result(self) -> HashedChunk:
        return self.future.result()


def _alone(parts: list[Any]) -> Iterator[Any]:
    """Each partition with only the tasks it needs: ``to_delayed`` gives every one the whole graph, and a client
    then spends time in proportion to all partitions on each one it is sent (about 1 s each with 2,000 of them)."""
    from dask.delayed import Delayed
    from dask.optimization import cull

    graph = dict(parts[0].__dask_graph__()) if parts else {}
    for part in parts:
        yield Delayed(part.key, cull(graph, [part.key])[0])


def _submitter(client: Any) -> Callable[[Any], Any]:
    if client is not None:
        return client.compute
    return lambda task: Inline().submit(task.compute)


def _uses_none(frame: Any, client: Any) -> bool:
    """Whether the ``framing`` column says 'none' anywhere (its rows then train posture), computed where the data is."""
    import dask

    if "framing" not in frame.columns:
        return False
    says = [dask.delayed(_says_none, pure=False)(part) for part in _alone(frame["framing"].to_delayed())]
    return any(client.gather(client.compute(says)) if client is not None else dask.compute(*says))


def _says_none(column: pd.Series) -> bool:
    return bool((column.map(lambda v: v.strip() if isinstance(v, str) else None) == POSTURE_NONE).any())
