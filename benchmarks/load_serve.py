#!/usr/bin/env python3
"""Bounded load run of the HTTP service on loopback (issue 3): requests/s and p50/p99 latency.

Starts `newsframe serve` (gunicorn) on a free 127.0.0.1 port with a trained model, checks one answer, then
POSTs to /v1/predict for --duration seconds per cell, at each --connections count, for
  * single: one headline per request ({"headline": ...}),
  * batch64: 64 headlines per request ({"items": [...]}),
with benchmarks/loadgen.run_load (wrk with a Lua POST script when wrk is installed, else a Python client),
and prints one line per cell. Any error (connect/read/timeout/non-2xx) makes the exit status 1.

  newsframe train --out /tmp/fm                       # default config on the bundled data (~1-3 min)
  python benchmarks/load_serve.py --models /tmp/fm    # -> benchmarks/results/load_serve.json
  python benchmarks/load_serve.py --models /tmp/fm --workers 3 --threads 1 --duration 5 --connections 1,8

Loopback only (loadgen refuses other hosts). The server is stopped with SIGTERM and must exit 0.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from loadgen import have_wrk, run_load, wait_until_up  # noqa: E402

HEADLINE = "Washington weighs sanctions as Moscow demands talks on Ukraine"
SAMPLE_HEADLINES = HERE.parent / "data" / "samples" / "headlines.csv"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def headlines(n: int) -> list[str]:
    """``n`` headlines: the bundled samples, cycled (the seed headline if the file is missing)."""
    found: list[str] = []
    if SAMPLE_HEADLINES.is_file():
        with open(SAMPLE_HEADLINES, newline="", encoding="utf-8") as f:
            found = [row["headline"] for row in csv.DictReader(f) if row.get("headline")]
    found = found or [HEADLINE]
    return [found[i % len(found)] for i in range(n)]


def server_cpu_seconds(master: int) -> float | None:
    """User+system CPU seconds of the gunicorn master and its live workers (Linux /proc), else None."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        total = 0
        for pid in [str(master), *children]:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick
    except (OSError, IndexError, ValueError):
        return None


def post(url: str, body: bytes) -> dict:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="/tmp/fm", help="models directory trained with the default config")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1, help=">1: gthread workers (default: newsframe's gevent worker)")
    ap.add_argument("--sync", action="store_true",
                    help="for comparison: the same app under plain gunicorn sync workers (the front before issue 19)")
    ap.add_argument("--connections", default="1,8", help="comma-separated connection counts")
    ap.add_argument("--scenarios", default="single,batch64", help="comma-separated: single, batch64")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds per cell")
    ap.add_argument("--tool", default="auto", choices=["auto", "wrk", "python"])
    ap.add_argument("--out", default=str(HERE / "results" / "load_serve.json"))
    args = ap.parse_args(argv)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSFRAME_", "PROMETHEUS_"))}
    command = [sys.executable, "-m", "newsframe.cli", "serve", "--models", args.models, "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads), "--watch", "0"]
    if args.sync:
        env["NEWSFRAME_MODELS"] = args.models
        command = [sys.executable, "-m", "gunicorn", "--preload", "-k", "sync", "-w", str(args.workers),
                   "-b", f"127.0.0.1:{port}", "newsframe.serve.web.app:create_app()"]
    log = tempfile.NamedTemporaryFile(prefix="load_serve-", suffix=".log", delete=False)
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    cells, exit_code = [], 0
    try:
        wait_until_up(base + "/readyz", timeout_s=180, proc=server)
        bodies = {"single": json.dumps({"headline": HEADLINE}).encode(),
                  "batch64": json.dumps({"items": [{"headline": h} for h in headlines(64)]}).encode()}
        answer = post(base + "/v1/predict", bodies["single"])
        assert answer["topic"]["label"] and answer["framing"]["label"], answer
        assert len(post(base + "/v1/predict", bodies["batch64"])["results"]) == 64
        version = answer["model_version"]
        tool = args.tool if args.tool != "auto" else ("wrk" if have_wrk() else "python")
        front = "sync" if args.sync else ("gthread" if args.threads > 1 else "gevent (NewsframeWorker)")
        print(f"model {version}; gunicorn {front}, {args.workers} worker(s) x {args.threads} thread(s); {tool}; "
              f"{args.duration:g} s per cell; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
        for scenario in args.scenarios.split(","):
            body = bodies[scenario]
            docs = 64 if scenario == "batch64" else 1
            for connections in [int(c) for c in args.connections.split(",")]:
                post(base + "/v1/predict", body)  # warm the connection path
                cpu_before = server_cpu_seconds(server.pid)
                r = run_load(base + "/v1/predict", body, connections, args.duration, tool=tool)
                cpu_after = server_cpu_seconds(server.pid)
                cpu_us = (None if cpu_before is None or cpu_after is None or not r["requests"]
                          else (cpu_after - cpu_before) / r["requests"] * 1e6)
                r.update(scenario=scenario, docs_per_request=docs, docs_per_s=r["requests_per_s"] * docs,
                         server_cpu_us_per_request=cpu_us)
                cells.append(r)
                exit_code |= int(r["errors"] != 0)
                print(f"{scenario:8s} c={connections:<3d} {r['requests_per_s']:9.1f} req/s {r['docs_per_s']:10.1f} docs/s "
                      f"p50 {r['p50_ms']:7.2f} ms  p99 {r['p99_ms']:7.2f} ms  errors {r['errors']}  "
                      f"server CPU {cpu_us or float('nan'):8.0f} us/request", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            stopped = server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            stopped = server.wait()
        log.close()
    if stopped != 0:
        print(f"server exited with {stopped}; log: {log.name}", file=sys.stderr)
        exit_code = 1
    else:
        os.unlink(log.name)
    result = {"command": " ".join([Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])]),
              "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "model_version": version if cells else None,
              "workers": args.workers, "threads": args.threads, "sync": args.sync, "cpus": os.cpu_count(),
              "load_average_after": os.getloadavg(), "python": platform.python_version(), "cells": cells}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
