"""Validate ``POST /v1/predict`` bodies and turn them into model texts, one error per bad item.

Accepted shapes (no other fields):

* single: ``{"headline": str|null, "body": str|null, "explain": bool}`` or ``{"text": str, "explain": bool}``;
* batch: ``{"items": [single-without-explain, ...], "explain": bool}`` with 1 to ``max_items`` items.

``"actors": true`` (single or batch envelope) asks for the actors of each text; any document may carry
``"published": "YYYY-MM-DD"`` (or null), the date its leaders are resolved on.

A bad single request or a bad batch envelope raises ``ApiError``; a bad batch item becomes an ``ApiError``
in its slot so the other items are still scored.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from flask import Request
from werkzeug.exceptions import HTTPException
from newsframe.core.schema import model_text
from newsframe.serve.web.errors import ApiError

ITEM_FIELDS = frozenset({"headline", "body", "text", "published"})
SINGLE_FIELDS = ITEM_FIELDS | {"explain", "actors"}
BATCH_FIELDS = frozenset({"items", "explain", "actors"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# What counts as white space is what str.strip() removes (the model-text rule, newsframe.core.schema.model_text):
# exactly the characters for which str.isspace() is true. The OpenAPI schema says "not blank" with NOT_BLANK, a
# class listing them all, so that every JSON Schema dialect reads the same rule (ECMA-262's \s differs: it lacks
# \x1c-\x1f and \x85 and has \ufeff). tests/test_serve_drills.py checks it against str.strip() on every code point.
NOT_BLANK = r"[^\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


@dataclass(frozen=True)
class Limits:
    """Input limits; documented in the OpenAPI document and reported by ``GET /v1/models``."""

    max_items: int
    max_text_chars: int
    max_body_bytes: int


@dataclass
class PredictRequest:
    """A validated request: model texts (or an error per bad batch item) and whether to explain."""

    texts: list[str | ApiError]
    batch: bool
    explain: bool
    actors: bool = False
    published: tuple[dt.date | None, ...] = ()  # per text, when given


def json_type(value: Any) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def read_json(request: Request) -> Any:
    """The decoded JSON body; 415 for another content type, 400 for a body that is not JSON.

    The body is read through werkzeug's limited stream: a ``Content-Length`` over ``MAX_CONTENT_LENGTH`` is
    refused (413) before any of the body is read, a chunked body as soon as it reaches the limit.
    """
    mimetype = request.mimetype
    if mimetype != "application/json" and not (mimetype.startswith("application/") and mimetype.endswith("+json")):
        raise ApiError(415, "unsupported_media_type",
                       f"Content-Type must be application/json, got {request.content_type or 'none'}")
    try:
        data = request.get_data(cache=False)
    except HTTPException:
        raise  # 413 (werkzeug's size check) and a client gone mid-body (400) are answered as such
    except Exception as exc:  # noqa: BLE001 - the server's body reader refused the framing (a bad chunk size)
        raise ApiError(400, "invalid_body", f"the request body could not be read: {type(exc).__name__}: "
                                            f"{str(exc)[:200]}") from None
    limit = request.max_content_length
    if request.content_length is None and limit is not None and len(data) >= limit:
        # A chunked body is read only up to the limit (werkzeug stops there without an error): reaching it
        # means the body is at least that long, and the rest is never read.
        raise ApiError(413, "payload_too_large", f"request body too large (limit {limit} bytes)")
    if not data.strip():
        raise ApiError(400, "invalid_json", "the request body is empty; send a JSON object")
    try:
        return json.loads(data, parse_constant=_reject_constant)
    except RecursionError:
        raise ApiError(400, "invalid_json", "the JSON body is nested too deeply") from None
    except ValueError as exc:  # includes UnicodeDecodeError and JSONDecodeError
        raise ApiError(400, "invalid_json", f"the request body is not valid JSON: {exc}") from None


def _check_fields(obj: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise ApiError(422, "unknown_field", f"{where}unknown field(s) {', '.join(map(repr, unknown))}; "
                                             f"allowed: {', '.join(sorted(allowed))}")


def item_text(obj: Any, limits: Limits, where: str = "", allowed: frozenset[str] = ITEM_FIELDS) -> str:
    """The model text of one document object, or an ``ApiError`` saying what is wrong with it.

    Checks in order: an object, known fields, not both ``text`` and ``headline``/``body``, string types,
    each field at most ``max_text_chars`` characters (413), then a non-whitespace text (422).
    """
    name = where or "body"
    if not isinstance(obj, dict):
        raise ApiError(422, "wrong_type", f"{name}: expected an object, got {json_type(obj)}")
    _check_fields(obj, allowed, f"{where}: " if where else "")
    prefix = f"{where}." if where else ""
    if "text" in obj and ("headline" in obj or "body" in obj):
        raise ApiError(422, "conflicting_fields", f"{name}: send either 'text' or 'headline'/'body', not both")
    if "text" not in obj and "headline" not in obj and "body" not in obj:
        raise ApiError(422, "missing_text", f"{name}: give 'text', or 'headline' and/or 'body'")
    for field in ("text", "headline", "body"):
        if field not in obj:
            continue
        value = obj[field]
        if not isinstance(value, str) and not (value is None and field != "text"):
            expected = "a string" if field == "text" else "a string or null"
            raise ApiError(422, "wrong_type", f"{prefix}{field}: expected {expected}, got {json_type(value)}")
        if value is not None and len(value) > limits.max_text_chars:
            raise ApiError(413, "text_too_long", f"{prefix}{field}: {len(value)} characters; "
                                                 f"the limit is {limits.max_text_chars}")
    text = model_text(obj.get("headline"), obj.get("body"), obj.get("text"))
    if not text:
        raise ApiError(422, "empty_text", f"{name}: the text is empty or whitespace only")
    return text


def item_published(obj: dict[str, Any], where: str = "") -> dt.date | None:
    """The document's ``published`` date (``"YYYY-MM-DD"``; absent or null: none), or a 422 naming the field."""
    value = obj.get("published")
    if value is None:
        return None
    name = f"{where}.published" if where else "published"
    if not isinstance(value, str):
        raise ApiError(422, "wrong_type", f"{name}: expected a date string \"YYYY-MM-DD\" or null, got {json_type(value)}")
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_date", f"{name}: {value[:40]!r} is not a date; expected \"YYYY-MM-DD\"") from None


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise ApiError(422, "wrong_type", f"{name}: expected a boolean, got {json_type(value)}")
    return value


