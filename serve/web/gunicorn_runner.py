"""The gunicorn runner behind ``newsframe serve``: the app under gunicorn, model loaded before fork, reloads without dropped requests.

* The gunicorn master builds the app (and so loads the model) once; workers are forked from it
  (``preload_app``) and share the loaded model's memory copy-on-write.
* **Reload**: ``SIGHUP`` to the master (``kill -HUP <pid>``) loads the version ``latest`` points to *in the
  master*; if that works, gunicorn forks new workers from it and stops the old ones gracefully (they finish
  their requests), so no request is dropped. If the new version cannot be loaded the master logs why and
  keeps the old one. With ``--watch SECONDS`` (default 5; 0 disables) the master checks where ``latest``
  points that often and sends itself ``SIGHUP`` when it moves, so ``newsframe train --out DIR`` is picked
  up by a server on ``DIR`` on its own.
* ``SIGTERM``: stop accepting, let in-flight requests finish (up to ``graceful_timeout``), exit 0.
  (``SIGINT``/``SIGQUIT`` are gunicorn's quick shutdown.)
* Metrics: prometheus-client multi-process mode, in ``$PROMETHEUS_MULTIPROC_DIR`` if set (stale ``*.db``
  files there are removed at start), else in a temporary directory (in /dev/shm when there is one) removed
  at exit.
"""
from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication
from newsframe.core.artifacts import LATEST

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def _child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess  # imported after the multi-process directory is set

    multiprocess.mark_process_dead(worker.pid)


def _worker_exit(server: Any, worker: Any) -> None:
    """In an exiting worker, skip the interpreter's teardown: freeing the forked model takes about a second
    and touches every shared page (so old workers would briefly double the memory during a reload)."""
    if os.getpid() != worker.pid:
        return  # the master also calls this hook for workers that are already gone
    exc = sys.exc_info()[1]  # gunicorn calls the hook while the worker's SystemExit unwinds
    if isinstance(exc, SystemExit) and isinstance(exc.code, int):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exc.code)


def latest_target(models: Path) -> str | None:
    """Where ``models/latest`` points now (None when there is no ``latest`` there)."""
    link = models / LATEST
    return os.path.realpath(link) if os.path.lexists(link) else None


def _watch_latest(models: Path, interval: float, log: Any) -> None:
    """Master-side thread: SIGHUP ourselves when ``latest`` moves to a complete version."""
    seen = latest_target(models)
    while True:
        time.sleep(interval)
        target = latest_target(models)
        if target != seen and target is not None and os.path.isfile(os.path.join(target, "manifest.json")):
            log.info("newsframe: %s/%s moved to %s; reloading", models, LATEST, os.path.basename(target))
            seen = target
            os.kill(os.getpid(), signal.SIGHUP)


class NewsframeServer(BaseApplication):
    """gunicorn application that builds the Flask app in the master (before fork) and again on SIGHUP."""

    def __init__(self, app_config: dict[str, Any], options: dict[str, Any], watch: float = 0.0) -> None:
        self.app_config = app_config
        self.options = options
        self.watch = watch
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("child_exit", _child_exit)
        self.cfg.set("worker_exit", _worker_exit)
        self.cfg.set("when_ready", self._when_ready)

    def load(self) -> Any:
        from newsframe.serve.web.app import create_app  # imported here: after PROMETHEUS_MULTIPROC_DIR is set

        app = create_app(self.app_config)
        service = app.extensions["newsframe"]
        print(f"newsframe serve: loaded model version {service.predictor.version} from {service.predictor.model.path}",
              file=sys.stderr, flush=True)
        return app

    def reload(self) -> None:
        """On SIGHUP: reload the config, then the model; keep serving the old one if the new one fails."""
        super().reload()
        try:
            self.callable = self.load()
        except Exception as exc:  # noqa: BLE001 - a bad new version must not take the server down
            print(f"newsframe serve: reload failed, still serving the previous model: {exc}", file=sys.stderr, flush=True)

    def _when_ready(self, server: Any) -> None:
        models = Path(self.app_config["MODELS"])
        if self.watch > 0 and not getattr(self, "_watching", False) and latest_target(models) is not None:
            self._watching = True
            threading.Thread(target=_watch_latest, args=(models, self.watch, server.log),
                             name="newsframe-watch-latest", daemon=True).start()


def _multiprocess_dir() -> tuple[Path, bool]:
    """The metrics directory and whether we created it (then we remove it at exit)."""
    existing = os.environ.get(MULTIPROC_ENV)
    if existing:
        path = Path(existing)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        return path, False
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    path = Path(tempfile.mkdtemp(prefix="newsframe-metrics-", dir=shm))  # memory-backed: workers mmap these
    os.environ[MULTIPROC_ENV] = str(path)
    return path, True


def gunicorn_options(host: str, port: int, workers: int, threads: int, access_log: bool) -> dict[str, Any]:
    """The gunicorn settings ``newsframe serve`` uses."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": [bind], "workers": workers, "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "preload_app": True, "timeout": 60, "graceful_timeout": 30, "keepalive": 5,
        "accesslog": "-" if access_log else None, "errorlog": "-", "loglevel": "info",
        "proc_name": "newsframe", "control_socket_disable": True,
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
    }


def serve(models: str | Path, host: str = "127.0.0.1", port: int = 8000, workers: int = 2, threads: int = 1,
          watch: float = 5.0, access_log: bool = False) -> int:
    """Run until SIGTERM/SIGINT; returns 0 after a graceful stop (gunicorn exits the process itself)."""
    metrics_dir, created = _multiprocess_dir()
    options = {k: v for k, v in gunicorn_options(host, port, workers, threads, access_log).items() if v is not None}
    master = os.getpid()
    try:
        NewsframeServer({"MODELS": str(models)}, options, watch=watch).run()
    finally:
        # Forked workers unwind through this frame too when they exit: only the master cleans up.
        if created and os.getpid() == master:
            shutil.rmtree(metrics_dir, ignore_errors=True)
            os.environ.pop(MULTIPROC_ENV, None)
    return 0
