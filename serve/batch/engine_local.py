"""The local engine: stream chunks through one process (``--jobs 1``) or a pool of ``--jobs N`` processes.

The main process reads and checks rows and writes parts; workers (each with the model loaded once) only
turn texts into prediction columns. At most ``2 * jobs`` chunks are in flight and results are taken in
chunk order, so memory stays flat and the output order is the input order whatever finishes first.

On Linux, from a process running one thread (the CLI), the workers are forked from the main process after it
has loaded the model: they start in milliseconds and share the model's pages, where spawned workers would
each start an interpreter, import the package and load the model (about a second before the first chunk).
Elsewhere, or when other threads run (forking them is unsafe), the pool is spawned.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable, Iterator

import pyarrow as pa
from newsframe.core.errors import DataError
from newsframe.core.tables import table_format
from newsframe.serve.batch.actorrows import (actor_rows, actor_schema, actor_table, actors_path, json_columns_of,
                                             published_values)
from newsframe.serve.batch.journal import WorkDir, input_signature, resume_point
from newsframe.serve.batch.options import BatchOptions, Summary, rejects_path
from newsframe.serve.batch.predictions import attach, init_worker, load_predictor, pool_predictor, predict_table, probe
from newsframe.serve.batch.progress import Progress
from newsframe.serve.batch.source import Chunk, Position, Source, open_source
from newsframe.serve.batch.writers import EXTENSIONS, assemble, join_leftovers, output_schema, write_part, write_rejects


def pool_context() -> multiprocessing.context.BaseContext:
    """``fork`` on Linux when this process runs a single thread; ``spawn`` otherwise."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _pool_probe(scores: bool, columns: list[str]) -> tuple[str, pa.Schema]:
    return probe(pool_predictor(), scores, columns)


def _pool_predict(texts: list[str], scores: bool, columns: list[str], schema: pa.Schema | None) -> pa.Table:
    return predict_table(pool_predictor(), texts, scores, columns, schema)


def _pool_actors(texts: list[str], published: list[Any] | None) -> pa.Table:
    return actor_table(pool_predictor(), texts, published)


class Scorer:
    """Predictions for chunks, in order: in this process, or on a pool of ``jobs`` workers with one model each.

    The workers start when the ``with`` block is entered, before any input is read.
    """

    def __init__(self, models: str, jobs: int, scores: bool, actors: bool = False) -> None:
        self.models, self.jobs, self.scores = models, jobs, scores
        self.actors = actors  # also each chunk's actor_table
        self.json_columns: frozenset[str] = frozenset()  # the input's (set by the caller): published may be one
        self.predictor: Any = None  # this process's model: --jobs 1 scores with it, a forked pool inherits it
        self.columns: list[str] = []
        self.pool: ProcessPoolExecutor | None = None
        self.schema: pa.Schema | None = None

    def __enter__(self) -> "Scorer":
        if self.jobs > 1:
            context = pool_context()
            forked = context.get_start_method() == "fork"
            if forked:
                self.predictor = load_predictor(self.models)  # inherited; a load failure is raised here, in the caller
                if self.actors:
                    self.predictor.actors  # noqa: B018 - the dictionary too, loaded once and shared with the workers
                gc.freeze()  # the workers' collections then skip the model's objects, so its pages stay shared
            try:
                self.pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=init_worker,
                                                initargs=(self.predictor if forked else self.models, os.getpid()))
                # A spawn pool starts a worker only when a task finds none idle (a fork pool starts all at the
                # first task): one task per worker, all at once, starts every worker now.
                for started in [self.pool.submit(os.getpid) for _ in range(self.jobs)]:
                    started.result()
            finally:
                if forked:
                    gc.unfreeze()
        else:
            self.predictor = load_predictor(self.models)
            if self.actors:
                self.predictor.actors  # noqa: B018 - a broken dictionary fails here, before any input is read
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=exc[0] is None, cancel_futures=True)

    def probe(self, columns: list[str]) -> tuple[str, pa.Schema]:
        """Model version and prediction schema for input ``columns``; every worker is asked, so all agree."""
        self.columns = columns
        args = (self.scores, columns)
        if self.pool is None:
            version, self.schema = probe(self.predictor, *args)
        else:
            answers = [self.pool.submit(_pool_probe, *args) for _ in range(self.jobs)]
            version, self.schema = answers[0].result()
            for answer in answers[1:]:
                answer.result()  # a failure surfaces here, not in the middle of the run
        return version, self.schema

    def _submit(self, chunk: Chunk) -> Future | pa.Table | None:
        if not chunk.texts:
            return None
        args = (chunk.texts, self.scores, self.columns, self.schema)
        return self.pool.submit(_pool_predict, *args) if self.pool else predict_table(self.predictor, *args)

    def _submit_actors(self, chunk: Chunk) -> Future | pa.Table | None:
        if not chunk.texts or not self.actors:
            return None
        args = (chunk.texts, published_values(chunk, self.json_columns))
        return self.pool.submit(_pool_actors, *args) if self.pool else actor_table(self.predictor, *args)

    def scored(self, chunks: Iterator[Chunk]) -> Iterator[tuple[Chunk, pa.Table | None, pa.Table | None]]:
        """Each chunk with its predictions and, with ``actors``, its actor table (``None`` when every row was
        rejected, or without ``actors``), in chunk order."""
        if self.pool is None:
            for chunk in chunks:
                yield chunk, self._submit(chunk), self._submit_actors(chunk)
            return
        pending: deque[tuple[Chunk, Future | None, Future | None]] = deque()

        def result(future: Future | None) -> pa.Table | None:
            return future.result() if future is not None else None

        for chunk in chunks:
            pending.append((chunk, self._submit(chunk), self._submit_actors(chunk)))
            while len(pending) >= 2 * self.jobs:
                done, future, actors = pending.popleft()
                yield done, result(future), result(actors)
        while pending:
            done, future, actors = pending.popleft()
            yield done, result(future), result(actors)