def _explain_flag(body: dict[str, Any]) -> bool:
    return _flag(body, "explain")


def parse_predict(body: Any, limits: Limits) -> PredictRequest:
    """Validate a decoded ``/v1/predict`` body (see the module docstring for the shapes)."""
    if not isinstance(body, dict):
        raise ApiError(422, "wrong_type", f"body: expected a JSON object, got {json_type(body)}")
    if "items" not in body:
        explain = _explain_flag(body)  # checked first: a wrong 'explain' is reported as such
        actors = _flag(body, "actors")
        text = item_text(body, limits, allowed=SINGLE_FIELDS)
        return PredictRequest([text], batch=False, explain=explain, actors=actors, published=(item_published(body),))
    _check_fields(body, BATCH_FIELDS, "batch: ")
    explain = _explain_flag(body)
    actors = _flag(body, "actors")
    items = body["items"]
    if not isinstance(items, list):
        raise ApiError(422, "wrong_type", f"items: expected an array, got {json_type(items)}")
    if not items:
        raise ApiError(422, "empty_batch", "items: the array is empty; send 1 or more items")
    if len(items) > limits.max_items:
        # 422, as the schema's maxItems makes it (a too-large body, or text, is 413: a size limit, not a shape)
        raise ApiError(422, "too_many_items", f"items: {len(items)} items; the limit is {limits.max_items} per request")
    texts: list[str | ApiError] = []
    published: list[dt.date | None] = []
    for i, item in enumerate(items):
        try:
            text = item_text(item, limits, where=f"items[{i}]")
            published.append(item_published(item, where=f"items[{i}]"))
            texts.append(text)
        except ApiError as exc:
            texts.append(exc)
            published.append(None)
    return PredictRequest(texts, batch=True, explain=explain, actors=actors, published=tuple(published))
