"""OpenAPI paths and schemas of the feedback and labelling endpoints, added to the document of :mod:`.openapi`.

The request schemas say exactly what :mod:`.feedback_validation` accepts (schemathesis checks both ways): a label
body is one of (text or headline/body) x (each task with its own labels).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsframe.core.feedback import FeedbackTask
from newsframe.serve.web.feedback_export import CSV_COLUMNS
from newsframe.serve.web.feedback_validation import (
    FORMATS,
    MAX_ID,
    MAX_NAME,
    MAX_REFERENCE,
    VIEWS,
)
from newsframe.serve.web.openapi_parts import error as _error
from newsframe.serve.web.openapi_parts import json_body as _json
from newsframe.serve.web.openapi_parts import ref as _ref
from newsframe.serve.web.validation import Limits

NAME = {"type": "string", "minLength": 1, "maxLength": MAX_NAME, "pattern": r"\S"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _label_bodies(tasks: Mapping[str, FeedbackTask], limits: Limits) -> list[dict[str, Any]]:
    n = limits.max_text_chars
    common = {"published": {"type": "string", "format": "date", "nullable": True},
              "id": {"type": "string", "nullable": True, "maxLength": MAX_REFERENCE,
                     "description": "the item's id in your system (kept, exported)"},
              "source": {"type": "string", "nullable": True, "maxLength": MAX_REFERENCE},
              "annotator": {**NAME, "nullable": True, "description": "who labels (default: anonymous)"},
              "queue_id": {**ID, "nullable": True, "description": "the queued item this label answers (labelling page)"}}
    text = {"text": {"type": "string", "minLength": 1, "maxLength": n, "pattern": r"\S"}}
    part = {"type": "string", "nullable": True, "maxLength": n}
    filled = {"type": "string", "pattern": r"\S"}
    bodies = []
    for task in tasks.values():
        labelled = {"task": {"type": "string", "enum": [task.name]},
                    "label": {"type": "string", "enum": list(task.labels)}}
        bodies.append({"type": "object", "additionalProperties": False, "required": ["text", "task", "label"],
                       "properties": {**text, **common, **labelled}})
        bodies.append({"type": "object", "additionalProperties": False, "required": ["task", "label"],
                       "anyOf": [{"required": ["headline"], "properties": {"headline": filled}},
                                 {"required": ["body"], "properties": {"body": filled}}],
                       "properties": {"headline": part, "body": part, **common, **labelled}})
    return bodies


def _schemas(tasks: Mapping[str, FeedbackTask], limits: Limits) -> dict[str, Any]:
    nullable_string = {"type": "string", "nullable": True}
    event = {"type": "object", "required": ["id", "created_at", "kind", "annotator", "task", "label", "item", "model"],
             "properties": {"id": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"},
                            "kind": {"type": "string", "enum": ["label", "undo", "skip"]},
                            "annotator": {"type": "string"}, "task": {"type": "string"}, "label": nullable_string,
                            "target_id": {"type": "integer", "nullable": True,
                                          "description": "for an undo: the event it retracts"},
                            "queue_id": {"type": "integer", "nullable": True},
                            "item": {"type": "object", "required": ["key", "text"],
                                     "properties": {"key": {"type": "string"}, "text": {"type": "string"},
                                                    **{k: nullable_string for k in ("headline", "body", "id", "source",
                                                                                    "published")}}},
                            "model": {"type": "object", "properties": {
                                "version": nullable_string, "suggestion": nullable_string,
                                "confidence": {"type": "number", "nullable": True}}}}}
    return {"LabelBody": {"oneOf": _label_bodies(tasks, limits)},
            "FeedbackEvent": event,
            "SkipBody": {"type": "object", "additionalProperties": False, "required": ["task"],
                         "properties": {"task": {"type": "string", "enum": list(tasks)},
                                        "annotator": {**NAME, "nullable": True}}},
            "QueueNext": {"type": "object", "required": ["task", "annotator", "labels", "item", "progress"],
                          "properties": {"task": {"type": "string"}, "annotator": {"type": "string"},
                                         "labels": {"type": "array", "items": {"type": "string"}},
                                         "item": {"type": "object", "nullable": True},
                                         "progress": {"type": "object", "additionalProperties": {"type": "integer"}}}},
            "Agreement": {"type": "object", "required": ["tasks"], "properties": {"tasks": {
                "type": "object", "additionalProperties": {"type": "object", "properties": {
                    "items": {"type": "integer"}, "agreement": {"type": "number"},
                    "kappa": {"type": "number", "nullable": True}}}}}}}


def add_feedback(document: dict[str, Any], tasks: Mapping[str, FeedbackTask], limits: Limits, api_key: bool) -> dict[str, Any]:
    """Add the feedback paths and schemas to ``document`` (in place) and return it."""
    secured: dict[str, Any] = {"security": [{"ApiKey": []}]} if api_key else {}
    auth = {"401": _error("missing or wrong API key")} if api_key else {}
    bad = {"400": _error("the body is not valid JSON"), "413": _error("body or a text over its size limit"),
           "415": _error("Content-Type is not application/json")}
    names = ", ".join(tasks)
    query = [{"name": "format", "in": "query", "schema": {"type": "string", "enum": list(FORMATS), "default": "jsonl"}},
             {"name": "view", "in": "query", "schema": {"type": "string", "enum": list(VIEWS), "default": "current"},
              "description": "current: each annotator's current label per item and task; events: the whole log"},
             {"name": "task", "in": "query", "schema": {"type": "string", "enum": list(tasks)}},
             {"name": "annotator", "in": "query", "schema": NAME},
             {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"},
              "description": "events at or after (RFC 3339 with offset)"},
             {"name": "until", "in": "query", "schema": {"type": "string", "format": "date-time"},
              "description": "events before (RFC 3339 with offset)"}]
    created = {"201": _json(_ref("FeedbackEvent"), "the stored event")}
    path_id = lambda name: [{"name": name, "in": "path", "required": True, "schema": ID}]
    document["paths"].update({
        "/v1/feedback": {
            "post": {"summary": "Store a human label for an item (an append-only event)", "operationId": "addFeedback",
                     "description": f"Tasks: {names}; each task's labels are listed in the schema.", **secured,
                     "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("LabelBody")}}},
                     "responses": {**created, **bad, **auth,
                                   "404": _error("queue_id names no queued item"),
                                   "409": _error("queue_id names a queued item with another text"),
                                   "422": _error("wrong shape, unknown task or label (the message lists the allowed ones)")}},
            "get": {"summary": "Export labels (JSON Lines or CSV)", "operationId": "exportFeedback", **secured,
                    "parameters": query,
                    "responses": {"200": {"description": f"one event per line; CSV columns: {', '.join(CSV_COLUMNS)}",
                                          "content": {"application/x-ndjson": {"schema": {"type": "string"}},
                                                      "text/csv": {"schema": {"type": "string"}}}},
                                  **auth, "422": _error("unknown parameter, task, format or view; bad date-time")}}},
        "/v1/feedback/{event_id}/undo": {"post": {
            "summary": "Retract a label or skip (appends an undo event)", "operationId": "undoFeedback", **secured,
            "parameters": path_id("event_id"),
            "responses": {**created, **auth, "404": _error("no such event"),
                          "409": _error("the event is an undo or was undone already")}}},
        "/v1/queue/next": {"get": {
            "summary": "The next queued item for an annotator, with the model's suggestion and evidence",
            "operationId": "nextQueued", **secured,
            "parameters": [{"name": "annotator", "in": "query", "schema": NAME},
                           {"name": "task", "in": "query", "schema": {"type": "string", "enum": list(tasks),
                                                                      "default": "framing"}}],
            "responses": {"200": _json(_ref("QueueNext"), "the item (null when none is left) and progress"), **auth,
                          "422": _error("unknown parameter or task")}}},
        "/v1/queue/{queue_id}/skip": {"post": {
            "summary": "Pass over a queued item", "operationId": "skipQueued", **secured,
            "parameters": path_id("queue_id"),
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("SkipBody")}}},
            "responses": {**created, **bad, **auth, "404": _error("no such queued item"),
                          "422": _error("wrong shape or unknown task")}}},
        "/v1/agreement": {"get": {"summary": "Cohen's kappa per task on doubly-labelled items",
                                  "operationId": "agreement", **secured,
                                  "responses": {"200": _json(_ref("Agreement"), "per task"), **auth}}},
        "/label": {"get": {"summary": "The labelling page", "operationId": "labelPage",
                           "responses": {"200": {"description": "HTML page",
                                                 "content": {"text/html": {"schema": {"type": "string"}}}}}}},
    })
    document["components"]["schemas"].update(_schemas(tasks, limits))
    return document
