"""The Dask engine: the local engine's chunks as tasks on a ``dask.distributed`` cluster.

The client makes one light pass over the input to find where every chunk starts (the same chunks the
local engine cuts), then maps one task per chunk. Each task reads its chunk, scores it with the model
its worker loaded once, and writes ``part-NNNNN.<ext>`` (each CSV part with its header) into a temporary
directory beside the output, which is renamed into place when every task has succeeded. Rejects are
gathered into ``<output stem>.rejects.jsonl`` in row order. Input, output and models must be on a
filesystem every worker sees under the same paths, and workers need newsframe installed.
"""
from __future__ import annotations

import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import pyarrow as pa
from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin
from newsframe.core.errors import DataError
from newsframe.core.tables import table_format
from newsframe.serve.batch.actorrows import (actor_rows, actor_schema, actor_table, actors_path, json_columns_of,
                                             published_values)
from newsframe.serve.batch.options import BatchOptions, Summary, rejects_path
from newsframe.serve.batch.predictions import attach, load_predictor, predict_table, probe
from newsframe.serve.batch.progress import Progress
from newsframe.serve.batch.source import Position, Source, open_source
from newsframe.serve.batch.writers import EXTENSIONS, assemble, output_schema, sync_dir, write_part, write_rejects

if TYPE_CHECKING:
    from newsframe.serve.predictor import Predictor


def part_name(index: int, fmt: str) -> str:
    return f"part-{index:05d}{EXTENSIONS[fmt]}"


def score_partition(position: Position, source: Source, scores: bool, prediction_schema: pa.Schema,
                    folder: str, fmt: str, chunk_size: int, actors_folder: str | None = None) -> dict[str, int]:
    """One Dask task: read the chunk at ``position``, score it, write its part (and rejects) into ``folder``, and
    with ``actors_folder`` its actors part there."""
    chunk = next(source.chunks(chunk_size, position, limit=1))
    predictions = None
    if chunk.texts:
        predictions = predict_table(dask_predictor(), chunk.texts, scores, source.columns, prediction_schema)
    table = attach(chunk.table, predictions, prediction_schema)
    write_part(table, Path(folder) / part_name(chunk.index, fmt), fmt, source.json_columns, header=True)
    if chunk.rejects:
        write_rejects(chunk.rejects, Path(folder) / f"_rejects-{chunk.index:05d}.jsonl")
    result = {"chunk": chunk.index, "read": chunk.read, "scored": table.num_rows, "rejected": len(chunk.rejects)}
    if actors_folder is not None:
        schema = actor_schema(source.schema)
        found = None
        if chunk.texts:
            found = actor_table(dask_predictor(), chunk.texts, published_values(chunk, source.json_columns))
        rows = actor_rows(chunk, found, schema)
        write_part(rows, Path(actors_folder) / part_name(chunk.index, fmt), fmt,
                   json_columns_of(schema, source.json_columns), header=True)
        result["actors"] = rows.num_rows
    return result


class ModelPlugin(WorkerPlugin):
    """Each Dask worker loads the version once, when the plugin is registered, and keeps it (``predictor``)."""

    name = "newsframe-model"

    def __init__(self, version_dir: str) -> None:
        self.version_dir = version_dir
        self.predictor: Predictor | None = None
        self.error: Exception | None = None

    def setup(self, worker: Any) -> None:
        try:
            self.predictor = load_predictor(self.version_dir)
        except Exception as exc:  # noqa: BLE001 - raised again by the probe task, with its real type
            self.error = exc


def dask_predictor() -> Predictor:
    """The model held by the ``ModelPlugin`` of the worker running this task."""
    plugin = get_worker().plugins[ModelPlugin.name]
    if plugin.error is not None:
        raise plugin.error
    return plugin.predictor


def probe_task(scores: bool, columns: list[str]) -> tuple[str, pa.Schema]:
    """Model version and prediction schema, from a worker's model (its load error, if loading failed)."""
    return probe(dask_predictor(), scores, columns)


@contextmanager
def connect(scheduler: str | None, workers: int, log: Callable[[str], None]) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a new local cluster of ``workers`` processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            log(f"dask: connected to {scheduler} ({len(client.scheduler_info()['workers'])} workers)")
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            log(f"dask: started a local cluster of {workers} worker process(es)")
            yield client


def _publish_dir(tmp: Path, dest: Path) -> None:
    """Move the finished directory into place; an older output directory is replaced."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{uuid.uuid4().hex[:8]}")
        dest.rename(old)
    tmp.rename(dest)
    sync_dir(dest.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_dask(opts: BatchOptions, log: Callable[[str], None]) -> Summary:
    """Score on Dask; the output is a directory of parts in the format its extension names."""
    from distributed import as_completed

    source = open_source(opts.input)
    fmt = table_format(opts.output)
    positions, total = source.positions(opts.chunk_size)
    if not positions:
        raise DataError(str(opts.input), "no data rows")
    tmp = opts.output.with_name(f".{opts.output.name}.newsframe-tmp-{uuid.uuid4().hex[:8]}")
    tmp.mkdir()
    actors = actors_path(opts.output) if opts.actors else None
    actors_tmp = None if actors is None else actors.with_name(f".{actors.name}.newsframe-tmp-{uuid.uuid4().hex[:8]}")
    try:
        if actors_tmp is not None:
            actors_tmp.mkdir()
        with connect(opts.scheduler, opts.jobs, log) as client:
            client.register_plugin(ModelPlugin(str(opts.models)))  # every worker loads the model now, in parallel
            version, prediction_schema = client.submit(probe_task, opts.scores, source.columns, pure=False).result()
            output_schema(source.schema, prediction_schema)  # refuses colliding column names
            futures = client.map(score_partition, positions, source=source, scores=opts.scores, prediction_schema=prediction_schema, folder=str(tmp), fmt=fmt,
                                 chunk_size=opts.chunk_size, actors_folder=None if actors_tmp is None else str(actors_tmp),
                                 pure=False)
            progress, results = Progress(total=total, log=log), []
            try:
                for future in as_completed(futures):
                    result = future.result()
                    results.append(result)
                    progress.advance(result["read"], result["rejected"])
            finally:
                progress.close()
        results.sort(key=lambda r: r["chunk"])
        totals = {k: sum(r[k] for r in results) for k in ("read", "scored", "rejected")}
        rejects = rejects_path(opts.output)
        summary = Summary(totals["read"], totals["scored"], totals["rejected"], opts.output, rejects, version, actors,
                          sum(r.get("actors", 0) for r in results))
        if len(results) != len(positions) or summary.read != total:
            raise RuntimeError(f"{len(results)} of {len(positions)} chunks, {summary.read} of {total} rows came back")
        reject_parts = [tmp / f"_rejects-{r['chunk']:05d}.jsonl" for r in results if r["rejected"]]
        assemble(reject_parts, rejects, "jsonl", source.schema)
        for part in reject_parts:
            part.unlink()
        if actors is not None and actors_tmp is not None:  # before the output, whose appearance means complete
            _publish_dir(actors_tmp, actors)
        _publish_dir(tmp, opts.output)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if actors_tmp is not None:
            shutil.rmtree(actors_tmp, ignore_errors=True)
        raise
    return summary
