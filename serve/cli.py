"""The ``newsframe`` command: subcommands, exit codes (0 ok, 2 bad input, 1 internal failure)."""
from __future__ import annotations

import argparse
import os
import sys
import traceback

from newsframe.serve.score import score_file
from newsframe.train.cli import add_evaluate, add_train
from newsframe.train.errors import NewsframeError
from newsframe.train.trainer import Interrupted


def add_score(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="score a CSV/JSONL/Parquet file of articles")
    p.add_argument("input", metavar="INPUT")
    p.add_argument("--out", required=True, metavar="OUTPUT", help="output file; its extension picks the format")
    p.add_argument("--models", default="models", metavar="DIR")
    p.add_argument("--scores", action="store_true", help="add one probability column per label")
    p.set_defaults(handler=lambda a: 0 if score_file(a.input, a.out, a.models, scores=a.scores) else 1)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsframe", description="Topic and framing of news text.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_train(sub)
    add_evaluate(sub)
    add_score(sub)
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
