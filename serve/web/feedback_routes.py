"""Feedback and labelling routes: ``/v1/feedback`` (label, export, undo), ``/v1/queue`` and ``/v1/agreement``
(behind the API key, like ``/v1/predict``), and the labelling page at ``/label``."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from newsframe.core.errors import ConfigError
from newsframe.core.feedback import CannotUndo, EventNotFound
from newsframe.core.feedback import queue as work_queue
from newsframe.core.feedback.models import LabelEvent
from newsframe.serve.web.errors import ApiError
from newsframe.serve.web.feedback_export import MEDIA_TYPES, export_body
from newsframe.serve.web.feedback_validation import (
    MAX_ID,
    annotator_name,
    parse_export,
    parse_label,
    task_name,
)
from newsframe.serve.web.routes import _require_api_key
from newsframe.serve.web.state import Service, current
from newsframe.serve.web.validation import read_json

feedback_api = Blueprint("feedback_api", __name__, url_prefix="/v1")
feedback_api.before_request(_require_api_key)


@feedback_api.before_request
def _open_database() -> None:
    """Open a deferred database (first feedback request); if it cannot be used, 503 and the reason in the log."""
    store = current().feedback
    if store.opened:
        return
    try:
        store.engine  # noqa: B018 - opens and migrates
    except ConfigError as exc:
        current_app.logger.error("feedback database: %s", exc)
        raise ApiError(503, "feedback_unavailable", "the feedback database cannot be opened; the reason is in the "
                                                    "server log") from None

label_page = Blueprint("label_page", __name__)


def _created(event: LabelEvent, service: Service) -> Response:
    service.metrics.count_feedback(event.task, event.kind)
    response = jsonify(event.record())
    response.status_code = 201
    response.headers["Location"] = f"/v1/feedback?view=events&task={event.task}"
    return response


def _suggestion(service: Service, text: str, task: str) -> tuple[str | None, float | None]:
    """The loaded model's label and confidence for the item, stored beside the human label."""
    result = service.predictor.predict_one(text).get(task)
    return (result["label"], float(result["confidence"])) if result else (None, None)


@feedback_api.post("/feedback")
def post_label() -> Response:
    """Store one label (an append-only event) with the loaded model's suggestion; 201 with the record."""
    service = current()
    store = service.feedback
    parsed = parse_label(read_json(request._get_current_object()), service.limits, service.feedback_tasks)  # type: ignore[attr-defined]
    if parsed.queue_id is not None:
        queued = work_queue.entry(store, parsed.queue_id)
        if queued is None:
            raise ApiError(404, "not_found", f"queue_id: no queued item {parsed.queue_id}")
        if queued.item_key != parsed.item.key:
            raise ApiError(409, "queue_mismatch", f"queue_id: queued item {parsed.queue_id} has another text")
    suggestion, confidence = _suggestion(service, parsed.item.text, parsed.task)
    event = store.add_label(parsed.item, parsed.task, parsed.label, parsed.annotator, queue_id=parsed.queue_id,
                            model_version=service.predictor.version, suggestion=suggestion, confidence=confidence)
    return _created(event, service)


@feedback_api.get("/feedback")
def export() -> Response:
    """Current labels (``view=current``) or every event (``view=events``), as JSON Lines or CSV."""
    service = current()
    query = parse_export(request.args, service.feedback_tasks)
    read = service.feedback.current if query.view == "current" else service.feedback.events
    events = read(task=query.task, annotator=query.annotator, since=query.since, until=query.until)
    body = export_body(events, query.format)
    response = current_app.response_class(body, mimetype=MEDIA_TYPES[query.format])
    if query.format == "csv":
        response.headers["Content-Disposition"] = 'attachment; filename="newsframe-feedback.csv"'
    response.headers["X-Feedback-Count"] = str(len(events))
    return response


@feedback_api.post("/feedback/<int:event_id>/undo")
def undo(event_id: int) -> Response:
    """Retract a label or skip by appending an undo event."""
    service = current()
    try:
        if event_id > MAX_ID:
            raise EventNotFound(f"no feedback event with id {event_id}")
        event = service.feedback.undo(event_id)
    except EventNotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    except CannotUndo as exc:
        raise ApiError(409, "cannot_undo", str(exc)) from None
    return _created(event, service)


def _queued_item(service: Service, queued: Any, task: str) -> dict[str, Any]:
    prediction = service.predictor.predict_one(queued.text, explain=True)
    return {"queue_id": queued.id, "text": queued.text, "headline": queued.headline, "body": queued.body,
            "id": queued.item_id, "source": queued.source,
            "published": queued.published.isoformat() if queued.published else None, "copies": queued.copies,
            "suggestion": prediction.get(task), "model_version": prediction["model_version"]}


@feedback_api.get("/queue/next")
def next_item() -> Response:
    """The next queued item for an annotator and task (``item`` null when none is left), with progress."""
    service = current()
    unknown = sorted(set(request.args) - {"annotator", "task"})
    if unknown:
        raise ApiError(422, "unknown_parameter", f"unknown query parameter(s) {', '.join(map(repr, unknown))}; "
                                                 "allowed: annotator, task")
    task = task_name(request.args.get("task", "framing"), service.feedback_tasks)
    annotator = annotator_name(request.args.get("annotator"))
    queued, progress = work_queue.next_for(service.feedback, annotator, task)
    return jsonify({"task": task, "annotator": annotator, "labels": list(service.feedback_tasks[task].labels),
                    "item": None if queued is None else _queued_item(service, queued, task), "progress": progress})


@feedback_api.post("/queue/<int:queue_id>/skip")
def skip(queue_id: int) -> Response:
    """Pass over a queued item (``{"task", "annotator"}``); it is not offered to this annotator again."""
    service = current()
    body = read_json(request._get_current_object())  # type: ignore[attr-defined]
    if not isinstance(body, dict):
        raise ApiError(422, "wrong_type", "body: expected a JSON object with 'task' and optionally 'annotator'")
    unknown = sorted(set(body) - {"task", "annotator"})
    if unknown:
        raise ApiError(422, "unknown_field", f"unknown field(s) {', '.join(map(repr, unknown))}; allowed: annotator, task")
    task = task_name(body.get("task"), service.feedback_tasks)
    annotator = annotator_name(body.get("annotator"))
    queued = work_queue.entry(service.feedback, queue_id) if queue_id <= MAX_ID else None
    if queued is None:
        raise ApiError(404, "not_found", f"no queued item {queue_id}")
    return _created(service.feedback.skip(work_queue.item_of(queued), task, annotator, queue_id), service)


@feedback_api.get("/agreement")
def agreement() -> Response:
    """Per task: items labelled by two annotators, raw agreement and Cohen's kappa."""
    return jsonify({"tasks": current().feedback.agreement()})


@label_page.get("/label")
def page() -> Response:
    """The labelling page (plain HTML and JavaScript from ``static/``, no external assets)."""
    response = current_app.send_static_file("label.html")
    response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'"
    return response
