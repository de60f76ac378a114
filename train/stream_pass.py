"""Pass 1 of streaming training: labelled, hashed chunks into the task caches, in input order.

A chunk comes from a file (``chunks.labelled_chunks``, hashed by a process pool or a Dask client) or is a Dask
dataframe's partition (``frames``, labelled and hashed on a worker). Either way pass 1 sees a ``HashedChunk``:
per task the labels and raw hashed counts of the rows that train it, the bytes the data fingerprint is built from,
the first texts (for the fast path's seed table) and the skip counts. ``PassOne.run`` keeps a few chunks in flight
and consumes them in input order, so the caches, and with them the model, are the same on every run.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from newsframe.core.schema import TASKS
from newsframe.train.chunks import Chunk
from newsframe.train.data import LabelledData

SEED_TEXTS = 20_000  # training texts kept for the fast path's seed table of frequent words


@dataclass
class HashedChunk:
    """One chunk's rows as pass 1 keeps them; its ``index`` (0, 1, ... over the input) seeds the rows' parts."""

    index: int
    labels: dict[str, np.ndarray]  # task -> labels of the rows that train it
    counts: dict[str, dict[str, Any]]  # task -> feature member -> raw hashed counts of those rows
    fingerprint: bytes  # fed to the data fingerprint in input order
    texts: list[str]  # the chunk's first texts, while the seed table still wants some
    rows: int  # input rows the chunk held, with text or not
    skipped: dict[str, Counter] = field(default_factory=dict)  # skips not yet counted by the reader


class Job(Protocol):
    """A chunk being hashed: ``jobs`` tasks in flight, ``result()`` waits for them."""

    jobs: int

    def result(self) -> HashedChunk: ...


def hash_texts(hashers: list[tuple[str, Any]], texts: list[str]) -> dict[str, Any]:
    """Raw hashed counts of ``texts`` per member: the job a worker process (or Dask worker) runs."""
    return {name: hasher.transform(texts) for name, hasher in hashers}


def fingerprint_lines(data: LabelledData) -> bytes:
    """The rows' text and labels, one JSON list a line: what the data fingerprint hashes (in memory and streaming)."""
    return b"".join(json.dumps(list(row), ensure_ascii=False).encode("utf-8") + b"\n"
                    for row in data.frame[["text", "topic", "framing"]].itertuples(index=False))


def task_labels(data: LabelledData) -> dict[str, np.ndarray]:
    """Per task, the labels of the rows that train it (``LabelledData.task``), as strings."""
    return {name: data.task(name)[name].to_numpy(dtype=str) for name in TASKS}


class ChunkJob:
    """A file's chunk, labelled on the driver, each task's texts hashed by ``pool`` (a job per task)."""

    def __init__(self, chunk: Chunk, hashers: dict[str, list[tuple[str, Any]]], pool: Any, texts: int) -> None:
        data = LabelledData(frame=chunk.frame)
        self.index, self.rows = chunk.index, chunk.rows
        self.labels = task_labels(data)
        self.futures = {name: pool.submit(hash_texts, hashers[name], data.task(name)["text"].tolist())
                        for name, labels in self.labels.items() if len(labels)}
        self.jobs = len(self.futures)
        self.fingerprint = fingerprint_lines(data)
        self.texts = chunk.frame["text"].tolist()[:texts]

    def result(self) -> HashedChunk:
        return HashedChunk(self.index, self.labels, {name: f.result() for name, f in self.futures.items()},
                           self.fingerprint, self.texts, self.rows)


class PassOne:
    """Hashed chunks into the task caches (anything with ``split(index, n)`` and ``add(counts, labels, part)``),
    with what the manifest needs of them: rows used and skipped per task, fingerprint, seed texts, input rows."""

    def __init__(self) -> None:
        self.used: Counter = Counter()
        self.skipped: dict[str, Counter] = {task: Counter() for task in TASKS}
        self.digest = hashlib.sha256()
        self.seed_texts: list[str] = []
        self.rows = self.chunks = 0

    def texts_wanted(self) -> int:
        return max(0, SEED_TEXTS - len(self.seed_texts))

    def run(self, jobs: Iterable[Job], tasks: dict[str, Any], in_flight: int, log: Callable[[str], None]) -> None:
        """Consume ``jobs`` in order; the next chunk is read (or submitted) while up to ``in_flight`` jobs run."""
        started, pending = time.perf_counter(), deque()
        for job in jobs:
            pending.append(job)
            while len(pending) > 1 and sum(j.jobs for j in pending) > in_flight:
                self.add(pending.popleft().result(), tasks)
            log(f"  read {sum(self.used.values())} task rows ({time.perf_counter() - started:.0f} s)")
        while pending:
            self.add(pending.popleft().result(), tasks)

    def add(self, chunk: HashedChunk, tasks: dict[str, Any]) -> None:
        self.digest.update(chunk.fingerprint)
        self.seed_texts += chunk.texts[:self.texts_wanted()]
        self.rows, self.chunks = self.rows + chunk.rows, self.chunks + 1
        for task, counts in chunk.skipped.items():
            self.skipped[task].update(counts)
        for name, labels in chunk.labels.items():
            self.used[name] += len(labels)
            if len(labels):
                tasks[name].add(chunk.counts[name], labels, tasks[name].split(chunk.index, len(labels)))
