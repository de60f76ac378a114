"""/v1/feedback, the queue endpoints and /v1/agreement through Flask's test client, on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from feedback_support import db_url, empty, module_db_url  # noqa: F401 - fixtures
from flask import Flask
from flask.testing import FlaskClient
from newsframe.core.feedback import FeedbackStore, Item
from newsframe.core.feedback import queue as work_queue
from newsframe.serve.web.app import create_app
from serve_support import assert_error

LABEL = {"headline": "Moscow warns of retaliation", "body": "The minister called the move hostile.",
         "task": "framing", "label": "confrontational", "annotator": "ann", "id": "wire-7", "source": "wire",
         "published": "2024-05-01"}


@pytest.fixture(scope="module")
def module_app(tiny_models: Path, module_db_url: str) -> Iterator[Flask]:  # noqa: F811
    app = create_app({"MODELS": str(tiny_models), "DB": module_db_url})
    yield app
    app.extensions["newsframe"].feedback.close()


@pytest.fixture()
def app(module_app: Flask) -> Flask:
    """The module's app with an empty feedback database."""
    empty(module_app.extensions["newsframe"].feedback.engine)
    return module_app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def jsonl(response: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def test_post_stores_the_label_with_the_models_suggestion(client: FlaskClient) -> None:
    response = client.post("/v1/feedback", json=LABEL)
    assert response.status_code == 201, response.json
    record = response.json
    expected = client.post("/v1/predict", json={"headline": LABEL["headline"], "body": LABEL["body"]}).json
    assert record["kind"] == "label" and record["task"] == "framing" and record["label"] == "confrontational"
    assert record["annotator"] == "ann" and record["target_id"] is None
    assert record["item"] == {"key": Item.of(LABEL["headline"], LABEL["body"]).key,
                              "text": f"{LABEL['headline']}\n\n{LABEL['body']}", "headline": LABEL["headline"],
                              "body": LABEL["body"], "id": "wire-7", "source": "wire", "published": "2024-05-01"}
    assert record["model"] == {"version": expected["model_version"], "suggestion": expected["framing"]["label"],
                               "confidence": pytest.approx(expected["framing"]["confidence"])}
    assert jsonl(client.get("/v1/feedback")) == [record]


@pytest.mark.parametrize("body, status, code, words", [
    ({**LABEL, "task": "mood"}, 422, "unknown_task", ["topic, framing"]),
    ({**LABEL, "label": "angry"}, 422, "unknown_label", ["cautious, confrontational, none"]),
    ({**LABEL, "task": "topic", "label": "cautious"}, 422, "unknown_label", ["World"]),
    ({k: v for k, v in LABEL.items() if k != "label"}, 422, "missing_field", ["label"]),
    ({k: v for k, v in LABEL.items() if k != "task"}, 422, "missing_field", ["task"]),
    ({**LABEL, "headline": " ", "body": None}, 422, "empty_text", ["empty"]),
    ({**LABEL, "text": "both"}, 422, "conflicting_fields", ["text"]),
    ({**LABEL, "colour": "red"}, 422, "unknown_field", ["colour"]),
    ({**LABEL, "annotator": "   "}, 422, "invalid_annotator", ["annotator"]),
    ({**LABEL, "published": "May 1st"}, 422, "invalid_date", ["published"]),
    ({**LABEL, "queue_id": 0}, 422, "wrong_type", ["queue_id"]),
    ({**LABEL, "queue_id": 99}, 404, "not_found", ["99"]),
    ([LABEL], 422, "wrong_type", ["object"]),
])
def test_bad_labels_are_refused_saying_why(client: FlaskClient, body: Any, status: int, code: str, words: list[str]) -> None:
    message = assert_error(client.post("/v1/feedback", json=body), status, code)["error"]["message"]
    assert all(w in message for w in words), message
    assert client.get("/v1/feedback?view=events").get_data() == b""  # nothing stored


def test_not_json_is_400(client: FlaskClient) -> None:
    assert_error(client.post("/v1/feedback", data="{", content_type="application/json"), 400, "invalid_json")
    assert_error(client.post("/v1/feedback", data="x=1"), 415, "unsupported_media_type")


def test_export_formats_views_and_filters(client: FlaskClient) -> None:
    first = client.post("/v1/feedback", json=LABEL).json
    second = client.post("/v1/feedback", json={**LABEL, "label": "cautious"}).json  # change of mind
    topic = client.post("/v1/feedback", json={"text": "Stocks fall", "task": "topic", "label": "Business",
                                              "annotator": "bob"}).json
    assert [r["id"] for r in jsonl(client.get("/v1/feedback"))] == [second["id"], topic["id"]]
    undo = client.post(f"/v1/feedback/{second['id']}/undo")
    assert undo.status_code == 201 and undo.json["kind"] == "undo" and undo.json["target_id"] == second["id"]
    assert [r["id"] for r in jsonl(client.get("/v1/feedback?task=framing"))] == [first["id"]]
    assert [r["kind"] for r in jsonl(client.get("/v1/feedback?view=events"))] == ["label", "label", "label", "undo"]
    assert [r["id"] for r in jsonl(client.get("/v1/feedback?annotator=bob"))] == [topic["id"]]
    since = topic["created_at"].replace("+00:00", "Z")
    assert [r["id"] for r in jsonl(client.get(f"/v1/feedback?view=events&since={since}"))] == [topic["id"], undo.json["id"]]
    assert [r["id"] for r in jsonl(client.get(f"/v1/feedback?view=events&until={since}"))] == [first["id"], second["id"]]
    response = client.get("/v1/feedback?format=csv")
    assert response.mimetype == "text/csv" and response.headers["X-Feedback-Count"] == "2"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["id"], r["label"], r["text"]) for r in rows] == [(str(first["id"]), "confrontational", first["item"]["text"]),
                                                                (str(topic["id"]), "Business", "Stocks fall")]
    assert_error(client.post(f"/v1/feedback/{second['id']}/undo"), 409, "cannot_undo")
    assert_error(client.post("/v1/feedback/12345/undo"), 404, "not_found")


