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
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (e.g. tcp://host:8786): train streaming, "
                   "hashing the text on the cluster's workers")
    p.add_argument("--feedback", action="store_true", help="merge the feedback database's current labels (a human "
                   "label beats a bundled one) and compare with the current version on held-out feedback")
    p.add_argument("--db", metavar="URL", help="feedback database URL (default: $NEWSFRAME_DB, else an SQLite file "
                                               "beside --out)")
    p.add_argument("--promote-if-better", action="store_true",
                   help="with --feedback: move latest only if the new version is not worse on the held-out feedback")
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

    config = load_config(args.config)
    if args.feedback or args.promote_if_better or args.db:
        return run_train_feedback(args, config)
    if not args.scheduler:
        train(args.data, config, args.out)
        return 0
    from distributed import Client
    from newsframe.core.errors import ConfigError

    try:
        client = Client(args.scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"--scheduler {args.scheduler}: cannot connect ({exc})") from None
    with client:
        train(args.data, config, args.out, executor=client)
    return 0


def run_train_feedback(args: argparse.Namespace, config: object) -> int:
    """``train --feedback``: the database is read once at the start and never written."""
    from newsframe.core.errors import ConfigError
    from newsframe.core.feedback import FeedbackStore, database_url
    from newsframe.train.feedback import FeedbackMerge
    from newsframe.train.trainer import train

    if not args.feedback:
        raise ConfigError("--db and --promote-if-better need --feedback")
    if args.scheduler:
        raise ConfigError("--feedback works with in-memory training only, not with --scheduler")
    store = FeedbackStore.open(database_url(args.out, args.db))
    try:
        merge = FeedbackMerge(store)
    finally:
        store.close()
    train(args.data, config, args.out, feedback=merge, promote_if_better=args.promote_if_better)  # type: ignore[arg-type]
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from newsframe.train.evaluate import evaluate

    evaluate(args.models, args.data, args.out)
    return 0
