#!/usr/bin/env python3
"""Fault drills of the HTTP service on loopback (issue 19): slow clients, and SIGTERM under load.

Starts ``newsframe serve`` on a free 127.0.0.1 port (extra server options after ``--``), then:

* ``slow``: keeps 40 idle sockets, 10 slow-header senders (one header byte a second) and 4 stalled bodies
  (``Content-Length: 1048576``, 16 bytes sent) open for ``--duration`` seconds, reopening each one the server
  cuts (as an attacker would), while 4 probe clients send ordinary predictions, each on a new connection
  with a 2 s timeout. Prints probe latency (p50/p99/max), probes over 2 s, and how long the server let each
  kind of slow connection live.
* ``sigterm``: 32 keep-alive clients send predictions back to back; after 2 s the server gets SIGTERM
  (``sigterm_fresh``: the same with a new connection for every request).
  A request counts as failed when its connection was open (connect succeeded) but no complete 200 came back;
  a refused connect means the listener is closed and ends that client. Prints requests, failures, the time
  from SIGTERM to the first refused connect, and what ``/readyz`` answered during the drain.

  python benchmarks/drill_serve.py --models /tmp/fm slow sigterm sigterm_fresh
  python benchmarks/drill_serve.py --models /tmp/fm sigterm -- --workers 2 --drain 3
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from loadgen import wait_until_up  # noqa: E402

BODY = json.dumps({"headline": "Washington weighs sanctions as Moscow demands talks on Ukraine"}).encode()
HEADERS = {"Content-Type": "application/json"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float | None:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3, 2) if ordered else None


class Attack:
    """Idle, slow-header and stalled-body sockets, each reopened when the server closes it."""

    KINDS = {"idle": 40, "slow_header": 10, "stalled_body": 4}

    def __init__(self, port: int) -> None:
        self.port, self.selector = port, selectors.DefaultSelector()
        self.lifetimes: dict[str, list[float]] = {kind: [] for kind in self.KINDS}
        self.refused = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, kind: str) -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        except OSError:
            self.refused += 1
            return
        if kind == "slow_header":
            sock.sendall(b"POST /v1/predict HTTP/1.1\r\nHost: drill\r\n")
        elif kind == "stalled_body":
            sock.sendall(b"POST /v1/predict HTTP/1.1\r\nHost: drill\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 1048576\r\n\r\n{\"text\": \"aaaaa")
        sock.setblocking(False)
        self.selector.register(sock, selectors.EVENT_READ, (kind, time.monotonic()))

    def _run(self) -> None:
        for kind, n in self.KINDS.items():
            for _ in range(n):
                self._open(kind)
        next_byte = time.monotonic() + 1
        while not self._stop.is_set():
            for key, _ in self.selector.select(timeout=0.1):
                kind, opened = key.data
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b""
                if not data:  # closed by the server (an answer before the close is fine)
                    self.selector.unregister(key.fileobj)
                    key.fileobj.close()
                    self.lifetimes[kind].append(time.monotonic() - opened)
                    self._open(kind)
            if time.monotonic() >= next_byte:
                next_byte += 1
                for key in list(self.selector.get_map().values()):
                    if key.data[0] == "slow_header":
                        try:
                            key.fileobj.send(b"X")  # one more byte of an endless header line
                        except OSError:
                            pass
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()

    def __enter__(self) -> "Attack":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


def probe_loop(port: int, until: float, latencies: list[float], failures: list[str]) -> None:
    while time.monotonic() < until:
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("POST", "/v1/predict", body=BODY, headers=HEADERS)
            response = conn.getresponse()
            response.read()
            took = time.monotonic() - started
            if response.status != 200:
                failures.append(f"HTTP {response.status}")
            else:
                latencies.append(took)
        except (OSError, http.client.HTTPException) as exc:
            failures.append(f"{type(exc).__name__} after {time.monotonic() - started:.2f} s")
        finally:
            conn.close()


def drill_slow(port: int, duration: float) -> dict:
    latencies: list[float] = []
    failures: list[str] = []
    with Attack(port) as attack:
        time.sleep(1.0)  # every slow connection open before the probes start
        until = time.monotonic() + duration
        probes = [threading.Thread(target=probe_loop, args=(port, until, latencies, failures)) for _ in range(4)]
        for t in probes:
            t.start()
        for t in probes:
            t.join(duration + 10)
    cut = {kind: {"cut": len(v), "median_s": round(sorted(v)[len(v) // 2], 2) if v else None,
                  "max_s": round(max(v), 2) if v else None} for kind, v in attack.lifetimes.items()}
    return {"probes_ok": len(latencies), "probes_failed": len(failures), "failures": sorted(set(failures))[:10],
            "p50_ms": pct(latencies, 0.5), "p99_ms": pct(latencies, 0.99),
            "max_ms": round(max(latencies) * 1e3, 2) if latencies else None, "slow_connections": cut}


def drill_sigterm(port: int, server: subprocess.Popen, fresh: bool, clients: int = 32) -> dict:
    counts = {"ok": 0, "failed": 0, "refused": 0}
    failures: list[str] = []
    lock = threading.Lock()
    first_refused: list[float] = []
    readiness: list[int] = []
    stop = threading.Event()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            if conn.sock is None:
                try:
                    conn.connect()
                except OSError:
                    with lock:
                        counts["refused"] += 1
                        first_refused.append(time.monotonic())
                    return  # the listener is closed: this client is done
            try:
                conn.request("POST", "/v1/predict", body=BODY, headers=HEADERS)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.will_close or fresh:
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                ok = False
                failures.append(type(exc).__name__)
                conn.close()
            with lock:
                counts["ok" if ok else "failed"] += 1

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    time.sleep(2.0)
    sent = time.monotonic()
    server.send_signal(signal.SIGTERM)
    deadline = sent + 60
    while any(t.is_alive() for t in threads) and time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            readiness.append(conn.getresponse().status)
            conn.close()
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join(10)
    exit_code = server.wait(60)
    return {"clients": clients, "connection_per_request": fresh, **counts, "failure_kinds": sorted(set(failures)),
            "refused_after_s": round(min(first_refused) - sent, 2) if first_refused else None,
            "stopped_after_s": round(time.monotonic() - sent, 2), "readyz_during_drain": sorted(set(readiness)),
            "exit_code": exit_code}


def start(models: str, extra: list[str]) -> tuple[subprocess.Popen, int, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSFRAME_", "PROMETHEUS_"))}
    log = tempfile.NamedTemporaryFile(prefix="drill_serve-", suffix=".log", delete=False)
    command = [sys.executable, "-m", "newsframe.cli", "serve", "--models", models, "--host", "127.0.0.1",
               "--port", str(port), "--watch", "0", *extra]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    wait_until_up(f"http://127.0.0.1:{port}/readyz", timeout_s=180, proc=server)
    return server, port, log.name


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("drills", nargs="+", choices=["slow", "sigterm", "sigterm_fresh"])
    ap.add_argument("--models", default="/tmp/fm")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds of probing under the slow-client attack")
    ap.add_argument("--out", default=None, help="write the figures as JSON here too")
    args = ap.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    results = {"server_args": extra, "cpus": os.cpu_count(), "load_average_before": os.getloadavg()}
    for drill in args.drills:
        server, port, log = start(args.models, extra)
        try:
            results[drill] = (drill_slow(port, args.duration) if drill == "slow"
                              else drill_sigterm(port, server, fresh=drill == "sigterm_fresh"))
        finally:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(60)
                except subprocess.TimeoutExpired:
                    server.kill()
        print(drill, json.dumps(results[drill]), f"(server log {log})", flush=True)
    results["load_average_after"] = os.getloadavg()
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
