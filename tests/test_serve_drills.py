"""Fault drills of the real server (issue 19), over real sockets: slow and idle clients, errors the HTTP front
answers itself, SIGTERM under load, and a ``latest`` that goes wrong under the watcher."""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests
from newsframe.cli import main
from newsframe.core.artifacts import LATEST
from serve_support import HEADLINE, Server, assert_error

pytestmark = pytest.mark.slow

HEADER_TIMEOUT, REQUEST_TIMEOUT = 1, 2  # short documented timeouts, so the drills take seconds
BODY = json.dumps({"headline": HEADLINE}).encode()


@pytest.fixture(scope="module")
def server(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    args = ("--header-timeout", str(HEADER_TIMEOUT), "--request-timeout", str(REQUEST_TIMEOUT))
    srv = Server(tiny_models, tmp_path_factory.mktemp("serve-drills"), workers=2, args=args).wait_ready()
    yield srv
    assert srv.stop() == 0, srv.log()


def _connect(server: Server, first: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    if first:
        sock.sendall(first)
    return sock


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    out = b""
    while chunk := sock.recv(65536):
        out += chunk
    return out


def _json_error(answer: bytes, status: int, code: str) -> dict:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), answer[:300]
    assert b"\r\ncontent-type: application/json" in head.lower(), head
    error = json.loads(body)
    assert set(error) == {"error"} and set(error["error"]) == {"code", "message"} and error["error"]["code"] == code
    assert error["error"]["message"] and b"<html" not in answer.lower() and b"Traceback" not in answer
    return error


def test_slow_and_idle_clients_do_not_hold_up_predictions(server: Server) -> None:
    stalled_head = (b"POST /v1/predict HTTP/1.1\r\nHost: drill\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1048576\r\n\r\n{\"text\": \"aaaa")
    idle = [_connect(server) for _ in range(40)]
    slow = [_connect(server, b"POST /v1/predict HTTP/1.1\r\nHost: drill\r\n") for _ in range(10)]
    stalled = [_connect(server, stalled_head) for _ in range(4)]
    opened = time.monotonic()
    latencies = []
    while time.monotonic() - opened < HEADER_TIMEOUT * 0.8:  # all 54 connections are still open meanwhile
        started = time.monotonic()
        response = requests.post(server.url + "/v1/predict", data=BODY, timeout=2,
                                 headers={"Content-Type": "application/json", "Connection": "close"})
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200, response.text
        for sock in slow:
            sock.send(b"X")  # a byte at a time: keeps the header arriving, never finishing it
    assert len(latencies) >= 5 and max(latencies) < 2.0, latencies
    # Then each kind is cut after its documented timeout: idle and slow headers after the header timeout (no
    # answer), a stalled body after the request timeout (408 in the JSON shape).
    for sock in idle + slow:
        sock.settimeout(HEADER_TIMEOUT + 3)
        assert _answer(sock) == b""
    assert time.monotonic() - opened < HEADER_TIMEOUT + 3
    for sock in stalled:
        sock.settimeout(REQUEST_TIMEOUT + HEADER_TIMEOUT + 3)
        _json_error(_answer(sock), 408, "request_timeout")
    assert REQUEST_TIMEOUT <= time.monotonic() - opened < REQUEST_TIMEOUT + 3
    for sock in idle + slow + stalled:
        sock.close()
    assert server.post({"text": HEADLINE}).status_code == 200


@pytest.mark.parametrize("request_bytes, status, code", [
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n", 431, "headers_too_large"),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(200)) + b"\r\n", 431,
     "headers_too_large"),
    (b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "uri_too_long"),
    (b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}",
     400, "bad_request"),
    (b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400, "bad_request"),
    (b"GARBAGE\r\n\r\n", 400, "bad_request"),
    (b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 400, "bad_request"),
    (b"GET /healthz HTTP/1.1\r\nBad Header: x\r\n\r\n", 400, "bad_request"),
    (b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"zz\r\n", 400, "invalid_body"),
    (b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400, "bad_request"),
])
def test_errors_the_http_front_answers_are_json(server: Server, request_bytes: bytes, status: int, code: str) -> None:
    with _connect(server) as sock:
        try:
            sock.sendall(request_bytes)
        except OSError:
            pass  # the server may answer and stop reading before the whole oversized request is sent
        _json_error(_answer(sock), status, code)
    assert "Traceback" not in server.log()


