"""Batch scoring: streaming, chunked, crash-safe scoring of CSV/JSONL/Parquet files, locally or on Dask.

Modules, one job each:

- ``run``: the entry point (``score_file``, ``run``): checks the options and picks the engine.
- ``options``: options, their checks, the summary and its exit code.
- ``source``: an input (file or directory) as a fixed schema plus a stream of fixed-size chunks; it reads through
  ``textfiles`` (CSV and JSON Lines, record by record) and ``parquetfiles``, and checks rows with ``rows``.
- ``predictions``: a process's model and its predictions as Arrow columns.
- ``writers``: chunk part files and their assembly into the final output, atomically.
- ``journal``: the work directory beside the output, the run signature and the finished-chunk journal.
- ``progress``: a tqdm bar on a terminal, plain log lines otherwise.
- ``engine_local``: one process or a pool of ``--jobs`` processes.
- ``engine_dask``: the same chunks as Dask tasks on a ``dask.distributed`` cluster.
"""
