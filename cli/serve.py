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


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {value!r}")
    return port


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86400:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"expected a number of seconds (0 or more), got {value!r}")
    return seconds


def _some_seconds(value: str) -> float:
    seconds = _seconds(value)
    if seconds == 0:
        raise argparse.ArgumentTypeError("expected a number of seconds above 0, got '0'")
    return seconds


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--models", default="models", metavar="DIR", help="models directory (with latest) or a version directory")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8000, help="port (default: 8000)")
    p.add_argument("--workers", type=_positive, default=2, metavar="N", help="worker processes (default: 2)")
    p.add_argument("--threads", type=_positive, default=1, metavar="N",
                   help="threads per worker; >1 uses gthread workers instead of gevent (each slow client then holds a thread)")
    p.add_argument("--header-timeout", type=_some_seconds, default=5.0, metavar="SECONDS",
                   help="request line and headers must arrive within this; idle connections are closed after it (default 5)")
    p.add_argument("--request-timeout", type=_seconds, default=15.0, metavar="SECONDS",
                   help="then the body must arrive and the answer be taken within this, else 408 (default 15; 0: none)")
    p.add_argument("--drain", type=_seconds, default=0.0, metavar="SECONDS",
                   help="on SIGTERM, answer /readyz with 503 for this long, still serving, before stopping (default 0)")
    p.add_argument("--watch", type=_seconds, default=5.0, metavar="SECONDS",
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
    return serve(args.models, args.host, args.port, args.workers, args.threads, args.watch, args.access_log,
                 header_timeout=args.header_timeout, request_timeout=args.request_timeout, drain=args.drain)


def add_serve(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve predictions over HTTP (gunicorn; SIGHUP reloads the model)")
    _serve_arguments(p)
    p.set_defaults(handler=run_serve)
    up = sub.add_parser("up", help="train on the bundled data if --models has no model yet, then serve")
    _serve_arguments(up)
    up.set_defaults(handler=lambda a: run_serve(a, train_first=True))
