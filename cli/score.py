"""``newsframe score``: score a file of articles (the work is done by :mod:`newsframe.serve.batch`)."""
from __future__ import annotations

import argparse

from newsframe.core.errors import EXIT_REJECTS
from newsframe.serve.batch.options import DEFAULT_CHUNK_SIZE, ENGINES
from newsframe.serve.batch.run import score_file


def add_score(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="score a CSV/JSONL/Parquet file of articles (streaming, resumable, local or Dask)",
                       epilog=f"exit codes: 0 every row scored; {EXIT_REJECTS} finished, some rows rejected "
                              "(see <output stem>.rejects.jsonl); 2 bad usage or input; 1 failure")
    p.add_argument("input", metavar="INPUT", help="a CSV/JSONL/Parquet file, or a directory of same-format part files")
    p.add_argument("--out", required=True, metavar="OUTPUT", help="output file (Dask: directory); its extension picks the format")
    p.add_argument("--models", default="models", metavar="DIR")
    p.add_argument("--scores", action="store_true", help="add one probability column per label")
    p.add_argument("--actors", action="store_true",
                   help="also write <OUTPUT stem>.actors.<ext>: one row per (input row, actor) with role and framing")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (Dask local cluster: workers; default 1)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run from its last finished chunk")
    p.add_argument("--engine", choices=ENGINES, default="local", help="local processes or Dask distributed (default: local)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (default: start a local cluster)")
    p.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, metavar="ROWS",
                   help=f"rows per chunk: the unit of work, of resume and of Dask tasks (default {DEFAULT_CHUNK_SIZE})")
    p.set_defaults(handler=run_score)


def run_score(args: argparse.Namespace) -> int:
    """Run, print the summary line, return 0 (all scored) or 3 (some rows rejected)."""
    summary = score_file(args.input, args.out, args.models, scores=args.scores, jobs=args.jobs, resume=args.resume,
                         engine=args.engine, scheduler=args.scheduler, chunk_size=args.chunk_size, actors=args.actors)
    print(summary.line(), flush=True)
    return summary.exit_code
