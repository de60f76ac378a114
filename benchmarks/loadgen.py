"""Bounded HTTP load generator for the serving benchmarks (loopback only).

    from loadgen import run_load
    r = run_load("http://127.0.0.1:5001/invocations", body_bytes, connections=8, duration=10)
    # {"tool": "wrk", "requests": ..., "requests_per_s": ..., "p50_ms": ..., "p99_ms": ..., "errors": ...}

Uses wrk (Debian package `wrk`) with a generated Lua script for the POST body when
it is on PATH, else a Python client (one thread per keep-alive connection).
Every run is bounded by `duration` seconds (plus a short grace), and only
loopback targets (127.0.0.0/8, localhost, ::1) are accepted.

Standard library only, so it runs under any interpreter (main or bench venv).
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from urllib.parse import urlsplit

LUA = r"""
local f = assert(io.open(%(body_path)s, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = %(content_type)s

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "errors_connect": %%d, "errors_read": %%d, ' ..
    '"errors_write": %%d, "errors_status": %%d, "errors_timeout": %%d, "p50_us": %%d, "p90_us": %%d, ' ..
    '"p99_us": %%d, "mean_us": %%.1f, "max_us": %%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"load generation is limited to loopback addresses, not {host!r}")


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(url: str, body: bytes, connections: int, duration: float, *, threads: int = 1,
            content_type: str = "application/json", timeout_s: float = 10.0) -> dict:
    _check_loopback(url)
    threads = max(1, min(threads, connections))
    with tempfile.TemporaryDirectory(prefix="wrk-") as td:
        bp = os.path.join(td, "body")
        with open(bp, "wb") as f:
            f.write(body)
        sp = os.path.join(td, "post.lua")
        with open(sp, "w") as f:
            f.write(LUA % {"body_path": json.dumps(bp), "content_type": json.dumps(content_type)})
        cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(duration))}s",
               "--timeout", f"{max(1, round(timeout_s))}s", "-s", sp, url]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + timeout_s + 30)
    line = next((l for l in p.stdout.splitlines() if l.startswith("WRKJSON ")), None)
    if p.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({p.returncode}): {p.stdout[-2000:]} {p.stderr[-2000:]}")
    w = json.loads(line[len("WRKJSON "):])
    errors = sum(w[k] for k in ("errors_connect", "errors_read", "errors_write", "errors_status", "errors_timeout"))
    secs = w["duration_us"] / 1e6
    ok = w["requests"] - w["errors_status"]
    return {
        "tool": f"wrk -t{threads}", "connections": connections, "duration_s": secs,
        "requests": w["requests"], "ok_requests": ok, "errors": errors, "errors_detail": {
            k[len("errors_"):]: w[k] for k in w if k.startswith("errors_")},
        "requests_per_s": ok / secs if secs else 0.0,
        "p50_ms": w["p50_us"] / 1e3, "p90_ms": w["p90_us"] / 1e3, "p99_ms": w["p99_us"] / 1e3,
        "mean_ms": w["mean_us"] / 1e3, "max_ms": w["max_us"] / 1e3,
    }


def run_python(url: str, body: bytes, connections: int, duration: float, *,
               content_type: str = "application/json", timeout_s: float = 10.0) -> dict:
    """One thread per keep-alive connection, each sending requests back to back
    until the deadline. GIL-bound: fine for servers doing ~1k requests/s or less."""
    _check_loopback(url)
    u = urlsplit(url)
    path = (u.path or "/") + (f"?{u.query}" if u.query else "")
    headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
    lat: list[list[float]] = [[] for _ in range(connections)]
    errs = [0] * connections
    start = threading.Barrier(connections + 1)
    box = {}

    def worker(i):
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout_s)
        start.wait()
        deadline = box["deadline"]
        pc = time.perf_counter
        while True:
            t0 = pc()
            if t0 >= deadline:
                break
            try:
                conn.request("POST", path, body=body, headers=headers)
                r = conn.getresponse()
                r.read()
                if 200 <= r.status < 300:
                    lat[i].append(pc() - t0)
                else:
                    errs[i] += 1
            except (OSError, http.client.HTTPException):
                errs[i] += 1
                conn.close()
                conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout_s)
        conn.close()

    ts = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for t in ts:
        t.start()
    box["deadline"] = time.perf_counter() + duration
    t_start = time.perf_counter()
    start.wait()
    for t in ts:
        t.join(duration + timeout_s + 5)
    secs = time.perf_counter() - t_start
    all_lat = sorted(x for l in lat for x in l)
    n = len(all_lat)

    def pct(q):
        return all_lat[min(n - 1, int(q * n))] * 1e3 if n else float("nan")

    return {
        "tool": "python", "connections": connections, "duration_s": secs, "requests": n + sum(errs),
        "ok_requests": n, "errors": sum(errs), "requests_per_s": n / secs if secs else 0.0,
        "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99),
        "mean_ms": (sum(all_lat) / n * 1e3) if n else float("nan"), "max_ms": all_lat[-1] * 1e3 if n else float("nan"),
    }


def run_load(url: str, body: bytes | str, connections: int, duration: float = 10.0, *,
             tool: str = "auto", content_type: str = "application/json", timeout_s: float = 10.0) -> dict:
    """POST `body` to `url` over `connections` keep-alive connections for `duration` s.
    tool: "auto" (wrk if installed, else python), "wrk" or "python"."""
    if isinstance(body, str):
        body = body.encode()
    if tool == "auto":
        tool = "wrk" if have_wrk() else "python"
    if tool == "wrk":
        return run_wrk(url, body, connections, duration, content_type=content_type, timeout_s=timeout_s)
    if tool == "python":
        return run_python(url, body, connections, duration, content_type=content_type, timeout_s=timeout_s)
    raise ValueError(tool)


def wait_until_up(url: str, timeout_s: float = 120.0, proc=None) -> None:
    """Poll GET url until it answers 2xx (proc: a Popen to watch for an early exit)."""
    _check_loopback(url)
    u = urlsplit(url)
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before it came up")
        try:
            c = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=2)
            c.request("GET", u.path or "/")
            r = c.getresponse()
            r.read()
            c.close()
            if 200 <= r.status < 300:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not come up in {timeout_s} s")
