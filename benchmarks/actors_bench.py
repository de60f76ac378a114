"""Batch throughput with and without ``--actors``: what finding and framing actors costs ``newsframe score``.

The input is ``--rows`` AG News items (headline + short body, resampled from ``data/topic/ag_news.csv`` with a fixed
seed, as batch_bench does) with a ``published`` column. Each round runs the real command in a subprocess, plain
and with ``--actors`` one after the other (alternating which goes first, so a change in the machine's load hits
both alike), for each ``--jobs`` value; documents/s is rows over wall time, start-up included. The median of the
rounds is reported, with the ratio with/without (target: at least 0.5) and the 1-minute load average before and
after. The actor rows written and the share of items with at least one actor say how much actor work there was.

    python benchmarks/actors_bench.py --models models                      # 20k rows, 3 rounds, --jobs 1 and 2
    python benchmarks/actors_bench.py --smoke --models DIR --results /tmp/a.json  # seconds, for CI

Not part of the test suite, except the ``--smoke`` run in tests/test_actors_bench.py.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from batch_bench import make_input  # the same AG News items as the batch benchmark

TARGET = 0.5
CHUNK = 2000


def dated_input(rows: int, path: Path) -> Path:
    """``make_input``'s items plus a ``published`` date each (spread over 2015-2024), so leaders resolve by date."""
    make_input(rows, path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    days = pd.Timestamp("2015-01-01") + pd.to_timedelta(pd.RangeIndex(rows) * 7 % 3650, unit="D")
    frame["published"] = days.strftime("%Y-%m-%d")
    frame.to_csv(path, index=False)
    return path


def run(source: Path, output: Path, models: str, jobs: int, actors: bool) -> dict[str, Any]:
    """One real ``newsframe score`` run: wall seconds, summary line, load average before and after."""
    command = [sys.executable, "-m", "newsframe.cli", "score", str(source), "--out", str(output), "--models", models,
               "--jobs", str(jobs), "--chunk-size", str(CHUNK), *(["--actors"] if actors else [])]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 3):
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-2000:]}")
    result = {"seconds": round(seconds, 2), "summary": done.stdout.strip(), "load_before": round(load_before, 2),
              "load_after": round(os.getloadavg()[0], 2)}
    if actors:
        found = pd.read_csv(output.with_name(f"{output.stem}.actors{output.suffix}"), usecols=["row"])
        result["actor_rows"], result["rows_with_actors"] = len(found), int(found["row"].nunique())
    for path in output.parent.glob(f"{output.stem}*"):
        path.unlink()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="models", help="models directory (default: models)")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workdir", default=None, help="where input and outputs go (default: benchmarks/results/tmp)")
    parser.add_argument("--results", default=None, help="results JSON (default: benchmarks/results/actors_bench.json)")
    parser.add_argument("--smoke", action="store_true", help="300 rows, one round, --jobs 1: checks the benchmark runs")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rows, args.rounds, args.jobs = 300, 1, [1]
    workdir = Path(args.workdir or HERE / "results" / "tmp")
    workdir.mkdir(parents=True, exist_ok=True)
    results = Path(args.results or HERE / "results" / "actors_bench.json")
    source = dated_input(args.rows, workdir / f"actors-bench-{args.rows}.csv")
    report: dict[str, Any] = {"benchmark": "actors_bench", "smoke": args.smoke, "rows": args.rows, "rounds": args.rounds,
                              "chunk_size": CHUNK, "target_ratio": TARGET,
                              "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                              "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, "jobs": []}
    print(f"{'jobs':>4} {'plain docs/s':>12} {'actors docs/s':>13} {'ratio':>6} {'actor rows':>10} {'load':>11}")
    try:
        for jobs in args.jobs:
            runs: dict[str, list[dict[str, Any]]] = {"plain": [], "actors": []}
            for round_ in range(args.rounds):
                order = [False, True] if round_ % 2 == 0 else [True, False]
                for actors in order:
                    output = workdir / f"actors-bench-out-j{jobs}.csv"
                    runs["actors" if actors else "plain"].append(run(source, output, args.models, jobs, actors))
            rate = {k: statistics.median(args.rows / r["seconds"] for r in v) for k, v in runs.items()}
            entry = {"jobs": jobs, "plain_docs_per_s": round(rate["plain"], 1), "actors_docs_per_s": round(rate["actors"], 1),
                     "ratio": round(rate["actors"] / rate["plain"], 3), "runs": runs,
                     "actor_rows": runs["actors"][0]["actor_rows"], "rows_with_actors": runs["actors"][0]["rows_with_actors"]}
            report["jobs"].append(entry)
            loads = [r[k] for v in runs.values() for r in v for k in ("load_before", "load_after")]
            print(f"{jobs:>4} {entry['plain_docs_per_s']:>12} {entry['actors_docs_per_s']:>13} {entry['ratio']:>6} "
                  f"{entry['actor_rows']:>10} {min(loads):>5}-{max(loads):<5}", flush=True)
    finally:
        source.unlink(missing_ok=True)
    report["verdict"] = {f"jobs{e['jobs']}_ratio_at_least_{TARGET}": e["ratio"] >= TARGET for e in report["jobs"]}
    report["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report["verdict"]))
    print(f"results: {results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
