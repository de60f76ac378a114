"""Batch scoring: streaming, chunked, crash-safe scoring of CSV/JSONL/Parquet files, locally or on Dask.

Modules, one job each:

- ``rows``: per-row checks (model text or the reason a row cannot be scored) and JSON-safe values.
- ``textfiles``: record-level reading of CSV and JSON Lines, one bad line never stops the file.
- ``source``: an input (file or directory) as a fixed schema plus a stream of fixed-size chunks.
- ``writers``: chunk part files and their assembly into the final output, atomically.
- ``journal``: the work directory beside the output, the run signature and the finished-chunk journal.
- ``predict``: the model once per process, predictions as Arrow columns.
- ``progress``: a tqdm bar on a terminal, plain log lines otherwise.
- ``local``: the local engine (one process or a pool of ``--jobs`` processes).
- ``dask_engine``: the same chunks as Dask tasks on a ``dask.distributed`` cluster.
- ``runner``: options, checks, the summary and its exit code.
"""
