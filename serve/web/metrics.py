"""Prometheus metrics: requests and latency by endpoint and status, predictions by label, feedback events by task
and kind, model version.

Each app owns its metric objects in its own ``CollectorRegistry`` (no module-level state). Under gunicorn
``newsframe serve`` sets ``PROMETHEUS_MULTIPROC_DIR`` before prometheus-client is imported, so every worker
writes its values to files there and ``GET /metrics`` adds up all live workers; without that variable
(tests with Flask's client, a single process) the app's own registry is exported.
"""
from __future__ import annotations

import os
import time
from collections import Counter as Tally
from typing import Any, Iterable

from flask import Flask, Response, g, request
from newsframe.core.schema import RESULT_TASKS
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.004, 0.008, 0.015, 0.03, 0.06, 0.125, 0.25, 0.5, 1.0, 2.5, 5.0)


def multiprocess_dir() -> str | None:
    """The multi-process directory prometheus-client uses, if any."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")


class Metrics:
    """The service's metrics and the request hooks that feed them."""

    def __init__(self, model_version: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.model_version = model_version
        self.requests = Counter("newsframe_http_requests_total", "HTTP requests by endpoint, method and status",
                                ["endpoint", "method", "status"], registry=self.registry)
        self.latency = Histogram("newsframe_http_request_duration_seconds", "Request latency by endpoint and status",
                                 ["endpoint", "status"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.predictions = Counter("newsframe_predictions_total", "Predictions served, by task and predicted label",
                                   ["task", "label"], registry=self.registry)
        self.feedback = Counter("newsframe_feedback_events_total", "Feedback events stored, by task and kind "
                                "(label, skip, undo)", ["task", "kind"], registry=self.registry)
        self.model_info = Gauge("newsframe_model_info", "The model version a live worker is serving (value 1)",
                                ["version"], registry=self.registry, multiprocess_mode="livemax")
        self._marked_pid: int | None = None
        # Labelled children, looked up once per label combination (``labels()`` takes a lock and builds keys).
        self._request_children: dict[tuple[str, str, str], tuple[Any, Any]] = {}
        self._prediction_children: dict[tuple[str, str], Any] = {}

    def mark_model(self) -> None:
        """Record this process's model version once per process (after gunicorn forks a worker)."""
        pid = os.getpid()
        if self._marked_pid != pid:
            self.model_info.labels(self.model_version).set(1)
            self._marked_pid = pid

    def count_predictions(self, results: Iterable[dict[str, Any]]) -> None:
        """Count predicted labels per task; error entries are skipped."""
        tally: Tally[tuple[str, str]] = Tally()
        for result in results:
            for task in RESULT_TASKS:
                if task in result:
                    tally[(task, result[task]["label"])] += 1
        for key, n in tally.items():
            child = self._prediction_children.get(key)
            if child is None:
                child = self._prediction_children.setdefault(key, self.predictions.labels(*key))
            child.inc(n)

    def count_feedback(self, task: str, kind: str) -> None:
        """Count one stored feedback event."""
        self.feedback.labels(task, kind).inc()

    def exposition(self) -> Response:
        """The text exposition of every metric (summed over live workers in multi-process mode)."""
        self.mark_model()
        if multiprocess_dir():
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
        else:
            registry = self.registry
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                        headers={"Content-Type": CONTENT_TYPE_LATEST})

    def init_app(self, app: Flask) -> None:
        """Time and count every request the app answers, errors included; a metrics failure never fails one."""

        @app.before_request
        def _start() -> None:
            g.newsframe_started = time.perf_counter()
            try:
                self.mark_model()
            except Exception:  # noqa: BLE001 - observability must not break serving
                app.logger.exception("metrics: cannot record the model version")

        @app.after_request
        def _record(response: Response) -> Response:
            try:
                self._observe(response.status_code, g.get("newsframe_started"))
            except Exception:  # noqa: BLE001 - observability must not break serving
                app.logger.exception("metrics: cannot record the request")
            return response

    def _observe(self, status_code: int, started: float | None) -> None:
        endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
        status = str(status_code)
        method = request.method if request.method in METHODS else "OTHER"  # bounded label values
        key = (endpoint, method, status)
        children = self._request_children.get(key)
        if children is None:
            children = self._request_children.setdefault(
                key, (self.requests.labels(endpoint, method, status), self.latency.labels(endpoint, status)))
        children[0].inc()
        if started is not None:
            children[1].observe(time.perf_counter() - started)
