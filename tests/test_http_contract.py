"""The HTTP contract through Flask's test client: every endpoint, result shape and client error, no sockets.

What needs a real server process (bodies refused before they are read, chunked streams, metrics summed over
gunicorn workers, reloads, signals) is in tests/test_serve_api.py and tests/test_serve_lifecycle.py.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from newsframe.core.artifacts import resolve_version
from newsframe.serve.predictor import Predictor
from newsframe.serve.web.app import create_app
from serve_support import HEADLINE, assert_error

MAX_ITEMS, MAX_TEXT_CHARS, MAX_BODY = 256, 50_000, 2 * 1024 * 1024  # the documented defaults


@pytest.fixture(scope="module")
def keyed_app(tiny_models: Path) -> Flask:
    """An app with an API key and small limits (the mapping given to the factory)."""
    return create_app({"MODELS": str(tiny_models), "API_KEY": "s3cret-key", "MAX_CONTENT_LENGTH": 4096, "MAX_ITEMS": 3})


@pytest.fixture()
def keyed(keyed_app: Flask) -> FlaskClient:
    return keyed_app.test_client()


def get(client: FlaskClient, path: str, **kwargs: Any) -> Any:
    """GET a path, read the whole answer and close it (the page is sent from a file that must be closed)."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def post(client: FlaskClient, body: Any, **kwargs: Any) -> Any:
    """POST a JSON body to /v1/predict."""
    return client.post("/v1/predict", json=body, **kwargs)


def test_single_prediction_matches_the_predictor(client: FlaskClient, tiny_models: Path) -> None:
    predictor = Predictor.load(tiny_models)
    for body, text in [({"headline": HEADLINE}, HEADLINE), ({"text": f"  {HEADLINE}\n"}, HEADLINE),
                       ({"headline": HEADLINE, "body": "Talks resume."}, f"{HEADLINE}\n\nTalks resume."),
                       ({"headline": None, "body": "Talks resume."}, "Talks resume.")]:
        response = post(client, body)
        assert response.status_code == 200, response.text
        result = response.json
        assert list(result) == ["topic", "framing", "model_version"]
        assert result["model_version"] == resolve_version(tiny_models).name == predictor.version
        expected = predictor.predict_one(text)
        for task in ("topic", "framing"):
            assert result[task]["label"] == expected[task]["label"]
            assert result[task]["scores"] == pytest.approx(expected[task]["scores"], abs=1e-12)
            if result[task]["label"] == "none":  # below the posture threshold: confidence is P(no posture)
                assert result[task]["confidence"] == pytest.approx(1.0 - result["framing"]["posture"], abs=1e-12)
            else:
                assert result[task]["confidence"] == max(result[task]["scores"].values())
            assert sum(result[task]["scores"].values()) == pytest.approx(1.0)
            assert "explanation" not in result[task]
        posture = result["framing"]["posture"]
        assert posture is None if not predictor.has_posture else 0.0 <= posture <= 1.0


def test_explanations_are_stable_and_flag_low_evidence(client: FlaskClient) -> None:
    first = post(client, {"text": HEADLINE, "explain": True})
    assert first.status_code == 200, first.text
    assert post(client, {"text": HEADLINE, "explain": True}).json == first.json
    for task in ("topic", "framing"):
        explanation = first.json[task]["explanation"]
        assert set(explanation) >= {"toward", "against", "low_evidence", "known_terms"}
        assert explanation["toward"], explanation
        assert all(t["weight"] > 0 for t in explanation["toward"]) and all(t["weight"] < 0 for t in explanation["against"])
        assert all(isinstance(t["term"], str) and t["term"].strip() for t in explanation["toward"] + explanation["against"])
    short = post(client, {"text": "Zzyzx", "explain": True}).json
    assert short["topic"]["explanation"]["low_evidence"] is True


def test_batch_keeps_order_and_isolates_bad_items(client: FlaskClient) -> None:
    items = [{"text": HEADLINE}, {"text": "   "}, 7, {"headline": "Shares rally", "body": "Stocks rose."},
             {"text": "x", "headline": "y"}, {"text": "ok", "id": 3}, {"text": "a" * (MAX_TEXT_CHARS + 1)}, {}]
    response = post(client, {"items": items})
    assert response.status_code == 200, response.text
    results = response.json["results"]
    assert len(results) == len(items)
    codes = [r.get("error", {}).get("code") for r in results]
    assert codes == [None, "empty_text", "wrong_type", None, "conflicting_fields", "unknown_field", "text_too_long", "missing_text"]
    assert results[0] == {k: v for k, v in post(client, {"text": HEADLINE}).json.items()}
    assert "items[2]" in results[2]["error"]["message"]
    explained = post(client, {"items": [{"text": HEADLINE}], "explain": True}).json["results"][0]
    assert "explanation" in explained["topic"] and "explanation" in explained["framing"]
    full = post(client, {"items": [{"text": f"headline {i}"} for i in range(MAX_ITEMS)]})
    assert full.status_code == 200 and len(full.json["results"]) == MAX_ITEMS


