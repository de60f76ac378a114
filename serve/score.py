"""File scoring entry points: ``score_file`` for Python callers and the ``newsframe score`` handler.

The work is done by :mod:`newsframe.serve.batch` (streaming, chunked, crash-safe, local or Dask); see
``serve/BATCH.md``. Exit codes of the command: 0 all rows scored, 3 finished with rejected rows,
2 bad usage or input, 1 failure.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from newsframe.serve.batch.runner import DEFAULT_CHUNK_SIZE, BatchOptions, Summary, run


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def score_file(input_path: str | Path, output_path: str | Path, models: str | Path, scores: bool = False,
               log: Callable[[str], None] = _stderr, *, jobs: int = 1, resume: bool = False, engine: str = "local",
               scheduler: str | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Summary:
    """Score a file (or a directory of parts) into ``output_path``; rows that cannot be scored are rejected.

    Returns the :class:`Summary` (rows read / scored / rejected, paths, model version).
    """
    options = BatchOptions(Path(input_path), Path(output_path), Path(models), scores=scores, jobs=jobs,
                           resume=resume, engine=engine, scheduler=scheduler, chunk_size=chunk_size)
    return run(options, log)


def score_command(args: argparse.Namespace) -> int:
    """``newsframe score``: run, print the summary line, return 0 (all scored) or 3 (some rows rejected)."""
    summary = score_file(args.input, args.out, args.models, scores=args.scores, jobs=args.jobs, resume=args.resume,
                         engine=args.engine, scheduler=args.scheduler, chunk_size=args.chunk_size)
    print(summary.line(), flush=True)
    return summary.exit_code
