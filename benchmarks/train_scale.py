#!/usr/bin/env python3
"""Training at scale (issue 18): time, peak memory and held-out accuracy of `newsframe train` at 100k, 1M and 3M rows,
streaming, against today's in-memory fit where it fits.

Data: data/topic/ag_news.csv (6,080 rows) is split once, stratified (seed 0), into a training pool (80%) and a test
pool (20%). Each size is a topic-only CSV of that many rows drawn with replacement (seeded) from the training pool
only -- the way benchmarks/train_growth.py builds large sets, but with the test rows kept out -- so accuracy is
measured on 1,216 AG News rows no training set contains. (Resampled rows repeat 4,864 originals: the vocabulary and
the hashed columns stop growing, so this measures growth in rows, not in vocabulary.)

Each run is the real command in a fresh child process, `newsframe train --data SIZE.csv --config CFG --out DIR`:
`wall_s` is its wall time (reading, hashing, fitting, calibration, evaluation, writing the version), `max_rss_mb`
its peak RSS from wait4, sampled too with psutil over the child's process tree (`tree_peak_mb`). Modes:

* `stream`: the streaming fit (config `[streaming] mode = "stream"`, defaults otherwise);
* `memory`: the in-memory fit at the chosen setting (word12+char25, NB alpha 0.1, C 0.1; one grid point and
  cv_folds = 2, so the search is two fits plus the refit and the refit on all rows: what `newsframe train` does with
  such a config), under an address-space cap so a size that does not fit fails alone.

    python benchmarks/train_scale.py                                   # stream 100k, 1M, 3M; memory 100k
    python benchmarks/train_scale.py --stream 100000 --memory 100000   # the accuracy comparison only
    python benchmarks/train_scale.py --smoke --out /tmp/s.json         # 1k rows each way, seconds
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = REPO / "data" / "topic" / "ag_news.csv"
MEMORY_CONFIG = """seed = 0
cv_folds = 2
[streaming]
mode = "memory"
[tasks.topic]
feature_sets = [{ name = "word12+char25", word_ngram = [1, 2], char_ngram = [2, 5], min_df = 2 }]
C = [0.1]
nb_alpha = [0.1]
"""
STREAM_CONFIG = """seed = 0
[streaming]
mode = "stream"
{extra}
"""


def pools(seed: int = 0):
    import pandas as pd
    from sklearn.model_selection import train_test_split

    frame = pd.read_csv(DATA, dtype=str, keep_default_na=False)
    train, test = train_test_split(frame, test_size=0.2, stratify=frame["topic"], random_state=seed)
    return train.reset_index(drop=True), test.reset_index(drop=True)


def write_sample(train, rows: int, path: Path, seed: int) -> None:
    import numpy as np

    idx = np.random.default_rng(seed).integers(0, len(train), size=rows)
    sample = train.iloc[idx][["headline", "body", "topic"]]
    sample.to_csv(path, index=False)


def _tree_rss(pid: int) -> float:
    import psutil

    try:
        proc = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20
    except psutil.Error:
        return 0.0


def run_train(data: Path, config: Path, out: Path, cap_gib: float | None) -> dict:
    """`newsframe train` in a child; wall time, wait4 max RSS and sampled tree peak RSS."""
    def limit() -> None:
        if cap_gib:
            cap = int(cap_gib * 1024 ** 3)
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    cmd = [sys.executable, "-c", "import sys; from newsframe.cli import main; sys.exit(main(sys.argv[1:]))", "train", "--data", str(data), "--config", str(config), "--out", str(out)]
    peak, started = [0.0], time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, text=True, preexec_fn=limit)
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.5):
                peak[0] = max(peak[0], _tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        stop.set()
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        lines = log.read().strip().splitlines()
    row = {"wall_s": round(time.perf_counter() - started, 2), "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
           "tree_peak_mb": round(peak[0], 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1), "exit": proc.returncode}
    if proc.returncode != 0:
        row["failed"] = (lines or ["?"])[-1]
    row["log_tail"] = lines[-8:]
    return row


def accuracy(models: Path, test) -> tuple[float, str]:
    from newsframe.core.artifacts import load_version
    from newsframe.core.schema import text_of

    model = load_version(models)
    texts, _ = text_of(test, "test pool")
    proba = model.pipelines["topic"].predict_proba(texts.tolist())
    labels = model.labels("topic")
    predicted = [labels[i] for i in proba.argmax(axis=1)]
    return float((test["topic"].to_numpy() == predicted).mean()), str(model.manifest.get("training"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stream", type=int, nargs="*", default=[100_000, 1_000_000, 3_000_000])
    ap.add_argument("--memory", type=int, nargs="*", default=[100_000])
    ap.add_argument("--stream-extra", default="", help="extra TOML lines for the [streaming] table (e.g. 'epochs = 3')")
    ap.add_argument("--memory-cap-gib", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--smoke", action="store_true", help="1,000 rows each way")
    ap.add_argument("--workdir", default=None, help="where the sample CSVs and models go (default: a temp dir)")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    if args.smoke:
        args.stream, args.memory = [1_000], [1_000]
        args.stream_extra = args.stream_extra or "chunk_rows = 500\nhash_features = 65536"
    out = Path(args.out) if args.out else HERE / "results" / "train_scale.json"
    train_pool, test_pool = pools(args.seed)
    report = {"benchmark": "train_scale", "cpus": os.cpu_count(), "load_before": [round(x, 2) for x in os.getloadavg()],
              "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "train_pool": len(train_pool), "test_pool": len(test_pool),
              "stream_extra": args.stream_extra, "runs": []}
    with tempfile.TemporaryDirectory(prefix="newsframe-scale-", dir=args.workdir) as work:
        work = Path(work)
        (work / "memory.toml").write_text(MEMORY_CONFIG)
        (work / "stream.toml").write_text(STREAM_CONFIG.format(extra=args.stream_extra))
        plan = [("memory", n) for n in args.memory] + [("stream", n) for n in args.stream]
        for mode, rows in sorted(plan, key=lambda p: (p[1], p[0])):
            data = work / f"ag_{rows}.csv"
            if not data.exists():
                write_sample(train_pool, rows, data, args.seed)
            models = work / f"models_{mode}_{rows}"
            row = {"mode": mode, "rows": rows, "input_mb": round(data.stat().st_size / 1e6, 1),
                   **run_train(data, work / f"{mode}.toml", models, args.memory_cap_gib if mode == "memory" else None)}
            if row["exit"] == 0:
                acc, row["training"] = accuracy(models, test_pool)
                row["accuracy"] = round(acc, 4)
                row["us_per_row"] = round(row["wall_s"] / rows * 1e6, 1)
            row["load_after"] = round(os.getloadavg()[0], 2)
            report["runs"].append(row)
            print(f"{mode:>6} {rows:>9,} rows: {row['wall_s']:8.1f} s  max RSS {row['max_rss_mb']:8.1f} MB  "
                  f"tree peak {row['tree_peak_mb']:8.1f} MB  accuracy {row.get('accuracy', row.get('failed'))}  "
                  f"load {row['load_after']}", flush=True)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(report, indent=1))
            shutil.rmtree(models, ignore_errors=True)
    report["load_after"] = [round(x, 2) for x in os.getloadavg()]
    out.write_text(json.dumps(report, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
