"""JSON errors for the HTTP service: ``{"error": {"code": ..., "message": ...}}``, never a traceback.

Every failure the service answers with goes through here: ``ApiError`` for what the service itself
refuses (bad input, missing key, model not ready), werkzeug's ``HTTPException`` for routing and body-size
errors (404, 405, 413), and a last handler that turns anything unexpected into a generic 500 while the
details go to the server log only.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify
from werkzeug.exceptions import HTTPException

# Error codes per HTTP status for werkzeug's own exceptions (routing, body size, methods).
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
               413: "payload_too_large", 415: "unsupported_media_type", 431: "headers_too_large",
               500: "internal_error"}


class ApiError(Exception):
    """An error answered to the client: HTTP status, a stable machine-readable code and a message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The ``{"error": {...}}`` object, also used for per-item errors in a batch."""
        return {"error": {"code": self.code, "message": self.message}}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """A JSON error response."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.headers)


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers: dict[str, str] = {}
    # werkzeug raises 413 from MAX_CONTENT_LENGTH before reading a body whose Content-Length is too big.
    if status == 413:
        message = f"request body too large (limit {current_app.config.get('MAX_CONTENT_LENGTH')} bytes)"
    else:
        message = exc.description or exc.name
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))  # type: ignore[attr-defined]
    return error_response(status, _HTTP_CODES.get(status, "http_error"), str(message), headers)


def register_error_handlers(app: Flask) -> None:
    """Install the JSON handlers on ``app``."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:  # the last line of defence: logged, not shown
        app.logger.exception("unhandled error while serving a request")
        return error_response(500, "internal_error", "internal server error; the details are in the server log")
