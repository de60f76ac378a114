"""End-to-end batch scoring, newsframe (three tasks) vs fastText 0.9.2 (topic only), and one-headline latency.

    python benchmarks/score_vs_fasttext.py --models DIR            # 50,000 rows, 3 alternating runs each
    nice -n -5 python benchmarks/score_vs_fasttext.py --models DIR # what BENCHMARKS.md reports
    python benchmarks/score_vs_fasttext.py --models DIR --smoke    # seconds; CI (tests/test_score_bench.py)

Input: ``--rows`` AG News articles resampled from data/topic/ag_news.csv (``batch_bench.make_input``: id, headline,
body, topic, source). Each run is a fresh process, timed from start to exit, CSV in -> CSV out:

* newsframe: ``newsframe score INPUT --out OUTPUT.csv --models DIR`` (topic, framing and posture; one process);
* fastText: ``benchmarks/fasttext_score.py score`` under the bench venv (``bash benchmarks/setup_peers.sh``):
  pandas reads the CSV, fastText's batch ``predict`` (word bigrams, trained here on the bundled AG News rows with
  ``fasttext_score.TRAIN``), pandas writes the input columns plus label and confidence.

Runs alternate (newsframe, fastText, newsframe, ...) so a busy moment of the machine falls on both; the ratio
uses each tool's median. Latency: median microseconds of one headline in process, after warm-up, on headlines
of the second half of the AG News file: newsframe ``Predictor.predict_one`` (all tasks, as the HTTP service) and
fastText ``model.predict``. Without the bench venv the fastText rows say "skipped". Prints a table and writes JSON
(``--out``).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
AG_NEWS = REPO / "data" / "topic" / "ag_news.csv"
DEFAULT_BENCH_PYTHON = os.environ.get("BENCH_VENV", str(REPO.parent / "newsframe-bench-venv")) + "/bin/python"
GOAL = 1.5  # fastText docs/s over newsframe docs/s, at most


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall seconds of one process from start to exit, and its stdout (raises if it fails)."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} ... failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, done.stdout


def has_fasttext(python: str) -> bool:
    return Path(python).exists() and subprocess.run([python, "-c", "import fasttext"], capture_output=True).returncode == 0


def count_rows(path: Path) -> int:
    import pandas as pd

    return len(pd.read_csv(path, dtype=str, keep_default_na=False))


def newsframe_latency(models: str, headlines: list[str]) -> dict[str, float]:
    """Median and p90 microseconds of ``Predictor.predict_one(headline)`` after one warm-up pass."""
    from newsframe.serve.predictor import Predictor

    predictor = Predictor.load(models)
    for text in headlines:
        predictor.predict_one(text)
    times = []
    for text in headlines:
        started = time.perf_counter_ns()
        predictor.predict_one(text)
        times.append(time.perf_counter_ns() - started)
    return {"median_us": float(np.median(times)) / 1000, "p90_us": float(np.percentile(times, 90)) / 1000,
            "tasks": list(predictor.model.tasks)}


def run(models: str, rows: int, repeat: int, bench_python: str, latency_n: int, python_analysis: bool = False,
        jobs: int = 1) -> dict[str, Any]:
    """Every measurement; the report's figures."""
    sys.path.insert(0, str(HERE))
    import pandas as pd
    from batch_bench import make_input

    report: dict[str, Any] = {"rows": rows, "repeat": repeat, "jobs": jobs, "python": platform.python_version(), "cpus": os.cpu_count(),
                              "nice": os.nice(0), "load_before": os.getloadavg(), "models": models}
    ft = has_fasttext(bench_python)
    with tempfile.TemporaryDirectory(prefix="score-vs-fasttext-") as scratch:
        work = Path(scratch)
        source = make_input(rows, work / "input.csv")
        ft_model = work / "fasttext.bin"
        script = str(HERE / "fasttext_score.py")
        if ft:
            timed([bench_python, script, "train", str(AG_NEWS), str(ft_model)] + (["--bucket", "200000"] if rows < 5000 else []))
        runs: dict[str, list[float]] = {"newsframe": [], "fasttext": [], "newsframe_python_analysis": [], "newsframe_jobs": []}
        steps: list[dict[str, float]] = []
        newsframe = [sys.executable, "-m", "newsframe.cli", "score", str(source), "--models", models]
        for _ in range(repeat):
            seconds, _ = timed(newsframe + ["--out", str(work / "newsframe.csv")])
            runs["newsframe"].append(seconds)
            if python_analysis:  # the same command with the compiled analysis switched off (fast_text's Python loops)
                env = {**os.environ, "NEWSFRAME_FAST_ANALYSIS": "python"}
                seconds, _ = timed(newsframe + ["--out", str(work / "newsframe-python.csv")], env)
                runs["newsframe_python_analysis"].append(seconds)
            if jobs > 1:  # the same command on several cores (--jobs N worker processes): not the one-process comparison
                seconds, _ = timed(newsframe + ["--out", str(work / "newsframe-jobs.csv"), "--jobs", str(jobs)])
                runs["newsframe_jobs"].append(seconds)
            if ft:
                seconds, out = timed([bench_python, script, "score", str(ft_model), str(source), str(work / "fasttext.csv")])
                runs["fasttext"].append(seconds)
                steps.append(json.loads(out.strip().splitlines()[-1])["steps"])
        # The same steps fastText's script times, done in one process with newsframe's own functions: where the time goes.
        _, out = timed([sys.executable, str(HERE / "newsframe_steps.py"), models, str(source), str(work / "steps.csv")])
        report["newsframe_steps"] = json.loads(out.strip().splitlines()[-1])
        written = pd.read_csv(work / "newsframe.csv", dtype=str, keep_default_na=False, nrows=1).columns.tolist()
        report["newsframe_columns"] = written
        if count_rows(work / "newsframe.csv") != rows or (ft and count_rows(work / "fasttext.csv") != rows):
            raise RuntimeError("an output does not have one row per input row")
        frame = pd.read_csv(AG_NEWS, dtype=str, keep_default_na=False)
        headlines = frame["headline"][len(frame) // 2:][:latency_n].tolist()
        report["latency"] = {"newsframe": newsframe_latency(models, headlines)}
        if ft:
            (work / "headlines.json").write_text(json.dumps(headlines))
            _, out = timed([bench_python, script, "latency", str(ft_model), str(work / "headlines.json")])
            report["latency"]["fasttext"] = json.loads(out.strip().splitlines()[-1])
    report["runs"] = runs
    report["fasttext_steps"] = steps
    report["load_after"] = os.getloadavg()
    for tool, seconds in runs.items():
        if seconds:
            report[f"{tool}_docs_per_s"] = rows / float(np.median(seconds))
    if ft:
        report["ratio"] = report["fasttext_docs_per_s"] / report["newsframe_docs_per_s"]
    return report


def steps_lines(report: dict[str, Any]) -> list[str]:
    """Seconds per step, newsframe (newsframe_steps.py) beside fastText (median step over its runs)."""
    mine = report.get("newsframe_steps")
    if not mine:
        return []
    theirs = {name: float(np.median([run[name] for run in report["fasttext_steps"]]))
              for name in (report["fasttext_steps"][0] if report.get("fasttext_steps") else {})}
    lines = [f"steps in one process, seconds ({report['rows']:,} rows): {'newsframe':>10} {'fastText':>10}"]
    for name, seconds in mine["steps"].items():
        other = f"{theirs[name]:>10.2f}" if name in theirs else f"{'-':>10}"
        lines.append(f"  {name:42} {seconds:>10.2f} {other}")
    lines.append(f"  newsframe scoring, thread CPU per document: {mine['predict_cpu_us_per_doc']:.1f} us")
    return lines


def render(report: dict[str, Any]) -> str:
    """The human-readable table."""
    lines = [f"End to end, CSV in -> CSV out, one process each, {report['rows']:,} AG News rows resampled; "
             f"{report['repeat']} alternating runs, median",
             f"machine: {report['cpus']} CPUs, python {report['python']}, nice {report['nice']}; load average "
             f"(1/5/15 min) before {'/'.join(f'{x:.2f}' for x in report['load_before'])}, "
             f"after {'/'.join(f'{x:.2f}' for x in report['load_after'])} (above {report['cpus']}: other work shared the CPUs)",
             f"{'':32} {'tasks':>22} {'runs (s)':>24} {'docs/s':>10}"]
    tasks = "+".join(report["latency"]["newsframe"]["tasks"])
    for tool, label, what in (("newsframe", "newsframe score", tasks), ("fasttext", "fastText 0.9.2 + pandas", "topic"),
                              ("newsframe_python_analysis", "newsframe, Python analysis", tasks),
                              ("newsframe_jobs", f"newsframe score --jobs {report.get('jobs', 1)}", tasks)):
        seconds = report["runs"].get(tool)
        if tool in ("newsframe_python_analysis", "newsframe_jobs") and not seconds:
            continue
        if seconds:
            lines.append(f"{label:32} {what:>22} {', '.join(f'{s:.2f}' for s in seconds):>24} "
                         f"{report[f'{tool}_docs_per_s']:>10,.0f}")
        else:
            lines.append(f"{label:32} {'skipped: no bench venv with fasttext (bash benchmarks/setup_peers.sh)':>58}")
    if "ratio" in report:
        verdict = "met" if report["ratio"] <= GOAL else "NOT met"
        lines.append(f"fastText/newsframe docs/s = {report['ratio']:.2f} (goal <= {GOAL}): {verdict}")
    lines += steps_lines(report)
    latency = report["latency"]
    lines.append(f"one headline in process, median (p90) us: newsframe predict_one ({tasks}) "
                 f"{latency['newsframe']['median_us']:.1f} ({latency['newsframe']['p90_us']:.1f})"
                 + (f"; fastText predict (topic) {latency['fasttext']['median_us']:.1f} ({latency['fasttext']['p90_us']:.1f})"
                    f" = {latency['newsframe']['median_us'] / latency['fasttext']['median_us']:.1f}x" if "fasttext" in latency else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", required=True, help="models or version directory (e.g. newsframe train --out DIR)")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs per tool (default 3)")
    parser.add_argument("--latency-headlines", type=int, default=2000)
    parser.add_argument("--bench-python", default=DEFAULT_BENCH_PYTHON, help="interpreter of the bench venv")
    parser.add_argument("--out", help="JSON report (default: benchmarks/results/score_vs_fasttext.json; --smoke: none)")
    parser.add_argument("--smoke", action="store_true", help="300 rows, one run, 100 headlines")
    parser.add_argument("--python-analysis", action="store_true",
                        help="also time newsframe with NEWSFRAME_FAST_ANALYSIS=python (the analysis before the compiled one)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="also time `newsframe score --jobs N` (N worker processes; default 1: not timed)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rows, args.repeat, args.latency_headlines = 300, 1, 100
    report = run(args.models, args.rows, args.repeat, args.bench_python, args.latency_headlines, args.python_analysis,
                 args.jobs)
    print(render(report))
    out = args.out or (None if args.smoke else str(HERE / "results" / "score_vs_fasttext.json"))
    if out:
        Path(out).write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
