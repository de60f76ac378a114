#!/usr/bin/env python3
"""Serving peer (issue 6, part 2): `mlflow models serve` of a scikit-learn pipeline
equivalent to the plain baseline (TfidfVectorizer() + LogisticRegression(max_iter=1000),
behind a ColumnTransformer that picks the "text" column, since the MLflow scoring
server hands the model a DataFrame), trained on all of AG News dev.csv.

Runs under the bench venv, which has mlflow (benchmarks/setup_peers.sh):

  ../newsframe-bench-venv/bin/python benchmarks/serving_peer.py            # -> benchmarks/results/serving_peer.json
  ../newsframe-bench-venv/bin/python benchmarks/serving_peer.py --duration 2 --connections 1,8   # quick look

Steps: train; log the model to an MLflow tracking store outside the repo
($BENCH_MLFLOW_DIR, default /work/bench-mlflow); start
`mlflow models serve -m <model uri> --env-manager local -h 127.0.0.1 -p PORT -w WORKERS`;
check its answer against the in-process prediction; then, for a single headline
and for a 64-headline batch, load it at 1, 8 and 32 connections for --duration
seconds per cell (loadgen.run_load: wrk if installed, else a Python client) and
record requests/s, documents/s and p50/p99 latency; also the in-process predict
rate of the same pipeline (the ceiling); stop the server.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_data  # noqa: E402
from loadgen import have_wrk, run_load, wait_until_up  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_pipeline():
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([
        ("select", ColumnTransformer([("tfidf", TfidfVectorizer(), "text")])),
        ("clf", LogisticRegression(max_iter=1000)),
    ])


def payload(docs: list[str]) -> bytes:
    return json.dumps({"dataframe_split": {"columns": ["text"], "data": [[d] for d in docs]}}).encode()


def in_process(pipe, docs_single: list[str], batch: list[str], seconds: float = 3.0) -> dict:
    import pandas as pd

    out = {}
    for name, make in (("single", lambda i: pd.DataFrame({"text": [docs_single[i % len(docs_single)]]})),
                       ("batch64", lambda i: pd.DataFrame({"text": batch}))):
        frames = [make(i) for i in range(50)]
        for f in frames[:10]:
            pipe.predict(f)
        n_calls, t0 = 0, time.perf_counter()
        lat = []
        while time.perf_counter() - t0 < seconds:
            t1 = time.perf_counter()
            pipe.predict(frames[n_calls % len(frames)])
            lat.append(time.perf_counter() - t1)
            n_calls += 1
        secs = time.perf_counter() - t0
        lat.sort()
        per = 1 if name == "single" else len(batch)
        out[name] = {"calls_per_s": n_calls / secs, "docs_per_s": n_calls * per / secs,
                     "p50_ms": lat[len(lat) // 2] * 1e3, "p99_ms": lat[int(len(lat) * 0.99)] * 1e3}
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=10.0, help="seconds per cell (default 10)")
    p.add_argument("--connections", default="1,8,32")
    p.add_argument("--workers", type=int, default=1, help="mlflow serve uvicorn workers (its default: 1)")
    p.add_argument("--tool", default="auto", choices=["auto", "wrk", "python"])
    p.add_argument("--mlflow-dir", default=os.environ.get("BENCH_MLFLOW_DIR", "/work/bench-mlflow"))
    p.add_argument("--out", default=str(HERE / "results" / "serving_peer.json"))
    args = p.parse_args(argv)

    import mlflow
    import mlflow.sklearn
    import numpy as np
    import pandas as pd
    import sklearn
    from mlflow.models import infer_signature

    loadavg_start = os.getloadavg()  # other work on the machine skews the figures
    texts, labels, names = bench_data.load_ag_news()
    headlines = bench_data.ag_headlines(200, seed=0)
    batch = headlines[:64]
    pipe = build_pipeline()
    t0 = time.perf_counter()
    pipe.fit(pd.DataFrame({"text": texts}), labels)
    train_s = time.perf_counter() - t0

    mdir = Path(args.mlflow_dir)
    mdir.mkdir(parents=True, exist_ok=True)
    tracking = f"sqlite:///{mdir / 'mlflow.db'}"
    mlflow.set_tracking_uri(tracking)
    mlflow.set_experiment("newsframe-serving-peer")
    example = pd.DataFrame({"text": batch[:2]})
    with mlflow.start_run(run_name="tfidf_lr_ag_news") as run:
        info = mlflow.sklearn.log_model(pipe, name="model", signature=infer_signature(example, pipe.predict(example)),
                                        input_example=example)
    model_uri = info.model_uri
    print(f"logged {model_uri} (run {run.info.run_id}) to {tracking}", file=sys.stderr)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    venv_bin = str(Path(sys.executable).parent)
    # as if the venv were activated: mlflow execs `uvicorn` from PATH
    env = dict(os.environ, MLFLOW_TRACKING_URI=tracking, PATH=venv_bin + os.pathsep + os.environ.get("PATH", ""))
    mlflow_bin = str(Path(venv_bin) / "mlflow")
    cmd = [mlflow_bin, "models", "serve", "-m", model_uri, "--env-manager", "local",
           "-h", "127.0.0.1", "-p", str(port), "-w", str(args.workers)]
    log = open(mdir / "serve.log", "w")
    srv = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=mdir)
    results = {}
    try:
        t0 = time.perf_counter()
        wait_until_up(base + "/ping", timeout_s=180, proc=srv)
        startup_s = time.perf_counter() - t0
        # correctness check against the in-process pipeline
        import urllib.request
        req = urllib.request.Request(base + "/invocations", data=payload(batch),
                                     headers={"Content-Type": "application/json"})
        got = json.loads(urllib.request.urlopen(req, timeout=30).read())["predictions"]
        want = pipe.predict(pd.DataFrame({"text": batch})).tolist()
        if got != want:
            raise RuntimeError(f"served predictions differ from in-process ones: {got[:5]} vs {want[:5]}")

        cells = []
        conns = [int(c) for c in args.connections.split(",")]
        for kind, body, per in (("single", payload(batch[:1]), 1), ("batch64", payload(batch), 64)):
            # short warm-up so the first cell does not pay for lazy imports
            run_load(base + "/invocations", body, 1, 1.0, tool=args.tool)
            for c in conns:
                r = run_load(base + "/invocations", body, c, args.duration, tool=args.tool)
                r.update(payload=kind, docs_per_request=per, docs_per_s=r["requests_per_s"] * per)
                cells.append(r)
                print(f"  mlflow serve {kind:7} c={c:2}: {r['requests_per_s']:8.1f} req/s  "
                      f"p50 {r['p50_ms']:7.2f} ms  p99 {r['p99_ms']:7.2f} ms  errors {r['errors']}",
                      file=sys.stderr, flush=True)
    finally:
        try:
            os.killpg(srv.pid, signal.SIGTERM)
            srv.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(srv.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()

    ceiling = in_process(pipe, headlines, batch)
    results = {
        "meta": {
            "machine": {"platform": platform.platform(), "nproc": os.cpu_count(), "python": sys.version.split()[0]},
            "mlflow": mlflow.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__,
            "pandas": pd.__version__, "serve_command": " ".join(cmd), "workers": args.workers,
            "load_tool": cells[0]["tool"] if cells else None, "wrk_installed": have_wrk(),
            "duration_per_cell_s": args.duration, "model": "ColumnTransformer(text -> TfidfVectorizer()) + "
            "LogisticRegression(max_iter=1000), trained on AG News dev.csv (6,080 rows)",
            "train_s": train_s, "server_startup_s": startup_s,
            "loadavg_start": loadavg_start, "loadavg_end": os.getloadavg(),
            "payload": 'POST /invocations {"dataframe_split": {"columns": ["text"], "data": [[headline], ...]}}',
        },
        "mlflow_serve": cells,
        "in_process": ceiling,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1))

    print(f"{'server':14} {'payload':8} {'conns':>5} {'req/s':>9} {'docs/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for r in cells:
        print(f"{'mlflow serve':14} {r['payload']:8} {r['connections']:5d} {r['requests_per_s']:9.1f} "
              f"{r['docs_per_s']:9.1f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['errors']:6d}")
    for k, v in ceiling.items():
        print(f"{'in-process':14} {k:8} {'-':>5} {v['calls_per_s']:9.1f} {v['docs_per_s']:9.1f} "
              f"{v['p50_ms']:8.2f} {v['p99_ms']:8.2f} {'-':>6}")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
