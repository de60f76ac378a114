"""Validate ``/v1/feedback`` bodies and export queries, and the labelling endpoints' parameters.

A label body is a document as for ``/v1/predict`` (``text``, or ``headline``/``body``; optional ``published``) plus
``task``, ``label``, and optionally ``id``, ``source``, ``annotator`` and ``queue_id``. Unknown tasks and labels get
a 422 naming the allowed ones (from :func:`newsframe.core.feedback.feedback_tasks`).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newsframe.core.feedback import FeedbackTask, Item
from newsframe.serve.web.errors import ApiError
from newsframe.serve.web.validation import (
    ITEM_FIELDS,
    Limits,
    item_published,
    item_text,
    json_type,
)

LABEL_FIELDS = ITEM_FIELDS | {"id", "source", "task", "label", "annotator", "queue_id"}
FORMATS = ("jsonl", "csv")
VIEWS = ("current", "events")
EXPORT_PARAMETERS = frozenset({"format", "view", "task", "annotator", "since", "until"})
ANONYMOUS = "anonymous"
MAX_NAME, MAX_REFERENCE = 200, 500
MAX_ID = 2**31 - 1  # database ids are 32-bit integers
# RFC 3339 date-time, as the OpenAPI ``format: date-time`` says: the offset is required.
_INSTANT = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


@dataclass(frozen=True)
class LabelRequest:
    item: Item
    task: str
    label: str
    annotator: str
    queue_id: int | None


@dataclass(frozen=True)
class ExportQuery:
    format: str
    view: str
    task: str | None
    annotator: str | None
    since: dt.datetime | None
    until: dt.datetime | None


def _optional_string(obj: Mapping[str, Any], name: str, limit: int) -> str | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(422, "wrong_type", f"{name}: expected a string or null, got {json_type(value)}")
    if len(value) > limit:
        raise ApiError(422, "too_long", f"{name}: {len(value)} characters; the limit is {limit}")
    return value


def annotator_name(value: Any, name: str = "annotator") -> str:
    """A non-blank name of at most 200 characters (absent or null: ``anonymous``)."""
    if value is None:
        return ANONYMOUS
    if not isinstance(value, str):
        raise ApiError(422, "wrong_type", f"{name}: expected a string, got {json_type(value)}")
    if not value.strip() or len(value) > MAX_NAME:
        raise ApiError(422, "invalid_annotator", f"{name}: expected 1 to {MAX_NAME} characters, not only white space")
    return value.strip()


def task_name(value: Any, tasks: Mapping[str, FeedbackTask], name: str = "task") -> str:
    if not isinstance(value, str):
        raise ApiError(422, "wrong_type" if value is not None else "missing_field",
                       f"{name}: expected one of {', '.join(tasks)}, got {json_type(value)}")
    if value not in tasks:
        raise ApiError(422, "unknown_task", f"{name}: unknown task {value[:60]!r}; allowed: {', '.join(tasks)}")
    return value


def parse_label(body: Any, limits: Limits, tasks: Mapping[str, FeedbackTask]) -> LabelRequest:
    """Validate a decoded ``POST /v1/feedback`` body."""
    if not isinstance(body, dict):
        raise ApiError(422, "wrong_type", f"body: expected a JSON object, got {json_type(body)}")
    text = item_text(body, limits, allowed=LABEL_FIELDS)
    published = item_published(body)
    item_id = _optional_string(body, "id", MAX_REFERENCE)
    source = _optional_string(body, "source", MAX_REFERENCE)
    task = task_name(body.get("task"), tasks)
    label = body.get("label")
    if not isinstance(label, str):
        raise ApiError(422, "wrong_type" if label is not None else "missing_field",
                       f"label: expected one of {', '.join(tasks[task].labels)}, got {json_type(label)}")
    if label not in tasks[task].labels:
        raise ApiError(422, "unknown_label", f"label: unknown {task} label {label[:60]!r}; "
                                             f"allowed: {', '.join(tasks[task].labels)}")
    queue_id = body.get("queue_id")
    if queue_id is not None and (isinstance(queue_id, bool) or not isinstance(queue_id, int)
                                 or not 1 <= queue_id <= MAX_ID):
        raise ApiError(422, "wrong_type", f"queue_id: expected an integer from 1 to {MAX_ID} or null, got {json_type(queue_id)}")
    headline = body.get("headline") if "text" not in body else None
    item = Item(text, headline, body.get("body") if "text" not in body else None, item_id, source, published)
    return LabelRequest(item, task, label, annotator_name(body.get("annotator")), queue_id)


def parse_instant(value: str, name: str) -> dt.datetime:
    """An RFC 3339 date-time with offset (``2024-05-01T12:00:00Z``) as an aware datetime, else 422."""
    match = _INSTANT.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
        fraction = int(((match.group(7) or ".0")[1:] + "000000")[:6])
        zone = match.group(8).upper()
        offset = dt.timezone.utc if zone == "Z" else dt.timezone(
            (1 if zone[0] == "+" else -1) * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
        # A leap second (:60) is the last moment of its minute here.
        instant = dt.datetime(year, month, day, hour, minute, min(second, 59), fraction, tzinfo=offset)
    except ValueError:
        raise ApiError(422, "invalid_datetime", f"{name}: {value[:40]!r} is not an RFC 3339 date-time with an offset "
                                                f"(e.g. 2024-05-01T12:00:00Z)") from None
    try:
        return instant.astimezone(dt.timezone.utc)
    except OverflowError:  # within a day of year 1 or 9999: the range's own end
        return (dt.datetime.min if year == 1 else dt.datetime.max).replace(tzinfo=dt.timezone.utc)


def parse_export(args: Mapping[str, str], tasks: Mapping[str, FeedbackTask]) -> ExportQuery:
    """Validate ``GET /v1/feedback`` query parameters."""
    unknown = sorted(set(args) - EXPORT_PARAMETERS)
    if unknown:
        raise ApiError(422, "unknown_parameter", f"unknown query parameter(s) {', '.join(map(repr, unknown))}; "
                                                 f"allowed: {', '.join(sorted(EXPORT_PARAMETERS))}")
    fmt, view = args.get("format", "jsonl"), args.get("view", "current")
    if fmt not in FORMATS:
        raise ApiError(422, "unknown_format", f"format: {fmt[:40]!r}; allowed: {', '.join(FORMATS)}")
    if view not in VIEWS:
        raise ApiError(422, "unknown_view", f"view: {view[:40]!r}; allowed: {', '.join(VIEWS)}")
    task = task_name(args["task"], tasks) if "task" in args else None
    annotator = annotator_name(args["annotator"]) if "annotator" in args else None
    since = parse_instant(args["since"], "since") if "since" in args else None
    until = parse_instant(args["until"], "until") if "until" in args else None
    return ExportQuery(fmt, view, task, annotator, since, until)
