"""``newsframe serve`` and ``newsframe up`` (train on the bundled data if there is no model yet, then serve)."""
from __future__ import annotations

import argparse
from pathlib import Path

from newsframe.core.schema import positive_int


def _positive(value: str) -> int:
    try:
        return positive_int(value, "value")
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value!r}") from None


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--models", default="models", metavar="DIR", help="models directory (with latest) or a version directory")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--workers", type=_positive, default=2, metavar="N", help="worker processes (default: 2)")
    p.add_argument("--threads", type=_positive, default=1, metavar="N", help="threads per worker; >1 uses gthread workers")
    p.add_argument("--watch", type=float, default=5.0, metavar="SECONDS",
                   help="reload when models/latest moves, checked this often (0: only on SIGHUP; default 5)")
    p.add_argument("--access-log", action="store_true", help="log every request to stderr")


def ensure_model(models: str | Path) -> None:
    """Train on the bundled data with the default config unless ``models`` already has a version."""
    from newsframe.core.artifacts import resolve_version
    from newsframe.core.errors import ArtifactError

    try:
        resolve_version(models)
    except ArtifactError:
        from newsframe.train.config import TrainConfig
        from newsframe.train.trainer import train

        print(f"newsframe up: no model in {models}; training one on the bundled data (about a minute) ...", flush=True)
        train(None, TrainConfig(), models)


def run_serve(args: argparse.Namespace, train_first: bool = False) -> int:
    from newsframe.serve.web.gunicorn_runner import serve  # gunicorn and Flask only for these subcommands

    if train_first:
        ensure_model(args.models)
    return serve(args.models, args.host, args.port, args.workers, args.threads, args.watch, args.access_log)


def add_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve predictions over HTTP (gunicorn; SIGHUP reloads the model)")
    _serve_arguments(p)
    p.set_defaults(handler=run_serve)
    up = sub.add_parser("up", help="train on the bundled data if --models has no model yet, then serve")
    _serve_arguments(up)
    up.set_defaults(handler=lambda a: run_serve(a, train_first=True))
