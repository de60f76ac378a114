"""Every endpoint and every client error of the real server process (gunicorn, 2 workers, tiny model)."""
from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from typing import Iterator

import pytest
import requests
from newsframe.core.artifacts import resolve_version
from newsframe.serve.predictor import Predictor
from serve_support import HEADLINE, Server, assert_error

pytestmark = pytest.mark.slow

MAX_ITEMS, MAX_TEXT_CHARS, MAX_BODY = 256, 50_000, 2 * 1024 * 1024  # the documented defaults


@pytest.fixture(scope="module")
def server(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tiny_models, tmp_path_factory.mktemp("serve-api")).wait_ready()
    yield srv
    assert srv.stop() == 0, srv.log()


@pytest.fixture(scope="module")
def keyed(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with an API key and a small body limit (NEWSFRAME_* variables)."""
    env = {"NEWSFRAME_API_KEY": "s3cret-key", "NEWSFRAME_MAX_BODY_BYTES": "4096", "NEWSFRAME_MAX_ITEMS": "3"}
    srv = Server(tiny_models, tmp_path_factory.mktemp("serve-key"), workers=1, env=env).wait_ready()
    yield srv
    assert srv.stop() == 0, srv.log()


def test_single_prediction_matches_the_predictor(server: Server, tiny_models: Path) -> None:
    predictor = Predictor.load(tiny_models)
    for body, text in [({"headline": HEADLINE}, HEADLINE), ({"text": f"  {HEADLINE}\n"}, HEADLINE),
                       ({"headline": HEADLINE, "body": "Talks resume."}, f"{HEADLINE}\n\nTalks resume."),
                       ({"headline": None, "body": "Talks resume."}, "Talks resume.")]:
        response = server.post(body)
        assert response.status_code == 200, response.text
        result = response.json()
        assert list(result) == ["topic", "framing", "model_version"]
        assert result["model_version"] == resolve_version(tiny_models).name == predictor.version
        expected = predictor.predict_one(text)
        for task in ("topic", "framing"):
            assert result[task]["label"] == expected[task]["label"]
            assert result[task]["scores"] == pytest.approx(expected[task]["scores"], abs=1e-12)
            assert result[task]["confidence"] == max(result[task]["scores"].values())
            assert sum(result[task]["scores"].values()) == pytest.approx(1.0)
            assert "explanation" not in result[task]
        posture = result["framing"]["posture"]
        assert posture is None if not predictor.has_posture else 0.0 <= posture <= 1.0


def test_explanations_are_stable_and_flag_low_evidence(server: Server) -> None:
    first = server.post({"text": HEADLINE, "explain": True})
    assert first.status_code == 200, first.text
    assert server.post({"text": HEADLINE, "explain": True}).json() == first.json()
    for task in ("topic", "framing"):
        explanation = first.json()[task]["explanation"]
        assert set(explanation) >= {"toward", "against", "low_evidence", "known_terms"}
        assert explanation["toward"], explanation
        assert all(t["weight"] > 0 for t in explanation["toward"]) and all(t["weight"] < 0 for t in explanation["against"])
        assert all(isinstance(t["term"], str) and t["term"].strip() for t in explanation["toward"] + explanation["against"])
    short = server.post({"text": "Zzyzx", "explain": True}).json()
    assert short["topic"]["explanation"]["low_evidence"] is True


def test_batch_keeps_order_and_isolates_bad_items(server: Server) -> None:
    items = [{"text": HEADLINE}, {"text": "   "}, 7, {"headline": "Shares rally", "body": "Stocks rose."},
             {"text": "x", "headline": "y"}, {"text": "ok", "id": 3}, {"text": "a" * (MAX_TEXT_CHARS + 1)}, {}]
    response = server.post({"items": items})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == len(items)
    codes = [r.get("error", {}).get("code") for r in results]
    assert codes == [None, "empty_text", "wrong_type", None, "conflicting_fields", "unknown_field", "text_too_long", "missing_text"]
    assert results[0] == {k: v for k, v in server.post({"text": HEADLINE}).json().items()}
    assert "items[2]" in results[2]["error"]["message"]
    explained = server.post({"items": [{"text": HEADLINE}], "explain": True}).json()["results"][0]
    assert "explanation" in explained["topic"] and "explanation" in explained["framing"]
    full = server.post({"items": [{"text": f"headline {i}"} for i in range(MAX_ITEMS)]})
    assert full.status_code == 200 and len(full.json()["results"]) == MAX_ITEMS


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
    ({"items": [{"text": "a"}] * (MAX_ITEMS + 1)}, 413, "too_many_items"),
])
def test_bad_json_shapes(server: Server, body: object, status: int, code: str) -> None:
    assert_error(server.post(body), status, code)


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
def test_bad_bodies(server: Server, data: bytes, content_type: str | None, status: int, code: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = requests.post(server.url + "/v1/predict", data=data, headers=headers, timeout=30)
    assert_error(response, status, code)


def test_json_with_charset_is_accepted(server: Server) -> None:
    data = json.dumps({"text": HEADLINE}).encode()
    response = requests.post(server.url + "/v1/predict", data=data, headers={"Content-Type": "application/json; charset=utf-8"}, timeout=10)
    assert response.status_code == 200


def _raw_exchange(server: Server, head: bytes, body: bytes) -> bytes:
    """Send a request by hand and read the answer; a server waiting for the rest of the body times out here."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(head + body)
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def test_oversized_body_is_refused_before_it_is_read(server: Server) -> None:
    """Content-Length of 1 GB, only 20 bytes sent: the 413 comes at once, the rest is never awaited."""
    head = (f"POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {10**9}\r\n\r\n").encode()
    answer = _raw_exchange(server, head, b'{"text": "aaaaaaaaa')
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "payload_too_large"


def test_oversized_chunked_body_is_refused_while_streaming(keyed: Server) -> None:
    """A chunked body past the limit (4096 bytes here) gets 413 before the client has finished sending it."""
    head = (b"POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"X-API-Key: s3cret-key\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"400\r\n" + b" " * 1024 + b"\r\n"
    answer = _raw_exchange(keyed, head, chunk * 6)  # 6 KiB sent, no terminating chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_api_key(keyed: Server) -> None:
    assert_error(keyed.post({"text": HEADLINE}), 401, "unauthorized")
    assert_error(keyed.post({"text": HEADLINE}, headers={"X-API-Key": "s3cret-kez"}), 401, "unauthorized")
    assert_error(keyed.post({"text": HEADLINE}, headers={"Authorization": "Basic s3cret-key"}), 401, "unauthorized")
    assert_error(requests.get(keyed.url + "/v1/models", timeout=10), 401, "unauthorized")
    assert keyed.post({"text": HEADLINE}, headers={"X-API-Key": "s3cret-key"}).status_code == 200
    assert keyed.post({"text": HEADLINE}, headers={"Authorization": "Bearer s3cret-key"}).status_code == 200
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json", "/"):
        assert requests.get(keyed.url + path, timeout=10).status_code == 200, path
    doc = requests.get(keyed.url + "/openapi.json", timeout=10).json()
    assert doc["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"
    assert "401" in doc["paths"]["/v1/predict"]["post"]["responses"]
    limits = requests.get(keyed.url + "/v1/models", headers={"X-API-Key": "s3cret-key"}, timeout=10).json()["limits"]
    assert limits == {"max_items": 3, "max_text_chars": 4096, "max_body_bytes": 4096}
    too_many = keyed.post({"items": [{"text": "a"}] * 4}, headers={"X-API-Key": "s3cret-key"})
    assert_error(too_many, 413, "too_many_items")


def test_routing_errors(server: Server) -> None:
    assert_error(requests.get(server.url + "/v2/predict", timeout=10), 404, "not_found")
    response = requests.get(server.url + "/v1/predict", timeout=10)
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]
    assert_error(requests.put(server.url + "/healthz", timeout=10), 405, "method_not_allowed")


def test_models_endpoint(server: Server, tiny_models: Path) -> None:
    response = requests.get(server.url + "/v1/models", timeout=10)
    assert response.status_code == 200
    info = response.json()
    manifest = json.loads((resolve_version(tiny_models) / "manifest.json").read_text(encoding="utf-8"))
    assert info["version"] == manifest["version"] and info["created"] == manifest["created"]
    assert info["data"]["fingerprint"] == manifest["data"]["fingerprint"]
    for task in ("topic", "framing"):
        assert info["tasks"][task]["labels"] == manifest["tasks"][task]["labels"]
        assert info["tasks"][task]["metrics"]["macro_f1"] == manifest["tasks"][task]["metrics"]["held_out"]["macro_f1"]
    assert info["limits"] == {"max_items": MAX_ITEMS, "max_text_chars": MAX_TEXT_CHARS, "max_body_bytes": MAX_BODY}
    assert str(tiny_models) not in response.text  # no server paths


def test_health_readiness_and_documents(server: Server) -> None:
    assert requests.get(server.url + "/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(server.url + "/readyz", timeout=10).json()
    assert ready["status"] == "ready" and ready["model_version"]
    doc = requests.get(server.url + "/openapi.json", timeout=10).json()
    assert doc["openapi"].startswith("3.") and "/v1/predict" in doc["paths"] and "securitySchemes" not in doc["components"]
    assert doc["components"]["schemas"]["Batch"]["properties"]["items"]["maxItems"] == MAX_ITEMS
    page = requests.get(server.url + "/", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ["/"] + re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text):
        text = requests.get(server.url + asset, timeout=10).text
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text), f"external reference in {asset}"
    assert len(re.findall(r'(?:src|href)="/static/', page.text)) == 2


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics(server: Server) -> None:
    before = requests.get(server.url + "/metrics", timeout=10).text
    for _ in range(6):  # spread over both workers
        assert server.post({"text": "Shares rally as markets climb"}).status_code == 200
    server.post({"text": ""})
    server.post({"items": [{"text": "one"}, {"text": "two"}, {"text": ""}]})
    response = requests.get(server.url + "/metrics", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
    after = response.text
    ok = dict(endpoint="/v1/predict", method="POST", status="200")
    assert _metric(after, "newsframe_http_requests_total", **ok) - _metric(before, "newsframe_http_requests_total", **ok) == 7
    bad = dict(endpoint="/v1/predict", method="POST", status="422")
    assert _metric(after, "newsframe_http_requests_total", **bad) - _metric(before, "newsframe_http_requests_total", **bad) == 1
    assert _metric(after, "newsframe_http_request_duration_seconds_count", endpoint="/v1/predict", status="200") >= 7
    for task in ("topic", "framing"):
        grew = _metric(after, "newsframe_predictions_total", task=task) - _metric(before, "newsframe_predictions_total", task=task)
        assert grew == 8  # 6 single + 2 valid batch items
    version = requests.get(server.url + "/readyz", timeout=10).json()["model_version"]
    assert _metric(after, "newsframe_model_info", version=version) == 1
    requests.get(server.url + "/no/such/page", timeout=10)
    unmatched = _metric(requests.get(server.url + "/metrics", timeout=10).text, "newsframe_http_requests_total",
                        endpoint="unmatched", status="404")
    assert unmatched == _metric(after, "newsframe_http_requests_total", endpoint="unmatched", status="404") + 1