def test_blank_means_what_str_strip_removes_in_schema_and_validation(server: Server) -> None:
    for blank in ("\u001c", "\u0085 \u2028", "\t\u3000"):
        assert_error(server.post({"headline": blank}), 422, "empty_text")
        assert_error(server.post({"text": blank}), 422, "empty_text")
    assert server.post({"text": "\ufeff"}).status_code == 200  # not white space for str.strip(), so not blank
    schemas = requests.get(server.url + "/openapi.json", timeout=10).json()["components"]["schemas"]
    pattern = re.compile(schemas["Item"]["oneOf"][0]["properties"]["text"]["pattern"])
    disagree = [hex(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000
                and (pattern.search(chr(i)) is None) != (chr(i).strip() == "")]
    assert disagree == []
    max_items = schemas["Batch"]["properties"]["items"]["maxItems"]
    assert_error(server.post({"items": [{"text": "a"}] * (max_items + 1)}), 422, "too_many_items")


class Clients:
    """``n`` clients sending predictions back to back: keep-alive ones, and ones opening a connection per request.

    A request fails when its connection was open (connect succeeded) but no complete 200 came back; a refused
    connect means the listener is closed, and ends that client.
    """

    def __init__(self, server: Server, n: int) -> None:
        self.server, self.ok, self.failed, self.refused = server, 0, [], 0
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i % 4 == 0,), daemon=True) for i in range(n)]

    def _run(self, fresh: bool) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        while not self._stop.is_set():
            if conn.sock is None:
                try:
                    conn.connect()
                except OSError:
                    with self._lock:
                        self.refused += 1
                    return
            try:
                conn.request("POST", "/v1/predict", body=BODY, headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise http.client.HTTPException(f"HTTP {response.status}")
                with self._lock:
                    self.ok += 1
                if fresh or response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                with self._lock:
                    self.failed.append(repr(exc))
                conn.close()

    def __enter__(self) -> "Clients":
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(30)

    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)


def test_sigterm_with_32_clients_drains_without_a_failed_request(tiny_models: Path, tmp_path: Path) -> None:
    drain = 1.5
    server = Server(tiny_models, tmp_path, workers=2, args=("--drain", str(drain))).wait_ready()
    readiness: list[int] = []
    with Clients(server, 32) as clients:
        time.sleep(1.0)
        before = clients.ok
        server.signal(signal.SIGTERM)
        sent = time.monotonic()
        while time.monotonic() - sent < drain * 0.8:
            readiness.append(requests.get(server.url + "/readyz", timeout=5).status_code)
            time.sleep(0.1)
        during_drain = clients.ok
        deadline = time.monotonic() + 30
        while clients.running() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not clients.running(), "clients still served 30 s after SIGTERM"
    assert clients.failed == [], clients.failed[:5]
    assert clients.refused == 32 and before > 0 and during_drain > before  # served on during the drain
    assert set(readiness) == {503}, readiness
    assert server.process.wait(30) == 0, server.log()
    assert "draining for" in server.log() and "Traceback" not in server.log()
    server.stop()


def test_latest_watcher_logs_each_problem_once_and_keeps_serving(tiny_models: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(tiny_models, models, symlinks=True)  # a private copy whose latest the test breaks
    server = Server(models, tmp_path, workers=1, watch=0.1).wait_ready()
    version = os.readlink(models / LATEST)
    link = models / LATEST
    try:
        for breakage, words in [(lambda: os.symlink("20990101T000000Z-gone", link), "dangles"),
                                (lambda: None, "is missing"),
                                (lambda: link.write_text("not a version"), "is not a directory")]:
            link.unlink(missing_ok=True)
            breakage()
            time.sleep(1.0)  # ten checks
            assert server.log().count(words) == 1, server.log()[-2000:]
            assert server.post({"text": HEADLINE}).json()["model_version"] == version
        link.unlink()
        os.symlink(version, link)
        time.sleep(0.5)
        assert server.log().count("points to a version again") == 1
        assert "reloading" not in server.log()  # back to the version it serves: nothing to reload
        assert server.post({"text": HEADLINE}).status_code == 200
    finally:
        assert server.stop() == 0, server.log()


@pytest.mark.parametrize("argv", [["--port", "99999"], ["--port", "0"], ["--port", "http"], ["--drain", "-1"],
                                  ["--request-timeout", "nan"], ["--header-timeout", "0"]])
def test_bad_serve_options_are_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["serve", *argv])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {argv[0]}" in err and "internal error" not in err
