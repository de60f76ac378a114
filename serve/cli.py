"""The ``newsframe`` command: subcommands, exit codes (0 ok, 2 bad input, 1 internal failure)."""
from __future__ import annotations

import argparse
import os
import sys
import traceback

from newsframe.serve.batch.runner import DEFAULT_CHUNK_SIZE, ENGINES
from newsframe.serve.score import score_command
from newsframe.train.cli import add_evaluate, add_train
from newsframe.train.errors import Interrupted, NewsframeError


def add_score(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="score a CSV/JSONL/Parquet file of articles (streaming, resumable, local or Dask)",
                       epilog="exit codes: 0 every row scored; 3 finished, some rows rejected (see <output stem>.rejects.jsonl); "
                              "2 bad usage or input; 1 failure")
    p.add_argument("input", metavar="INPUT", help="a CSV/JSONL/Parquet file, or a directory of same-format part files")
    p.add_argument("--out", required=True, metavar="OUTPUT", help="output file (Dask: directory); its extension picks the format")
    p.add_argument("--models", default="models", metavar="DIR")
    p.add_argument("--scores", action="store_true", help="add one probability column per label")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (Dask local cluster: workers; default 1)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run from its last finished chunk")
    p.add_argument("--engine", choices=ENGINES, default="local", help="local processes or Dask distributed (default: local)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (default: start a local cluster)")
    p.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, metavar="ROWS",
                   help=f"rows per chunk: the unit of work, of resume and of Dask tasks (default {DEFAULT_CHUNK_SIZE})")
    p.set_defaults(handler=score_command)


def _positive(value: str) -> int:
    number = int(value) if value.isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}")
    return number


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--models", default="models", metavar="DIR", help="models directory (with latest) or a version directory")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--workers", type=_positive, default=2, metavar="N", help="worker processes (default: 2)")
    p.add_argument("--threads", type=_positive, default=1, metavar="N", help="threads per worker; >1 uses gthread workers")
    p.add_argument("--watch", type=float, default=5.0, metavar="SECONDS",
                   help="reload when models/latest moves, checked this often (0: only on SIGHUP; default 5)")
    p.add_argument("--access-log", action="store_true", help="log every request to stderr")


def _serve(a: argparse.Namespace, train_first: bool = False) -> int:
    from newsframe.serve.server import ensure_model, serve  # gunicorn and Flask only for these subcommands

    if train_first:
        ensure_model(a.models)
    return serve(a.models, a.host, a.port, a.workers, a.threads, a.watch, a.access_log)


def add_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve predictions over HTTP (gunicorn; SIGHUP reloads the model)")
    _serve_arguments(p)
    p.set_defaults(handler=_serve)
    up = sub.add_parser("up", help="train on the bundled data if --models has no model yet, then serve")
    _serve_arguments(up)
    up.set_defaults(handler=lambda a: _serve(a, train_first=True))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsframe", description="Topic and framing of news text.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_train(sub)
    add_evaluate(sub)
    add_score(sub)
    add_serve(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (argparse usage errors also exit 2)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (NewsframeError, Interrupted) as exc:
        print(f"newsframe {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"newsframe {args.command}: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, not a traceback
        if os.environ.get("NEWSFRAME_DEBUG"):
            traceback.print_exc()
        print(f"newsframe {args.command}: internal error: {exc.__class__.__name__}: {exc} "
              "(set NEWSFRAME_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
