"""The gunicorn worker class ``newsframe serve`` runs: gevent, with deadlines and JSON answers for bad requests.

gunicorn's ``gevent`` worker gives every connection its own greenlet, so a client that connects and sends
nothing, sends its headers a byte a second or stalls in its body holds one greenlet, never a worker: the
others keep being served (sync workers, and threads, are held by each such client until it leaves). On top
of it this worker adds:

* **Deadlines.** The request line and headers must arrive within ``header_timeout`` seconds of the
  connection opening (or of the previous answer on a keep-alive connection; gunicorn's ``keepalive``
  setting, which also closes idle connections); then the body must be read and the answer written within
  ``request_timeout`` seconds. gevent's timer fires only while the greenlet waits for the network, so the
  model's own work is never cut; a client too slow with its body gets ``408 request_timeout``.
* **JSON errors** for requests the HTTP parser refuses before the app sees them (a header over 8190
  bytes: 431, a request line over 4094 bytes: 414, ``Content-Length: abc``: 400, ...), in the service's
  ``{"error": {"code", "message"}}`` shape instead of gunicorn's HTML page.

* **A stop that resets nothing**: SIGTERM is taken through gevent's loop (at once), and when the whole server
  stops the connections the kernel has already queued are accepted and answered before the listener closes
  (:mod:`newsframe.serve.web.shutdown`).

The timeouts come from the application object (``NewsframeServer.header_timeout``/``request_timeout``); the
worker is forked from the master, which has already loaded the model.
"""
from __future__ import annotations

import json
import signal
import socket
import time
from functools import partial
from http import HTTPStatus
from typing import Any

import gevent
import gevent.event
from gevent.pool import Pool
from gevent.server import StreamServer
from gunicorn import util
from gunicorn.http import errors as http_errors
from gunicorn.workers.ggevent import GeventWorker
from gunicorn.workers.gthread import ThreadWorker
from newsframe.serve.web.shutdown import STOP_SIGNALS, queued_connections, refuse_new_connections

# Parse errors answered with another status than 400, and their codes (the rest: 400 bad_request).
_PARSE_ERRORS: list[tuple[type[BaseException], int, str]] = [
    (http_errors.LimitRequestLine, 414, "uri_too_long"),
    (http_errors.LimitRequestHeaders, 431, "headers_too_large"),
    (http_errors.UnsupportedTransferCoding, 501, "not_implemented"),
    (http_errors.ExpectationFailed, 417, "expectation_failed"),
    (http_errors.ForbiddenProxyRequest, 403, "forbidden"),
    (http_errors.ConfigurationProblem, 500, "internal_error"),
]
MESSAGE_CHARS = 200  # a refused header or request line is quoted in the message only this far
LINGER_BYTES = 1 << 20  # after an error answer, at most this much of the rest of the request is read and dropped


class RequestTimeout(BaseException):
    """The client did not send its body (or take the answer) within the request deadline.

    A ``BaseException``, like gevent's own ``Timeout``: raised inside the app while it reads the body, it must
    pass Flask's handlers (which would make it a logged 500) and reach :meth:`NewsframeWorker.handle_error`."""


def classify(exc: BaseException) -> tuple[int, str, str] | None:
    """HTTP status, error code and message for an error met before or around the app; None: not the client's."""
    if isinstance(exc, RequestTimeout):
        return 408, "request_timeout", str(exc)
    if isinstance(exc, (http_errors.InvalidResponseHeader, http_errors.InvalidResponseHeaderName)):
        return None  # a header the app tried to send: the server's fault
    for kind, status, code in _PARSE_ERRORS:
        if isinstance(exc, kind):
            return status, code, _message(status, exc)
    if isinstance(exc, http_errors.ParseException):
        return 400, "bad_request", _message(400, exc)
    return None


def _message(status: int, exc: BaseException) -> str:
    detail = str(exc)
    if len(detail) > MESSAGE_CHARS:
        detail = detail[:MESSAGE_CHARS] + "..."
    limits = {414: "the request line is too long (limit 4094 bytes)",
              431: "a request header is too large or there are too many (limits 8190 bytes, 100 fields)"}
    return limits.get(status, f"the HTTP request is malformed: {type(exc).__name__} {detail}".rstrip())


def error_bytes(status: int, code: str, message: str) -> bytes:
    """A complete ``Connection: close`` HTTP/1.1 answer with the JSON error body."""
    body = json.dumps({"error": {"code": code, "message": message}}, separators=(",", ":")).encode("utf-8")
    head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "X-Content-Type-Options: nosniff\r\n\r\n")
    return head.encode("latin-1") + body


