"""What needs the real server process (gunicorn, 2 workers, tiny model): bodies refused before they are read,
chunked streams, and metrics summed over workers. The HTTP contract itself: tests/test_http_contract.py."""
from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Iterator

import pytest
import requests
from serve_support import Server

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
