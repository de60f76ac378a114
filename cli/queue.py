"""``newsframe queue add``: score a file and queue its most useful items for labelling (:mod:`newsframe.serve.queueing`)."""
from __future__ import annotations

import argparse

from newsframe.cli.serve import _positive


def _share(value: str) -> float:
    try:
        share = float(value)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share from 0 to 1, got {value!r}")
    return share


def add_queue(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("queue", help="the labelling queue (see /label on the server)")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="score a file and queue the items whose labels would teach the model most")
    add.add_argument("input", metavar="INPUT", help="a CSV/JSONL/Parquet file of articles (text, or headline/body)")
    add.add_argument("--size", type=_positive, default=100, metavar="N", help="items to queue (default 100)")
    add.add_argument("--second-share", type=_share, default=0.1, metavar="SHARE",
                     help="share of them queued for a second annotator, to measure agreement (default 0.1)")
    add.add_argument("--models", default="models", metavar="DIR", help="models directory or version directory")
    add.add_argument("--db", metavar="URL", help="feedback database URL (default: $NEWSFRAME_DB, else an SQLite file "
                                                 "beside --models)")
    add.add_argument("--seed", type=int, default=0, help="seed for picking the doubly-labelled share")
    add.set_defaults(handler=run_queue_add)


def run_queue_add(args: argparse.Namespace) -> int:
    from newsframe.core.feedback import FeedbackStore, database_url
    from newsframe.serve.predictor import Predictor
    from newsframe.serve.queueing import queue_file

    predictor = Predictor.load(args.models)
    store = FeedbackStore.open(database_url(args.models, args.db))
    try:
        summary = queue_file(args.input, predictor, store, args.size, args.second_share, args.seed)
    finally:
        store.close()
    print(f"newsframe queue: {summary.line()} (database {store.url})", flush=True)
    return 0