class JsonErrors:
    """Mixin for a gunicorn worker class: refused requests are answered with the JSON error shape."""

    log: Any

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        answer = classify(exc)
        if answer is None:
            self.log.exception("Error handling request %s", getattr(req, "uri", "(no URI read)"))
            answer = (500, "internal_error", "internal server error; the details are in the server log")
        else:
            self.log.warning("Invalid request from ip=%s: %s %s", (addr or ("",))[0], answer[0], answer[2])
        try:
            util.write_nonblock(client, error_bytes(*answer))
            _linger(client)
        except Exception:  # noqa: BLE001 - the client may be gone already
            self.log.debug("Failed to send error message.")


class _Listener:
    """What gunicorn's connection handler asks of the listening socket: its address."""

    def __init__(self, name: Any) -> None:
        self._name = name

    def getsockname(self) -> Any:
        return self._name


def _linger(client: Any, seconds: float = 1.0, limit: int = LINGER_BYTES) -> None:
    """Read (and drop) what the client still sends before the socket is closed: closing with unread data makes
    the kernel send a reset, which can destroy the error answer before the client has read it."""
    client.shutdown(socket.SHUT_WR)
    client.settimeout(seconds)
    received = 0
    try:
        while received < limit:
            chunk = client.recv(65536)
            if not chunk:
                break
            received += len(chunk)
    except OSError:
        pass


class SignalsAfterBoot:
    """Mixin for a gunicorn worker class: take the stop signals the master blocked around the fork
    (:meth:`DrainingArbiter.spawn_worker`) only once this worker's own handlers are installed."""

    def init_signals(self) -> None:
        super().init_signals()  # type: ignore[misc]
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


class NewsframeThreadWorker(SignalsAfterBoot, JsonErrors, ThreadWorker):
    """gunicorn's gthread worker with JSON answers for refused requests (``--threads N``; not the default:
    each slow client holds a thread)."""


class NewsframeWorker(JsonErrors, GeventWorker):
    """gunicorn's gevent worker with a request deadline and JSON answers for refused requests."""

    def init_signals(self) -> None:
        """gunicorn's handlers, then SIGTERM through gevent's loop: acted on at once, where a Python-level handler
        waits for the loop's next wake-up (up to a second); then the signals blocked around the fork."""
        super().init_signals()
        self._wake = gevent.event.Event()
        gevent.signal_handler(signal.SIGTERM, self._on_term)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

    def _on_term(self) -> None:
        self.alive = False
        if self._stopping():
            for listener in self.sockets:
                refuse_new_connections(listener)  # from now on the kernel queues no new connection
        self._wake.set()

    def _stopping(self) -> bool:
        flag = getattr(self.app, "drain_flag", None)
        return flag is not None and flag.stopping()

    def timeout_ctx(self) -> gevent.Timeout:
        """The deadline for a request line and headers (gunicorn's keep-alive wait), to the fraction of a second."""
        return gevent.Timeout(float(getattr(self.app, "header_timeout", self.cfg.keepalive)), False)

    def run(self) -> None:
        """gunicorn's ``GeventWorker.run`` (plain HTTP: ``newsframe serve`` sets no TLS), with the listen queue
        handed off before the listener closes when the whole server stops (see :mod:`.shutdown`)."""
        servers = []
        for listener in self.sockets:
            listener.setblocking(1)
            # The handler gets the listener's address, not the socket: a connection accepted just before the stop
            # may be handled after the listening socket is closed.
            handle = partial(self.handle, _Listener(listener.getsockname()))
            server = StreamServer(listener, handle=handle, spawn=Pool(self.worker_connections))
            if self.cfg.workers > 1:
                server.max_accept = 1  # share the queue with the other workers
            server.start()
            servers.append(server)
        while self.alive:
            self.notify()
            self._wake.wait(1.0)
        if self._stopping():
            self._hand_off_queue()
        for server in servers:
            server.close()
        deadline = time.monotonic() + self.cfg.graceful_timeout
        while any(server.pool.free_count() != server.pool.size for server in servers):
            if time.monotonic() > deadline:
                self.log.warning("Worker graceful timeout (pid:%s)", self.pid)
                for server in servers:
                    server.stop(timeout=1)
                return
            self.notify()
            gevent.sleep(0.1)

    def _hand_off_queue(self, limit: float = 5.0) -> None:
        """Refuse new connection attempts, then let the running servers accept what the kernel has queued."""
        listeners = [s for s in self.sockets if refuse_new_connections(s)]
        deadline = time.monotonic() + limit
        while any(queued_connections(s) for s in listeners) and time.monotonic() < deadline:
            self.notify()
            gevent.sleep(0.005)

    def handle_request(self, listener_name: Any, req: Any, sock: Any, addr: Any) -> bool:
        seconds = float(getattr(self.app, "request_timeout", 0) or 0)
        if seconds <= 0:
            return super().handle_request(listener_name, req, sock, addr)
        deadline = gevent.Timeout(seconds, RequestTimeout(
            f"the request body was not received (or the answer not taken) within {seconds:g} s"))
        deadline.start()
        try:
            return super().handle_request(listener_name, req, sock, addr)
        finally:
            deadline.close()
