"""``newsframe train`` and ``newsframe evaluate`` (argument parsing; the work is in :mod:`newsframe.train`)."""
from __future__ import annotations

import argparse

# The trainer and evaluator (scikit-learn, matplotlib) are imported by the handlers, not here, so that
# `newsframe score` and `newsframe --help` do not pay for them at start-up.


def add_train(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train topic and framing models and publish a new version")
    p.add_argument("--data", nargs="+", metavar="FILE", help="labelled CSV/JSONL/Parquet files (default: the bundled data)")
    p.add_argument("--config", metavar="FILE", help="TOML training config (default: built-in search space)")
    p.add_argument("--out", default="models", metavar="DIR", help="models directory (default: models)")
    p.set_defaults(handler=run_train)


def add_evaluate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="evaluate a trained version on a labelled file")
    p.add_argument("--models", default="models", metavar="DIR", help="models directory or version directory")
    p.add_argument("--data", nargs="+", required=True, metavar="FILE", help="labelled CSV/JSONL/Parquet files")
    p.add_argument("--out", metavar="DIR", help="report directory (default: evaluation-<version>)")
    p.set_defaults(handler=run_evaluate)


def run_train(args: argparse.Namespace) -> int:
    from newsframe.train.config import load_config
    from newsframe.train.trainer import train

    train(args.data, load_config(args.config), args.out)
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from newsframe.train.evaluate import evaluate

    evaluate(args.models, args.data, args.out)
    return 0