def test_csv_export_defuses_spreadsheet_formulas_and_jsonl_keeps_the_text(client: FlaskClient) -> None:
    text = "=HYPERLINK(\"http://x\") - markets fall"
    client.post("/v1/feedback", json={"text": text, "task": "topic", "label": "Business"})
    [row] = list(csv.DictReader(io.StringIO(client.get("/v1/feedback?format=csv").get_data(as_text=True))))
    assert row["text"] == "'" + text
    assert jsonl(client.get("/v1/feedback"))[0]["item"]["text"] == text


@pytest.mark.parametrize("query, code", [("format=xml", "unknown_format"), ("view=all", "unknown_view"),
                                         ("task=mood", "unknown_task"), ("since=yesterday", "invalid_datetime"),
                                         ("until=2024-01-01T00:00:00", "invalid_datetime"), ("colour=red", "unknown_parameter")])
def test_bad_export_queries_are_422(client: FlaskClient, query: str, code: str) -> None:
    assert_error(client.get(f"/v1/feedback?{query}"), 422, code)


def test_api_key_applies(tiny_models: Path, db_url: str) -> None:  # noqa: F811
    keyed = create_app({"MODELS": str(tiny_models), "DB": db_url, "API_KEY": "k"})
    client = keyed.test_client()
    assert_error(client.post("/v1/feedback", json=LABEL), 401, "unauthorized")
    assert_error(client.get("/v1/feedback"), 401, "unauthorized")
    assert_error(client.get("/v1/queue/next"), 401, "unauthorized")
    assert client.post("/v1/feedback", json=LABEL, headers={"X-API-Key": "k"}).status_code == 201
    assert keyed.extensions["newsframe"].openapi["paths"]["/v1/feedback"]["post"]["security"] == [{"ApiKey": []}]
    keyed.extensions["newsframe"].feedback.close()


