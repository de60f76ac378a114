"""The gunicorn runner behind ``newsframe serve``: the app under gunicorn, model loaded before fork, reloads without dropped requests.

* The gunicorn master builds the app (and so loads the model) once; workers are forked from it
  (``preload_app``) and share the loaded model's memory copy-on-write.
* **Reload**: ``SIGHUP`` to the master (``kill -HUP <pid>``) loads the version ``latest`` points to *in the
  master*; if that works, gunicorn forks new workers from it and stops the old ones gracefully (they finish
  their requests), so no request is dropped. If the new version cannot be loaded the master logs why and
  keeps the old one. With ``--watch SECONDS`` (default 5; 0 disables) the master checks where ``latest``
  points that often and sends itself ``SIGHUP`` when it moves, so ``newsframe train --out DIR`` is picked
  up by a server on ``DIR`` on its own.
* ``SIGTERM``: with ``--drain SECONDS``, readiness answers 503 for that long while everything is still served
  (:mod:`newsframe.serve.web.shutdown`); then stop accepting, let in-flight requests finish (up to
  ``graceful_timeout``), exit 0. (``SIGINT``/``SIGQUIT`` are gunicorn's quick shutdown.)
* Workers: :class:`~newsframe.serve.web.worker.NewsframeWorker` (gevent: slow or idle clients hold a
  greenlet, not the worker; header and request deadlines; JSON answers for malformed requests), or gthread
  workers with ``--threads N`` > 1.
* Metrics: prometheus-client multi-process mode, in ``$PROMETHEUS_MULTIPROC_DIR`` if set (stale ``*.db``
  files there are removed at start), else in a temporary directory (in /dev/shm when there is one) removed
  at exit.
"""
from __future__ import annotations

import math
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
from newsframe.core.errors import NewsframeError
from newsframe.serve.web.shutdown import DrainFlag, DrainingArbiter

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


def latest_problem(models: Path) -> str | None:
    """Why ``models/latest`` cannot be reloaded now (None when it points to a version with a manifest)."""
    link = models / LATEST
    if not os.path.lexists(link):
        return "is missing"
    if not os.path.exists(link):
        return f"dangles (points to {os.readlink(link)}, which does not exist)" if os.path.islink(link) else "is missing"
    if not os.path.isdir(link):
        return "is not a directory or a link to one"
    if not os.path.isfile(os.path.join(link, "manifest.json")):
        return "points to a directory without manifest.json"
    return None


def _watch_latest(models: Path, interval: float, log: Any) -> None:
    """Master-side thread: SIGHUP ourselves when ``latest`` moves to a complete version.

    When ``latest`` goes wrong (missing, dangling, a file, a directory without manifest) the server keeps its
    model and logs a warning once per distinct problem, not once per check; a good ``latest`` again is logged.
    """
    seen, problem = latest_target(models), None
    while True:
        time.sleep(interval)
        try:
            now = latest_problem(models)
            target = latest_target(models)
        except OSError as exc:  # e.g. the models directory became unreadable
            now, target = f"cannot be read ({exc})", None
        if now is not None:
            if now != problem:
                log.warning("newsframe: %s/%s %s; still serving the loaded model", models, LATEST, now)
            problem = now
            continue
        if problem is not None:
            log.info("newsframe: %s/%s points to a version again (%s)", models, LATEST, os.path.basename(target or ""))
            problem = None
        if target != seen:
            log.info("newsframe: %s/%s moved to %s; reloading", models, LATEST, os.path.basename(target or ""))
            seen = target
            os.kill(os.getpid(), signal.SIGHUP)


class NewsframeServer(BaseApplication):
    """gunicorn application that builds the Flask app in the master (before fork) and again on SIGHUP."""

    def __init__(self, app_config: dict[str, Any], options: dict[str, Any], watch: float = 0.0,
                 request_timeout: float = 0.0, drain: float = 0.0, header_timeout: float = 5.0) -> None:
        self.drain_flag = DrainFlag()  # created before the workers fork, so they all share it
        self.app_config = {**app_config, "DRAINING": self.drain_flag.is_set}
        self.options = options
        self.watch = watch
        self.request_timeout, self.header_timeout = request_timeout, header_timeout  # read by NewsframeWorker
        self.drain = drain
        super().__init__()

    def run(self) -> None:
        """gunicorn's ``BaseApplication.run`` with the draining master."""
        try:
            DrainingArbiter(self, self.drain_flag, self.drain).run()
        except RuntimeError as exc:
            print(f"\nError: {exc}\n", file=sys.stderr, flush=True)
            sys.exit(1)

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
        try:  # the actor dictionary too, here in the master: the workers share it, and no request waits for it
            service.predictor.actors  # noqa: B018
        except NewsframeError as exc:
            print(f"newsframe serve: no actors ({exc}); requests asking for them get 503", file=sys.stderr, flush=True)
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


def gunicorn_options(host: str, port: int, workers: int, threads: int, access_log: bool,
                     header_timeout: float = 5.0) -> dict[str, Any]:
    """The gunicorn settings ``newsframe serve`` uses.

    ``header_timeout`` is gunicorn's ``keepalive`` (whole seconds; 0 turns keep-alive off): with the gevent
    worker, the request line and headers must arrive within it (from the connection's start or the previous
    answer), and an idle connection is closed after it (NewsframeWorker keeps the fraction).
    """
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    worker = "NewsframeThreadWorker" if threads > 1 else "NewsframeWorker"
    return {
        "bind": [bind], "workers": workers, "threads": threads,
        "worker_class": f"newsframe.serve.web.worker.{worker}",
        "preload_app": True, "timeout": 60, "graceful_timeout": 30, "keepalive": math.ceil(header_timeout),
        "accesslog": "-" if access_log else None, "errorlog": "-", "loglevel": "info",
        "proc_name": "newsframe", "control_socket_disable": True,
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
    }


def serve(models: str | Path, host: str = "127.0.0.1", port: int = 8000, workers: int = 2, threads: int = 1,
          watch: float = 5.0, access_log: bool = False, header_timeout: float = 5.0, request_timeout: float = 15.0,
          drain: float = 0.0) -> int:
    """Run until SIGTERM/SIGINT; returns 0 after a graceful stop (gunicorn exits the process itself)."""
    metrics_dir, created = _multiprocess_dir()
    options = {k: v for k, v in gunicorn_options(host, port, workers, threads, access_log, header_timeout).items()
               if v is not None}
    master = os.getpid()
    try:
        NewsframeServer({"MODELS": str(models)}, options, watch=watch, request_timeout=request_timeout,
                        drain=drain, header_timeout=header_timeout).run()
    finally:
        # Forked workers unwind through this frame too when they exit: only the master cleans up.
        if created and os.getpid() == master:
            shutil.rmtree(metrics_dir, ignore_errors=True)
            os.environ.pop(MULTIPROC_ENV, None)
    return 0
