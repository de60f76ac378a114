"""The local engine: stream chunks through one process (``--jobs 1``) or a pool of ``--jobs N`` processes.

The main process reads and checks rows and writes parts; workers (each with the model loaded once) only
turn texts into prediction columns. At most ``2 * jobs`` chunks are in flight and results are taken in
chunk order, so memory stays flat and the output order is the input order whatever finishes first.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable, Iterator

import pyarrow as pa

from newsframe.serve.batch.journal import WorkDir, input_signature, resume_point
from newsframe.serve.batch.predict import attach, init_worker, predict_table, probe
from newsframe.serve.batch.progress import Progress
from newsframe.serve.batch.runner import BatchOptions, Summary, rejects_path
from newsframe.serve.batch.source import Chunk, Position, Source, open_source
from newsframe.serve.batch.writers import EXTENSIONS, assemble, output_schema, write_part, write_rejects
from newsframe.train.errors import DataError
from newsframe.train.tables import table_format


class Scorer:
    """Predictions for chunks, in order: in this process, or on a spawned pool with one model per worker."""

    def __init__(self, models: str, jobs: int, scores: bool, columns: list[str]) -> None:
        self.models, self.jobs, self.scores, self.columns = models, jobs, scores, columns
        self.pool: ProcessPoolExecutor | None = None
        self.schema: pa.Schema | None = None

    def __enter__(self) -> "Scorer":
        if self.jobs > 1:
            self.pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=init_worker, initargs=(self.models, os.getpid()))
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=exc[0] is None, cancel_futures=True)

    def probe(self) -> tuple[str, pa.Schema]:
        """Model version and prediction schema (asked of a worker, so the main process never loads the model).

        With a pool, every worker is asked at once: a spawn-context pool starts a worker only when a task finds
        none idle, so asking one would leave the others to start (and load the model) after the first chunks.
        """
        args = (self.models, self.scores, self.columns)
        if self.pool is None:
            version, self.schema = probe(*args)
        else:
            answers = [self.pool.submit(probe, *args) for _ in range(self.jobs)]
            version, self.schema = answers[0].result()
            for answer in answers[1:]:
                answer.result()  # the same model and schema in every worker; a failure surfaces here, not later
        return version, self.schema

    def _submit(self, chunk: Chunk) -> Future | pa.Table | None:
        if not chunk.texts:
            return None
        args = (self.models, chunk.texts, self.scores, self.columns, self.schema)
        return self.pool.submit(predict_table, *args) if self.pool else predict_table(*args)

    def scored(self, chunks: Iterator[Chunk]) -> Iterator[tuple[Chunk, pa.Table | None]]:
        """Each chunk with its predictions (``None`` when every row was rejected), in chunk order."""
        if self.pool is None:
            for chunk in chunks:
                yield chunk, self._submit(chunk)
            return
        pending: deque[tuple[Chunk, Future | None]] = deque()
        for chunk in chunks:
            pending.append((chunk, self._submit(chunk)))
            while len(pending) >= 2 * self.jobs:
                done, future = pending.popleft()
                yield done, future.result() if future is not None else None
        while pending:
            done, future = pending.popleft()
            yield done, future.result() if future is not None else None


def _fraction(source: Source, sizes: list[int], position: Position) -> float | None:
    if source.fmt == "parquet" or not sum(sizes):
        return None
    return (sum(sizes[: position.file]) + position.offset) / sum(sizes)


def run_local(opts: BatchOptions, log: Callable[[str], None]) -> Summary:
    """Score ``opts.input`` into ``opts.output`` chunk by chunk; publish output and rejects when all is done."""
    source = open_source(opts.input)
    out_fmt = table_format(opts.output)
    ext = EXTENSIONS[out_fmt]
    work = WorkDir(opts.output)
    sizes = [p.stat().st_size for p in source.files]
    with Scorer(str(opts.models), opts.jobs, opts.scores, source.columns) as scorer:
        version, prediction_schema = scorer.probe()
        schema = output_schema(source.schema, prediction_schema)
        signature = {"inputs": input_signature(source.files), "chunk_size": opts.chunk_size, "model": version,
                     "scores": opts.scores, "output": out_fmt}
        entries = work.open(signature, opts.resume, log)
        start, totals = resume_point(entries)
        progress = Progress(total=source.total_rows, done=totals["read"], log=log)
        progress.rejected = totals["rejected"]
        try:
            for chunk, predictions in scorer.scored(source.chunks(opts.chunk_size, start)):
                table = attach(chunk.table, predictions, prediction_schema)
                if chunk.read != table.num_rows + len(chunk.rejects):  # never publish broken accounting
                    raise RuntimeError(f"chunk {chunk.index}: {chunk.read} rows read, {table.num_rows} scored, "
                                       f"{len(chunk.rejects)} rejected")
                write_part(table, work.part(chunk.index, ext), out_fmt, source.json_columns)
                if chunk.rejects:
                    write_rejects(chunk.rejects, work.rejects_part(chunk.index))
                entry = {"chunk": chunk.index, "end": chunk.end.to_dict(), "read": chunk.read,
                         "scored": table.num_rows, "rejected": len(chunk.rejects)}
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
    assemble([work.part(e["chunk"], ext) for e in entries], opts.output, out_fmt, schema)
    rejects = rejects_path(opts.output)
    assemble([work.rejects_part(e["chunk"]) for e in entries if e["rejected"]], rejects, "jsonl", schema)
    work.remove()
    return Summary(totals["read"], totals["scored"], totals["rejected"], opts.output, rejects, version)