def _fraction(source: Source, sizes: list[int], position: Position) -> float | None:
    if source.fmt == "parquet" or not sum(sizes):
        return None
    return (sum(sizes[: position.file]) + position.offset) / sum(sizes)


def run_local(opts: BatchOptions, log: Callable[[str], None]) -> Summary:
    """Score ``opts.input`` into ``opts.output`` chunk by chunk; publish output and rejects when all is done."""
    out_fmt = table_format(opts.output)
    ext = EXTENSIONS[out_fmt]
    work = WorkDir(opts.output)
    with Scorer(str(opts.models), opts.jobs, opts.scores, opts.actors) as scorer:  # workers start before input threads do
        source = open_source(opts.input)
        scorer.json_columns = source.json_columns
        sizes = [p.stat().st_size for p in source.files]
        version, prediction_schema = scorer.probe(source.columns)
        schema = output_schema(source.schema, prediction_schema)
        actors_schema = actor_schema(source.schema)
        signature = {"inputs": input_signature(source.files), "chunk_size": opts.chunk_size, "model": version,
                     "scores": opts.scores, "output": out_fmt, "actors": opts.actors}
        entries = work.open(signature, opts.resume, log)  # holds the output's lock from here on
        for leftover in [p for dest in (opts.output, rejects_path(opts.output), actors_path(opts.output))
                         for p in join_leftovers(dest)]:
            leftover.unlink(missing_ok=True)  # a run killed while joining its parts: a partial, hidden output
            log(f"removed {leftover.name}, a partial output left by an interrupted run")
        start, totals = resume_point(entries)
        progress = Progress(total=source.total_rows, done=totals["read"], log=log)
        progress.rejected = totals["rejected"]
        try:
            for chunk, predictions, found in scorer.scored(source.chunks(opts.chunk_size, start)):
                table = attach(chunk.table, predictions, prediction_schema)
                if chunk.read != table.num_rows + len(chunk.rejects):  # never publish broken accounting
                    raise RuntimeError(f"chunk {chunk.index}: {chunk.read} rows read, {table.num_rows} scored, "
                                       f"{len(chunk.rejects)} rejected")
                write_part(table, work.part(chunk.index, ext), out_fmt, source.json_columns)
                if chunk.rejects:
                    write_rejects(chunk.rejects, work.rejects_part(chunk.index))
                entry = {"chunk": chunk.index, "end": chunk.end.to_dict(), "read": chunk.read,
                         "scored": table.num_rows, "rejected": len(chunk.rejects)}
                if opts.actors:  # its part is in place before the journal line, like the chunk's own part
                    rows = actor_rows(chunk, found, actors_schema)
                    write_part(rows, work.actors_part(chunk.index, ext), out_fmt,
                               json_columns_of(actors_schema, source.json_columns))
                    entry["actors"] = rows.num_rows
                work.commit(entry)
                entries.append(entry)
                for key in totals:
                    totals[key] += entry[key]
                progress.advance(chunk.read, len(chunk.rejects), _fraction(source, sizes, chunk.end))
        finally:
            progress.close()
    if totals["read"] == 0:
        work.remove()
        raise DataError(str(opts.input), "no data rows")
    actors = actors_path(opts.output) if opts.actors else None
    if actors is not None:  # published before the output, whose appearance means the run is complete
        assemble([work.actors_part(e["chunk"], ext) for e in entries], actors, out_fmt, actors_schema)
    assemble([work.part(e["chunk"], ext) for e in entries], opts.output, out_fmt, schema)
    rejects = rejects_path(opts.output)
    assemble([work.rejects_part(e["chunk"]) for e in entries if e["rejected"]], rejects, "jsonl", schema)
    work.remove()
    return Summary(totals["read"], totals["scored"], totals["rejected"], opts.output, rejects, version, actors,
                   sum(int(e.get("actors", 0)) for e in entries))