@pytest.mark.parametrize("body, status, code", [
    ([HEADLINE], 422, "wrong_type"),
    ("just a string", 422, "wrong_type"),
    ({"text": 42}, 422, "wrong_type"),
    ({"text": None}, 422, "wrong_type"),
    ({"headline": ["a"]}, 422, "wrong_type"),
    ({"body": {"b": 1}}, 422, "wrong_type"),
    ({"text": HEADLINE, "explain": "yes"}, 422, "wrong_type"),
    ({"items": {"text": HEADLINE}}, 422, "wrong_type"),
    ({"items": [], "explain": False}, 422, "empty_batch"),
    ({"text": HEADLINE, "lang": "en"}, 422, "unknown_field"),
    ({"items": [{"text": HEADLINE}], "text": HEADLINE}, 422, "unknown_field"),
    ({}, 422, "missing_text"),
    ({"explain": True}, 422, "missing_text"),
    ({"headline": None, "body": None}, 422, "empty_text"),
    ({"text": ""}, 422, "empty_text"),
    ({"text": " \t\n\u00a0\u2003 "}, 422, "empty_text"),
    ({"headline": "  ", "body": "\n"}, 422, "empty_text"),
    ({"text": HEADLINE, "headline": HEADLINE}, 422, "conflicting_fields"),
    ({"text": "a" * (MAX_TEXT_CHARS + 1)}, 413, "text_too_long"),
    ({"items": [{"text": "a"}] * (MAX_ITEMS + 1)}, 422, "too_many_items"),
])
def test_bad_json_shapes(client: FlaskClient, body: object, status: int, code: str) -> None:
    assert_error(post(client, body), status, code)


@pytest.mark.parametrize("data, content_type, status, code", [
    (b'{"text": "unterminated', "application/json", 400, "invalid_json"),
    (b"", "application/json", 400, "invalid_json"),
    (b'{"text": "caf\xe9"}', "application/json", 400, "invalid_json"),
    (b'{"text": NaN}', "application/json", 400, "invalid_json"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "invalid_json"),
    (json.dumps({"text": HEADLINE}).encode(), "text/plain", 415, "unsupported_media_type"),
    (json.dumps({"text": HEADLINE}).encode(), "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    (json.dumps({"text": HEADLINE}).encode(), None, 415, "unsupported_media_type"),
    (b"{" + b" " * (MAX_BODY + 1) + b"}", "application/json", 413, "payload_too_large"),
])
def test_bad_bodies(client: FlaskClient, data: bytes, content_type: str | None, status: int, code: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/v1/predict", data=data, headers=headers)
    assert_error(response, status, code)


def test_json_with_charset_is_accepted(client: FlaskClient) -> None:
    data = json.dumps({"text": HEADLINE}).encode()
    response = client.post("/v1/predict", data=data, headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200


def test_api_key(keyed: FlaskClient) -> None:
    assert_error(post(keyed, {"text": HEADLINE}), 401, "unauthorized")
    assert_error(post(keyed, {"text": HEADLINE}, headers={"X-API-Key": "s3cret-kez"}), 401, "unauthorized")
    assert_error(post(keyed, {"text": HEADLINE}, headers={"Authorization": "Basic s3cret-key"}), 401, "unauthorized")
    assert_error(get(keyed, "/v1/models"), 401, "unauthorized")
    assert post(keyed, {"text": HEADLINE}, headers={"X-API-Key": "s3cret-key"}).status_code == 200
    assert post(keyed, {"text": HEADLINE}, headers={"Authorization": "Bearer s3cret-key"}).status_code == 200
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/"):
        assert get(keyed, path).status_code == 200, path
    doc = get(keyed, "/openapi.json").json
    assert doc["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"
    assert "401" in doc["paths"]["/v1/predict"]["post"]["responses"]
    limits = get(keyed, "/v1/models", headers={"X-API-Key": "s3cret-key"}).json["limits"]
    assert limits == {"max_items": 3, "max_text_chars": 4096, "max_body_bytes": 4096}
    too_many = post(keyed, {"items": [{"text": "a"}] * 4}, headers={"X-API-Key": "s3cret-key"})
    assert_error(too_many, 422, "too_many_items")


def test_routing_errors(client: FlaskClient) -> None:
    assert_error(get(client, "/v2/predict"), 404, "not_found")
    response = get(client, "/v1/predict")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]
    assert_error(client.put("/healthz"), 405, "method_not_allowed")


def test_models_endpoint(client: FlaskClient, tiny_models: Path) -> None:
    response = get(client, "/v1/models")
    assert response.status_code == 200
    info = response.json
    manifest = json.loads((resolve_version(tiny_models) / "manifest.json").read_text(encoding="utf-8"))
    assert info["version"] == manifest["version"] and info["created"] == manifest["created"]
    assert info["data"]["fingerprint"] == manifest["data"]["fingerprint"]
    for task in ("topic", "framing"):
        assert info["tasks"][task]["labels"] == manifest["tasks"][task]["labels"]
        assert info["tasks"][task]["metrics"]["macro_f1"] == manifest["tasks"][task]["metrics"]["held_out"]["macro_f1"]
    assert info["limits"] == {"max_items": MAX_ITEMS, "max_text_chars": MAX_TEXT_CHARS, "max_body_bytes": MAX_BODY}
    assert str(tiny_models) not in response.text  # no server paths


def test_health_readiness_and_documents(client: FlaskClient) -> None:
    assert get(client, "/healthz").json == {"status": "ok"}
    ready = get(client, "/readyz").json
    assert ready["status"] == "ready" and ready["model_version"]
    doc = get(client, "/openapi.json").json
    assert doc["openapi"].startswith("3.") and "/v1/predict" in doc["paths"] and "securitySchemes" not in doc["components"]
    assert doc["components"]["schemas"]["Batch"]["properties"]["items"]["maxItems"] == MAX_ITEMS
    page = get(client, "/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ["/"] + re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        text = get(client, asset).text
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text), f"external reference in {asset}"
    assert len(re.findall(r'(?:src|href)="/static/', page.text)) == 2
