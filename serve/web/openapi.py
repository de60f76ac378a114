"""The OpenAPI 3.0 document served at ``/openapi.json``, built from the running app's limits and auth."""
from __future__ import annotations

from typing import Any

from newsframe.serve.web.openapi_actors import actor_schemas
from newsframe.serve.web.openapi_parts import error as _error
from newsframe.serve.web.openapi_parts import json_body as _json
from newsframe.serve.web.openapi_parts import ref as _ref
from newsframe.serve.web.validation import NOT_BLANK, Limits

API_KEY_HEADER = "X-API-Key"


def _schemas(limits: Limits) -> dict[str, Any]:
    n = limits.max_text_chars
    part = {"type": "string", "nullable": True, "maxLength": n}
    filled = {"type": "string", "pattern": NOT_BLANK}  # at least one character that str.strip() keeps
    published = {"type": "string", "format": "date", "nullable": True,
                 "description": "publication date (YYYY-MM-DD): leaders are resolved to the office they held that day "
                                "(default: today); used with `actors`"}
    text_doc = {"type": "object", "additionalProperties": False, "required": ["text"],
                "properties": {"text": {"type": "string", "minLength": 1, "maxLength": n, "pattern": NOT_BLANK,
                                        "description": "the whole text to classify"}, "published": published}}
    parts_doc = {"type": "object", "additionalProperties": False,
                 "anyOf": [{"required": ["headline"], "properties": {"headline": filled}},
                           {"required": ["body"], "properties": {"body": filled}}],
                 "properties": {"headline": part, "body": part, "published": published},
                 "description": "headline and/or body (joined with a blank line, as in training); "
                                "at least one must hold a non-whitespace character"}
    explain = {"type": "boolean", "default": False,
               "description": "add per-task explanations: the terms that pushed hardest toward and against the label"}
    actors = {"type": "boolean", "default": False,
              "description": "add `actors`: the countries, organisations and groups the text names, each with its role "
                             "and framing (aggregated over the sentences where it acts or speaks)"}
    with_explain = [{**doc, "properties": {**doc["properties"], "explain": explain, "actors": actors}}
                    for doc in (text_doc, parts_doc)]
    term = {"type": "object", "required": ["term", "weight"],
            "properties": {"term": {"type": "string", "description": "the n-gram (character n-grams keep TF-IDF's space padding)"},
                           "kind": {"type": "string", "description": "the feature family it comes from (word, char)"},
                           "weight": {"type": "number", "description": "coefficient x feature value for the predicted label"}}}
    task = {"type": "object", "required": ["label", "confidence", "scores"],
            "properties": {"label": {"type": "string"},
                           "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                           "scores": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}},
                           "explanation": _ref("Explanation")}}
    framing = {**task, "required": [*task["required"], "posture"],
               "properties": {**task["properties"],
                              "label": {"type": "string", "enum": ["cautious", "confrontational", "none"],
                                        "description": "none when posture is below the version's posture threshold "
                                                       "(GET /v1/models: posture_threshold; the text frames no actor "
                                                       "posture), else the higher of the two scores; versions without "
                                                       "a threshold never say none"},
                              "confidence": {"type": "number", "minimum": 0, "maximum": 1,
                                             "description": "probability of the label (for none: 1 - posture)"},
                              "posture": {
                   "type": "number", "nullable": True, "minimum": 0, "maximum": 1,
                   "description": "probability that the text frames any posture; null when the model has no posture task"}}}
    return {
        "Document": {"oneOf": with_explain},
        "Item": {"oneOf": [text_doc, parts_doc]},
        "Batch": {"type": "object", "additionalProperties": False, "required": ["items"],
                  "properties": {"items": {"type": "array", "minItems": 1, "maxItems": limits.max_items,
                                           "items": {"anyOf": [_ref("Item"), {"description": (
                                               "anything else is answered with an error entry in its slot")}]}},
                                 "explain": explain, "actors": actors}},
        "Explanation": {"type": "object", "required": ["toward", "against", "low_evidence", "known_terms"],
                        "properties": {"toward": {"type": "array", "items": term},
                                       "against": {"type": "array", "items": term},
                                       "low_evidence": {"type": "boolean"},
                                       "known_terms": {"type": "integer", "minimum": 0}}},
        "TaskResult": task,
        "FramingResult": framing,
        # A version trained on topic-only (or framing-only) data answers the tasks it has; the other key is absent
        # (GET /v1/models lists the version's tasks).
        "Prediction": {"type": "object", "required": ["model_version"],
                       "description": "one object per task the model version was trained for (topic, framing)",
                       "properties": {"topic": _ref("TaskResult"), "framing": _ref("FramingResult"),
                                      "model_version": {"type": "string"},
                                      "actors": {"type": "array", "items": _ref("Actor"),
                                                 "description": "with `actors: true`: in order of first mention"}}},
        **actor_schemas(),
        "BatchResult": {"type": "object", "required": ["results"],
                        "properties": {"results": {"type": "array", "items": {"oneOf": [_ref("Prediction"), _ref("Error")]}}}},
        "Error": {"type": "object", "required": ["error"],
                  "properties": {"error": {"type": "object", "required": ["code", "message"],
                                           "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
        "Model": {"type": "object", "required": ["version", "created", "tasks", "posture", "data", "libraries", "limits"],
                  "properties": {
                      "version": {"type": "string"}, "created": {"type": "string"}, "posture": {"type": "boolean"},
                      "posture_threshold": {"type": "number", "nullable": True, "minimum": 0, "maximum": 1,
                                            "description": "framing is none below this posture probability (chosen by "
                                                          "cross-validation at training); null: two-way labels"},
                      "tasks": {"type": "object", "additionalProperties": {
                          "type": "object", "required": ["labels", "metrics"],
                          "properties": {"labels": {"type": "array", "items": {"type": "string"}},
                                         "metrics": {"type": "object"}}}},
                      "data": {"type": "object", "required": ["fingerprint"],
                               "properties": {"fingerprint": {"type": "string"}, "rows": {"type": "object"},
                                              "files": {"type": "array", "items": {"type": "object"}}}},
                      "libraries": {"type": "object", "additionalProperties": {"type": "string"}},
                      "limits": {"type": "object", "required": ["max_items", "max_text_chars", "max_body_bytes"],
                                 "properties": {k: {"type": "integer"} for k in ("max_items", "max_text_chars", "max_body_bytes")}}}},
        "Status": {"type": "object", "required": ["status"],
                   "properties": {"status": {"type": "string"}, "model_version": {"type": "string"}}},
    }


def build_openapi(limits: Limits, api_key: bool) -> dict[str, Any]:
    """The document; ``api_key`` adds the header scheme and 401 answers to the ``/v1`` operations."""
    secured: dict[str, Any] = {"security": [{"ApiKey": []}]} if api_key else {}
    auth = {"401": _error("missing or wrong API key")} if api_key else {}
    predict = {
        "summary": "Topic and framing of one document, or of a batch",
        "description": (f"Send one document, or `items` with 1 to {limits.max_items} documents. Each text may have up to "
                        f"{limits.max_text_chars} characters (each of text, headline and body); the whole body up to "
                        f"{limits.max_body_bytes} bytes (a chunked body must stay below it). "
                        "In a batch an invalid item gets its own error entry and the others are still scored."),
        "operationId": "predict", **secured,
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"oneOf": [_ref("Document"), _ref("Batch")]}}}},
        "responses": {
            "200": _json({"oneOf": [_ref("Prediction"), _ref("BatchResult")]}, "predictions (a batch answers `results`, in order)"),
            "400": _error("the body is not valid JSON"), **auth,
            "413": _error("body or a text over its size limit"),
            "415": _error("Content-Type is not application/json"),
            "422": _error("valid JSON of the wrong shape: wrong types, unknown fields, missing or empty (white space "
                          "only) text, more items than maxItems, a `published` that is not a YYYY-MM-DD date"),
            "503": _error("`actors` asked for, but the server's actor dictionary cannot be loaded"),
        },
    }
    status = {"200": _json(_ref("Status"), "ok")}
    return {
        "openapi": "3.0.3",
        "info": {"title": "newsframe", "version": "1",
                 "description": "Topic and actor-framing (cautious vs confrontational) of news text."},
        "paths": {
            "/v1/predict": {"post": predict},
            "/v1/models": {"get": {"summary": "The loaded model version's manifest", "operationId": "model", **secured,
                                   "responses": {"200": _json(_ref("Model"), "labels, metrics, data fingerprint, limits"), **auth}}},
            "/healthz": {"get": {"summary": "The process is alive", "operationId": "healthz", "responses": status}},
            "/readyz": {"get": {"summary": "The model is loaded and answering", "operationId": "readyz",
                                "responses": {**status, "503": _error("not ready")}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "operationId": "metrics",
                                 "responses": {"200": {"description": "text exposition format",
                                                       "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/openapi.json": {"get": {"summary": "This document", "operationId": "openapi",
                                      "responses": {"200": _json({"type": "object"}, "OpenAPI 3.0 document")}}},
            "/": {"get": {"summary": "A page to try the model in a browser", "operationId": "page",
                          "responses": {"200": {"description": "HTML page",
                                                "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        },
        "components": {"schemas": _schemas(limits),
                       **({"securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": API_KEY_HEADER}}}
                          if api_key else {})},
    }
