"""Run a batch scoring job: check the options, then hand the work to the local or the Dask engine."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from newsframe.core.errors import writing
from newsframe.serve.batch.options import DEFAULT_CHUNK_SIZE, BatchOptions, Summary, check


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run(opts: BatchOptions, log: Callable[[str], None] = _stderr) -> Summary:
    """Check the options and run the chosen engine."""
    opts = check(opts)
    with writing(opts.output):  # a full disk names the output (or the file the error names), not just errno 28
        if opts.engine == "dask":
            from newsframe.serve.batch.engine_dask import run_dask  # distributed is imported only for Dask runs

            return run_dask(opts, log)
        from newsframe.serve.batch.engine_local import run_local

        return run_local(opts, log)


def score_file(input_path: str | Path, output_path: str | Path, models: str | Path, scores: bool = False,
               log: Callable[[str], None] = _stderr, *, jobs: int = 1, resume: bool = False, engine: str = "local",
               scheduler: str | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE, actors: bool = False) -> Summary:
    """Score a file (or a directory of parts) into ``output_path``; rows that cannot be scored are rejected.

    With ``actors`` the actors file (``<output stem>.actors.<ext>``) is written too.
    Returns the :class:`Summary` (rows read / scored / rejected, paths, model version).
    """
    options = BatchOptions(Path(input_path), Path(output_path), Path(models), scores=scores, jobs=jobs,
                           resume=resume, engine=engine, scheduler=scheduler, chunk_size=chunk_size, actors=actors)
    return run(options, log)
