"""Flask app factory: settings from defaults, ``NEWSFRAME_*`` variables and a mapping; model loaded at start.

Settings (mapping key / environment variable / default):

* ``MODELS`` / ``NEWSFRAME_MODELS`` / ``models`` — models directory (``latest``) or one version directory;
* ``API_KEY`` / ``NEWSFRAME_API_KEY`` / unset — when set, ``/v1`` requires it (``X-API-Key`` or ``Bearer``);
* ``MAX_ITEMS`` / ``NEWSFRAME_MAX_ITEMS`` / 256 — items per batch request;
* ``MAX_TEXT_CHARS`` / ``NEWSFRAME_MAX_TEXT_CHARS`` / 50000 — characters per document;
* ``MAX_CONTENT_LENGTH`` / ``NEWSFRAME_MAX_BODY_BYTES`` / 2 MiB — request body; larger bodies get 413
  without being read whole.
* ``DB`` / ``NEWSFRAME_DB`` / an SQLite file beside the models directory — the feedback database (an SQLAlchemy
  URL; see :mod:`newsframe.core.feedback.database`), migrated to the current schema at start (the default file: on
  the first feedback request).

A mapping passed to ``create_app`` wins over the environment, which wins over the defaults.
"""
from __future__ import annotations

import os
from typing import Any, Mapping

from flask import Flask, Response
from newsframe.core.errors import ConfigError
from newsframe.core.feedback import FeedbackStore, database_url
from newsframe.core.schema import positive_int
from newsframe.serve.predictor import Predictor
from newsframe.serve.web.errors import register_error_handlers
from newsframe.serve.web.feedback_routes import feedback_api, label_page
from newsframe.serve.web.metrics import Metrics
from newsframe.serve.web.routes import ops, v1
from newsframe.serve.web.state import EXTENSION, Service
from newsframe.serve.web.validation import Limits

DEFAULTS: dict[str, Any] = {"MODELS": "models", "API_KEY": None, "MAX_ITEMS": 256, "MAX_TEXT_CHARS": 50_000,
                            "MAX_CONTENT_LENGTH": 2 * 1024 * 1024, "DB": None}
ENVIRONMENT = {"MODELS": "NEWSFRAME_MODELS", "API_KEY": "NEWSFRAME_API_KEY", "MAX_ITEMS": "NEWSFRAME_MAX_ITEMS",
               "MAX_TEXT_CHARS": "NEWSFRAME_MAX_TEXT_CHARS", "MAX_CONTENT_LENGTH": "NEWSFRAME_MAX_BODY_BYTES", "DB": "NEWSFRAME_DB"}
INTEGERS = ("MAX_ITEMS", "MAX_TEXT_CHARS", "MAX_CONTENT_LENGTH")


def load_settings(config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults, then ``NEWSFRAME_*`` variables, then ``config``; integers checked (ConfigError if not positive)."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    settings.update({key: environ[var] for key, var in ENVIRONMENT.items() if var in environ})
    settings.update(config or {})
    for key in INTEGERS:
        try:
            settings[key] = positive_int(settings[key], f"{key} ({ENVIRONMENT[key]})")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    if settings["MAX_TEXT_CHARS"] > settings["MAX_CONTENT_LENGTH"]:
        settings["MAX_TEXT_CHARS"] = settings["MAX_CONTENT_LENGTH"]
    settings["API_KEY"] = settings["API_KEY"] or None  # an empty variable means "no key"
    return settings


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app and load the model (ArtifactError if it cannot be loaded)."""
    settings = load_settings(config)
    predictor = Predictor.load(settings["MODELS"])
    app = Flask(__name__, static_folder="static")
    # A configured database is opened now (a bad URL stops the start); the default file only when feedback arrives,
    # so a server that is never sent any creates none.
    url = database_url(settings["MODELS"], settings["DB"], environ={})  # the environment was read above
    feedback = FeedbackStore.open(url) if settings["DB"] else FeedbackStore.deferred(url)
    app.config.update({k: v for k, v in settings.items() if k not in ("API_KEY", "DB")})  # DB may hold a password
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep topic, framing, model_version in order
    app.json.compact = True  # type: ignore[attr-defined]
    limits = Limits(settings["MAX_ITEMS"], settings["MAX_TEXT_CHARS"], settings["MAX_CONTENT_LENGTH"])
    metrics = Metrics(predictor.version)
    app.extensions[EXTENSION] = Service(predictor, limits, metrics, api_key=settings["API_KEY"], feedback=feedback)
    metrics.init_app(app)
    app.after_request(_security_headers)
    register_error_handlers(app)
    app.register_blueprint(v1)
    app.register_blueprint(ops)
    app.register_blueprint(feedback_api)
    app.register_blueprint(label_page)
    app.logger.info("newsframe: serving model version %s from %s", predictor.version, predictor.model.path)
    app.logger.info("newsframe: feedback database %s", feedback.url)
    return app
