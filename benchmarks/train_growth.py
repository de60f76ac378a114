#!/usr/bin/env python3
"""Training cost growth (issue 6, part 4): seconds and peak memory to fit newsframe's topic pipeline at
10k, 100k and 1M rows, and whether the time grows linearly with the rows.

Rows are resampled with replacement (fixed seed) from data/topic/ag_news.csv (6,080 rows; text = headline
+ body as the trainer joins them, label = topic). The pipeline is the fixed chosen configuration
(peers.NEWSFRAME_CHOSEN: word12+char25, NB-scaled LinearSVC alpha=0.1, C=0.1, sigmoid calibration on 3 folds,
ensemble=False) built with
newsframe.train.model.build_pipeline -- no CV search. Each size is fitted in a fresh child process:
``fit_s`` is the wall time of ``pipeline.fit`` only; ``max_rss_mb`` is the child's maxrss from wait4 (data
loading included), ``rss_before_fit_mb`` the child's maxrss right before fitting (so the fit's own share is
the difference). The verdict compares seconds per row between consecutive sizes: linear means the ratio of
µs/row stays within 1.5x (resampled rows repeat the 6,080 originals, so the vocabulary stops growing: this
measures the solver's and vectoriser's growth in rows, not in vocabulary).

    python benchmarks/train_growth.py                       # 10k, 100k, 1M -> benchmarks/results/train_growth.json
    python benchmarks/train_growth.py --sizes 10000 100000  # a subset
    python benchmarks/train_growth.py --smoke --out /tmp/g.json   # 1k, 3k rows, seconds

Each child runs under an address-space cap (``--memory-cap-gib``, default 85% of the machine's memory), so a
size that does not fit fails in its own process (MemoryError, or a crash in native code that does not check an
allocation: the 1M fit ended in SIGSEGV here) instead of pushing the machine into swap or the OOM killer; the
failure is recorded for that size (``failed``) and the remaining sizes still run.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = REPO / "data" / "topic" / "ag_news.csv"
LINEAR_TOLERANCE = 1.5


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def default_cap_gib() -> float:
    """85% of MemTotal (GiB), or 16 when /proc/meminfo is unreadable."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return round(int(line.split()[1]) / 1024 / 1024 * 0.85, 1)
    except OSError:
        pass
    return 16.0


def child(rows: int, seed: int, cap_gib: float) -> None:
    """Fit once on ``rows`` resampled rows; print one JSON line."""
    cap = int(cap_gib * 1024 ** 3)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    import numpy as np
    import pandas as pd

    sys.path.insert(0, str(HERE))
    from newsframe.core.schema import text_of
    from peers import newsframe_topic_factory

    frame = pd.read_csv(DATA, dtype=str, keep_default_na=False)
    texts, _ = text_of(frame, DATA)
    texts = texts.to_numpy(dtype=object)
    labels = frame["topic"].to_numpy(dtype=object)
    idx = np.random.default_rng(seed).integers(0, len(texts), size=rows)
    x, y = texts[idx].tolist(), labels[idx]
    pipeline = newsframe_topic_factory()()
    before = _maxrss_mb()
    t0 = time.perf_counter()
    pipeline.fit(x, y)
    fit_s = time.perf_counter() - t0
    n_features = int(sum(len(v.vocabulary_) for _, v in pipeline.named_steps["features"].transformer_list))
    print(json.dumps({"rows": rows, "fit_s": fit_s, "rss_before_fit_mb": round(before, 1), "n_features": n_features}))


