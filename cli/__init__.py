"""The ``newsframe`` command: subcommands and exit codes (see :mod:`newsframe.core.errors`).

The top layer: it may import the core, training and serving; nothing imports it.
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback

from newsframe.cli.queue import add_queue
from newsframe.cli.score import add_score
from newsframe.cli.serve import add_serve
from newsframe.cli.train import add_evaluate, add_train
from newsframe.cli.trends import add_trends
from newsframe.core.errors import EXIT_BAD_INPUT, EXIT_FAILURE, Interrupted, NewsframeError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsframe", description="Topic and framing of news text.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_train(sub)
    add_evaluate(sub)
    add_score(sub)
    add_serve(sub)
    add_queue(sub)
    add_trends(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (argparse usage errors also exit 2)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (NewsframeError, Interrupted) as exc:
        print(f"newsframe {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"newsframe {args.command}: interrupted", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, not a traceback
        if os.environ.get("NEWSFRAME_DEBUG"):
            traceback.print_exc()
        print(f"newsframe {args.command}: internal error: {exc.__class__.__name__}: {exc} "
              "(set NEWSFRAME_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
