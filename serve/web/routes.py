"""HTTP routes: ``/v1`` (predict, models; behind the optional API key) and the operational endpoints."""
from __future__ import annotations

import hashlib
import hmac
import json

from flask import Blueprint, Response, current_app, jsonify, request
from newsframe.core.errors import NewsframeError
from newsframe.serve.actors import ActorScorer
from newsframe.serve.web.errors import ApiError
from newsframe.serve.web.openapi import API_KEY_HEADER
from newsframe.serve.web.state import Service, current
from newsframe.serve.web.validation import parse_predict, read_json

READINESS_PROBE = "Ministers meet to discuss the budget"

v1 = Blueprint("v1", __name__, url_prefix="/v1")
ops = Blueprint("ops", __name__)


def _presented_key() -> str | None:
    key = request.headers.get(API_KEY_HEADER)
    if key is None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        key = token.strip() if scheme.lower() == "bearer" else None
    return key


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()


@v1.before_request
def _require_api_key() -> None:
    """With an API key configured, every ``/v1`` call must present it (``X-API-Key`` or ``Bearer``)."""
    expected = current().api_key
    if expected is None:
        return
    presented = _presented_key()
    # Constant time: compare_digest over fixed-length digests, so neither content nor length leaks.
    if presented is None or not hmac.compare_digest(_digest(presented), _digest(expected)):
        raise ApiError(401, "unauthorized", f"missing or wrong API key (send it in the {API_KEY_HEADER} header)",
                       headers={"WWW-Authenticate": "Bearer"})


@v1.post("/predict")
def predict_route() -> Response:
    """One document (``text`` or ``headline``/``body``) or ``items``; see ``/openapi.json``."""
    service = current()
    parsed = parse_predict(read_json(request._get_current_object()), service.limits)  # type: ignore[attr-defined]
    results = [text.body() if isinstance(text, ApiError) else service.predictor.predict_one(text, parsed.explain)
               for text in parsed.texts]
    if parsed.actors and any(not isinstance(text, ApiError) for text in parsed.texts):  # "actors": true
        finder = _actor_finder(service)
        for result, text, published in zip(results, parsed.texts, parsed.published):
            if not isinstance(text, ApiError):
                result["actors"] = finder.find(text, published)
    service.metrics.count_predictions(results)
    return _json_response({"results": results} if parsed.batch else results[0])


def _actor_finder(service: Service) -> ActorScorer:
    """The version's actor finder (`newsframe serve` loads its dictionary at start; else the first request asking)."""
    try:
        return service.predictor.actors
    except NewsframeError:
        current_app.logger.exception("cannot load the actor dictionary")
        raise ApiError(503, "actors_unavailable", "this server cannot find actors: its actor dictionary is missing "
                                                  "or broken (the details are in the server log)") from None


def _json_response(body: object) -> Response:
    """Compact JSON, keys in insertion order (the hot path skips Flask's JSON provider)."""
    return current_app.response_class(json.dumps(body, separators=(",", ":")), mimetype="application/json")


@v1.get("/models")
def models_route() -> Response:
    """The loaded version: labels, held-out metrics, data fingerprint, creation time and input limits."""
    return jsonify(current().model)


@ops.get("/healthz")
def healthz() -> Response:
    """The process is alive (says nothing about the model)."""
    return jsonify({"status": "ok"})


@ops.get("/readyz")
def readyz() -> Response:
    """Ready when the loaded model answers a probe document; 503 ``draining`` once a SIGTERM drain has begun."""
    draining = current_app.config.get("DRAINING")  # set by newsframe serve (a flag shared by all workers)
    if draining is not None and draining():
        raise ApiError(503, "draining", "the server is shutting down; send new requests to another instance")
    service = current()
    try:
        service.predictor.predict_one(READINESS_PROBE)
    except Exception:  # noqa: BLE001 - any failure means "not ready"; the details go to the log
        current_app.logger.exception("readiness probe failed")
        raise ApiError(503, "not_ready", "the model is not answering") from None
    return jsonify({"status": "ready", "model_version": service.predictor.version})


@ops.get("/metrics")
def metrics() -> Response:
    """Prometheus text exposition."""
    return current().metrics.exposition()


@ops.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI document for this server's limits and auth."""
    return jsonify(current().openapi)


@ops.get("/")
def page() -> Response:
    """The browser page (plain HTML and JavaScript from ``static/``, no external assets)."""
    response = current_app.send_static_file("index.html")
    response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'"
    return response