def run_size(rows: int, seed: int, cap_gib: float) -> dict:
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", str(rows), "--seed", str(seed),
                                 "--memory-cap-gib", str(cap_gib)], stdout=subprocess.PIPE, stderr=err, text=True)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)  # wait4, not wait(): this child's own maxrss and CPU time
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        last = (err.read().strip().splitlines() or ["?"])[-1]
    if proc.returncode != 0:
        return {"rows": rows, "failed": f"exit status {proc.returncode}: {last}", "memory_cap_gib": cap_gib,
                "wall_s": round(time.perf_counter() - t0, 2), "max_rss_mb": round(usage.ru_maxrss / 1024.0, 1),
                "load_after": round(os.getloadavg()[0], 2)}
    row = json.loads(out.strip().splitlines()[-1])
    row.update(wall_s=round(time.perf_counter() - t0, 2), max_rss_mb=round(usage.ru_maxrss / 1024.0, 1),
               cpu_s=round(usage.ru_utime + usage.ru_stime, 2), us_per_row=row["fit_s"] / rows * 1e6,
               load_after=round(os.getloadavg()[0], 2))
    row["fit_s"] = round(row["fit_s"], 3)
    return row


def verdict(sizes: list[dict]) -> dict:
    sizes = [s for s in sizes if "failed" not in s]
    steps = []
    for a, b in zip(sizes, sizes[1:]):
        steps.append({"from": a["rows"], "to": b["rows"], "rows_ratio": b["rows"] / a["rows"],
                      "time_ratio": round(b["fit_s"] / a["fit_s"], 3),
                      "per_row_ratio": round(b["us_per_row"] / a["us_per_row"], 3),
                      "memory_ratio": round(b["max_rss_mb"] / a["max_rss_mb"], 3)})
    linear = all(s["per_row_ratio"] <= LINEAR_TOLERANCE for s in steps) if steps else None
    return {"steps": steps, "linear": linear,
            "rule": f"linear when seconds per row grow by at most {LINEAR_TOLERANCE}x between consecutive sizes"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--smoke", action="store_true", help="1k and 3k rows; output in the temp dir")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None)
    ap.add_argument("--memory-cap-gib", type=float, default=default_cap_gib(),
                    help="address-space cap per fit (default: 85%% of the machine's memory)")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.seed, args.memory_cap_gib)
        return 0
    sizes = [1_000, 3_000] if args.smoke else args.sizes
    out = Path(args.out) if args.out else (Path(tempfile.gettempdir()) / "newsframe-train-growth-smoke.json"
                                           if args.smoke else HERE / "results" / "train_growth.json")
    sys.path.insert(0, str(HERE))
    from peers import NEWSFRAME_CHOSEN

    report = {"benchmark": "train_growth", "smoke": args.smoke, "data": str(DATA.relative_to(REPO)),
              "config": NEWSFRAME_CHOSEN, "cpus": os.cpu_count(), "load_before": round(os.getloadavg()[0], 2),
              "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "sizes": []}
    print(f"{'rows':>9} {'fit s':>9} {'µs/row':>8} {'max RSS MB':>11} {'RSS pre-fit':>12} {'features':>9}")
    for n in sizes:
        row = run_size(n, args.seed, args.memory_cap_gib)
        report["sizes"].append(row)
        if "failed" in row:
            print(f"{n:9d} failed after {row['wall_s']} s: {row['failed']}", flush=True)
        else:
            print(f"{n:9d} {row['fit_s']:9.2f} {row['us_per_row']:8.1f} {row['max_rss_mb']:11.1f} "
                  f"{row['rss_before_fit_mb']:12.1f} {row['n_features']:9d}", flush=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=1))  # partial results survive an interrupted 1M run
    report["verdict"] = verdict(report["sizes"])
    report["load_after"] = round(os.getloadavg()[0], 2)
    out.write_text(json.dumps(report, indent=1))
    for s in report["verdict"]["steps"]:
        print(f"{s['from']} -> {s['to']}: rows x{s['rows_ratio']:.0f}, time x{s['time_ratio']:.2f}, "
              f"per-row x{s['per_row_ratio']:.2f}, memory x{s['memory_ratio']:.2f}")
    print(f"linear in rows: {report['verdict']['linear']} ({report['verdict']['rule']})")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
