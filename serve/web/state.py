"""What one app instance serves: the loaded predictor, its limits, metrics and derived documents."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from newsframe.core.feedback import FeedbackStore, FeedbackTask, feedback_tasks
from newsframe.serve.predictor import Predictor
from newsframe.serve.web.metrics import Metrics
from newsframe.serve.web.openapi import build_openapi
from newsframe.serve.web.openapi_feedback import add_feedback
from newsframe.serve.web.validation import Limits

EXTENSION = "newsframe"


def model_info(predictor: Predictor, limits: Limits) -> dict[str, Any]:
    """The public part of the manifest: labels and held-out metrics per task, data fingerprint, created.

    Server paths are reduced to file names; nothing here names the server's directories.
    """
    manifest = predictor.model.manifest
    data = manifest.get("data", {})
    return {
        "version": predictor.version,
        "created": str(manifest.get("created", "")),
        "posture": predictor.has_posture,
        "posture_threshold": predictor.none_threshold,
        "tasks": {task: {"labels": list(info.get("labels", [])), "metrics": info.get("metrics", {}).get("held_out", {})}
                  for task, info in manifest["tasks"].items()},
        "data": {"fingerprint": str(data.get("fingerprint", "")), "rows": data.get("rows", {}),
                 "files": [{"name": Path(str(f.get("path", ""))).name, "sha256": f.get("sha256")}
                           for f in data.get("files", [])]},
        "libraries": {str(k): str(v) for k, v in manifest.get("libraries", {}).items()},
        "limits": {"max_items": limits.max_items, "max_text_chars": limits.max_text_chars,
                   "max_body_bytes": limits.max_body_bytes},
    }


@dataclass
class Service:
    """Attached to the app as ``app.extensions["newsframe"]`` by ``create_app``."""

    predictor: Predictor
    limits: Limits
    metrics: Metrics
    api_key: str | None = None
    feedback: FeedbackStore = field(default=None, repr=False)  # type: ignore[assignment]  # set by create_app
    model: dict[str, Any] = field(init=False)
    openapi: dict[str, Any] = field(init=False)
    feedback_tasks: dict[str, FeedbackTask] = field(init=False)

    def __post_init__(self) -> None:
        self.model = model_info(self.predictor, self.limits)
        self.feedback_tasks = feedback_tasks(self.predictor.labels("topic"))
        self.openapi = add_feedback(build_openapi(self.limits, api_key=self.api_key is not None), self.feedback_tasks,
                                    self.limits, api_key=self.api_key is not None)


def current() -> Service:
    """The service of the app handling the current request."""
    return current_app.extensions[EXTENSION]