def test_queue_next_skip_label_undo_and_agreement(app: Flask, client: FlaskClient) -> None:
    store: FeedbackStore = app.extensions["newsframe"].feedback
    items = [Item.of(text=t) for t in ("First queued text", "Second queued text")]
    work_queue.add(store, [work_queue.Candidate(items[0], 0.9, 2, None, {}), work_queue.Candidate(items[1], 0.5, 1, None, {})])
    nxt = client.get("/v1/queue/next?annotator=ann&task=framing").json
    assert nxt["item"]["text"] == "First queued text" and nxt["labels"] == ["cautious", "confrontational", "none"]
    assert "explanation" in nxt["item"]["suggestion"] and nxt["progress"] == {"labelled": 0, "skipped": 0, "remaining": 2, "total": 2}
    first_id = nxt["item"]["queue_id"]
    labelled = client.post("/v1/feedback", json={"text": "First queued text", "task": "framing", "label": "cautious",
                                                 "annotator": "ann", "queue_id": first_id})
    assert labelled.status_code == 201 and labelled.json["queue_id"] == first_id
    skipped = client.post(f"/v1/queue/{nxt['item']['queue_id'] + 1}/skip", json={"task": "framing", "annotator": "ann"})
    assert skipped.status_code == 201 and skipped.json["kind"] == "skip"
    done = client.get("/v1/queue/next?annotator=ann&task=framing").json
    assert done["item"] is None and done["progress"] == {"labelled": 1, "skipped": 1, "remaining": 0, "total": 2}
    client.post(f"/v1/feedback/{skipped.json['id']}/undo")  # the skipped item comes back
    assert client.get("/v1/queue/next?annotator=ann").json["item"]["text"] == "Second queued text"
    # the doubly-queued item goes to a second annotator; the singly-queued one is still open to bob too
    assert client.get("/v1/queue/next?annotator=bob").json["item"]["queue_id"] == first_id
    client.post("/v1/feedback", json={"text": "First queued text", "task": "framing", "label": "confrontational",
                                      "annotator": "bob", "queue_id": first_id})
    assert client.get("/v1/agreement").json == {"tasks": {"framing": {"items": 1, "agreement": 0.0, "kappa": 0.0}}}
    assert_error(client.post("/v1/feedback", json={"text": "Other text", "task": "framing", "label": "cautious",
                                                   "queue_id": first_id}), 409, "queue_mismatch")
    assert_error(client.post("/v1/queue/999/skip", json={"task": "framing"}), 404, "not_found")
    assert_error(client.post(f"/v1/queue/{first_id}/skip", json={"task": "mood"}), 422, "unknown_task")
    assert_error(client.get("/v1/queue/next?task=mood"), 422, "unknown_task")


def test_label_page_is_served_without_external_assets(client: FlaskClient) -> None:
    response = client.get("/label")
    html = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 200 and "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "http://" not in html and "https://" not in html and 'id="label-item"' in html


def test_the_default_database_file_is_created_by_the_first_feedback(tiny_models: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(tiny_models, models, symlinks=True)
    default = tmp_path / "newsframe-feedback.sqlite"
    app = create_app({"MODELS": str(models)})
    client = app.test_client()
    assert client.post("/v1/predict", json={"text": "Markets rally"}).status_code == 200
    assert not default.exists()  # a server never sent feedback creates no database
    assert client.post("/v1/feedback", json=LABEL).status_code == 201
    assert default.is_file() and len(jsonl(client.get("/v1/feedback"))) == 1
    app.extensions["newsframe"].feedback.close()


def test_a_default_database_that_cannot_be_opened_is_503(tiny_models: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(tiny_models, models, symlinks=True)
    (tmp_path / "newsframe-feedback.sqlite").mkdir()  # a directory where the file should be
    client = create_app({"MODELS": str(models)}).test_client()
    assert client.post("/v1/predict", json={"text": "Markets rally"}).status_code == 200
    body = assert_error(client.post("/v1/feedback", json=LABEL), 503, "feedback_unavailable")
    assert str(tmp_path) not in body["error"]["message"]
