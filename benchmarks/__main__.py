"""One command for the four peer comparisons; regenerates their part of BENCHMARKS.md at the repo root.

    python -m benchmarks                              # everything (peers alone took ~40 min on 2 loaded cores)
    python -m benchmarks --only peers,serving         # a subset; the other sections say "not run"
    python -m benchmarks --max-docs 20ng=4000 --train-sizes 10000 100000 --batch-sizes 10000 100000
    python -m benchmarks --models /tmp/fm             # reuse a models dir (default config) instead of training one
    python -m benchmarks --smoke                      # ~1 min, writes to a temp dir, never touches BENCHMARKS.md

Run from the repository root. Parts (each in its own process, one after the other, so they do not compete):

  peers     benchmarks/peers.py         accuracy, macro-F1, training s, predictions/s, 1-doc latency
  serving   benchmarks/load_serve.py    newsframe's HTTP service (gunicorn) at 1/8/32 connections, single + 64-batch
            benchmarks/serving_peer.py  `mlflow models serve` of TF-IDF + LogisticRegression (bench venv)
            (in process, here)          newsframe's in-process ceiling: Predictor.predict_one / score_frame(64)
  batch     benchmarks/batch_bench.py   `newsframe score` docs/s and peak memory at 10k/100k/1M rows
  training  benchmarks/train_growth.py  topic pipeline fit seconds and peak memory at 10k/100k/1M rows

Peers whose environment is missing (the bench venv of benchmarks/setup_peers.sh: fastText, MLflow) are
skipped with a note in the report; nothing is faked. Load runs use loopback only.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PARTS = ("peers", "serving", "batch", "training")
BENCH_PYTHON = os.environ.get("BENCH_VENV", str(Path(__file__).resolve().parent.parent.parent / "newsframe-bench-venv")) + "/bin/python"


# ----------------------------------------------------------------- machine
def machine() -> dict:
    info = {"nproc": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]}
    try:
        info["nproc_available"] = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    import numpy
    import sklearn
    info["sklearn"], info["numpy"] = sklearn.__version__, numpy.__version__
    return info


def bench_venv_ok(module: str) -> bool:
    return Path(BENCH_PYTHON).exists() and subprocess.run([BENCH_PYTHON, "-c", f"import {module}"],
                                                         capture_output=True).returncode == 0


def run(cmd: list[str], log: list[dict], timeout: float | None = None) -> int:
    shown = " ".join(shlex.quote(str(c)) for c in cmd).replace(str(REPO) + "/", "")
    print(f"\n$ {shown}", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    rc = subprocess.run([str(c) for c in cmd], cwd=REPO, timeout=timeout).returncode
    log.append({"command": shown, "exit": rc, "seconds": round(time.perf_counter() - t0, 1)})
    return rc


# ----------------------------------------------------------------- models for serving/batch
def ensure_models(args, work: Path, log: list[dict]) -> Path:
    if args.models:
        return Path(args.models)
    out = work / "models"
    if args.smoke:  # the test suite's tiny config and data: seconds
        code = ("import sys; from newsframe.train.config import load_config; from newsframe.train.trainer import train; "
                "train([sys.argv[1]], load_config(sys.argv[2]), sys.argv[3], log=lambda _: None)")
        rc = run([sys.executable, "-c", code, REPO / "tests/fixtures/tiny_train.csv", REPO / "tests/fixtures/tiny.toml", out], log)
    else:
        rc = run([sys.executable, "-m", "newsframe.cli", "train", "--out", out], log)
    if rc != 0:
        raise SystemExit(f"training the models for serving/batch failed ({rc})")
    return out


def in_process_ceiling(models: Path, seconds: float) -> dict:
    """newsframe's in-process rate on one thread: predict_one (the service's single path) and score_frame(64)."""
    sys.path.insert(0, str(HERE))
    import bench_data
    from newsframe.serve.predictor import Predictor

    predictor = Predictor.load(models)
    heads = bench_data.ag_headlines(200, seed=1)
    out = {}
    for name, call in (("single", lambda i: predictor.predict_one(heads[i % len(heads)])),
                       ("batch64 as 64 x predict_one", lambda i: [predictor.predict_one(heads[(i * 64 + j) % len(heads)]) for j in range(64)]),
                       ("batch64", lambda i: predictor.score_frame([heads[(i * 64 + j) % len(heads)] for j in range(64)]))):
        for i in range(5):
            call(i)
        times, t_end, i = [], time.perf_counter() + seconds, 0
        while time.perf_counter() < t_end:
            t0 = time.perf_counter()
            call(i)
            times.append(time.perf_counter() - t0)
            i += 1
        times.sort()
        docs = 1 if name == "single" else 64
        out[name] = {"calls_per_s": len(times) / sum(times), "docs_per_s": docs * len(times) / sum(times),
                     "p50_ms": 1e3 * times[len(times) // 2], "p99_ms": 1e3 * times[int(len(times) * 0.99)],
                     "calls": len(times)}
    return out


# ----------------------------------------------------------------- report
def fmt(v, nd=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{nd if abs(v) >= 10 else 3}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def tables(res: dict) -> dict:
    """Every table of the report as {"columns": [...], "rows": [[...], ...]} (plain values, for tests too)."""
    t = {}
    peers = res.get("peers")
    if peers:
        rows = []
        for dname, d in peers["datasets"].items():
            for mname, m in d["models"].items():
                s = m["summary"]
                rows.append([dname, mname, round(100 * s["accuracy_mean"], 2), round(100 * s["accuracy_std"], 2),
                             round(100 * s["macro_f1_mean"], 2), round(s["train_s_mean"], 2),
                             round(s["tune_s_mean"], 1) if "tune_s_mean" in s else None,
                             round(s["predict_docs_per_s_mean"]), round(m["latency_us_median"], 1),
                             round(m["fastpath_latency_us_median"], 1) if "fastpath_latency_us_median" in m else None])
        t["peers"] = {"columns": ["dataset", "model", "accuracy %", "± std", "macro-F1 %", "train s/fold", "tune s/fold",
                                  "batch pred/s", "1-doc µs (predict)", "1-doc µs (fast path)"], "rows": rows}
    serving = res.get("serving")
    if serving:
        rows = []
        for server, cells in (("newsframe (gunicorn)", serving.get("newsframe", {}).get("cells", [])),
                              ("mlflow models serve", (serving.get("mlflow") or {}).get("mlflow_serve", []))):
            for c in cells:
                rows.append([server, c.get("scenario") or c.get("payload"), c["connections"], round(c["requests_per_s"], 1),
                             round(c["docs_per_s"], 1), c["p50_ms"], c["p99_ms"], c["errors"]])
        for server, block in (("newsframe in-process (ceiling)", serving.get("newsframe_in_process")),
                              ("mlflow model in-process (ceiling)", (serving.get("mlflow") or {}).get("in_process"))):
            for scen, c in (block or {}).items():
                rows.append([server, scen, 1, round(c["calls_per_s"], 1), round(c["docs_per_s"], 1),
                             round(c["p50_ms"], 3), round(c["p99_ms"], 3), 0])
        t["serving"] = {"columns": ["server", "payload", "connections", "requests/s", "docs/s", "p50 ms", "p99 ms", "errors"],
                        "rows": rows}
    batch = res.get("batch")
    if batch:
        rows = []
        for size in batch["sizes"]:
            for r in size["runs"]:
                rows.append([size["rows"], r["jobs"], r["docs_per_s"], size["ceiling"]["docs_per_s"], r["over_ceiling"],
                             r["peak_tree_rss_mb"], r["max_process_rss_mb"], r["seconds"], r.get("first_chunk_seconds"),
                             r.get("steady_docs_per_s"), r.get("steady_over_ceiling")])
        t["batch"] = {"columns": ["rows", "jobs", "docs/s", "1-core ceiling docs/s", "× ceiling", "peak tree RSS MB",
                                  "max process RSS MB", "seconds", "first chunk s", "steady docs/s", "steady × ceiling"],
                      "rows": rows}
    training = res.get("training")
    if training:
        t["training"] = {"columns": ["rows", "fit s", "µs/row", "max RSS MB", "RSS before fit MB", "features"],
                         "rows": [[s["rows"], s["fit_s"], round(s["us_per_row"], 1), s["max_rss_mb"],
                                   s["rss_before_fit_mb"], s["n_features"]] for s in training["sizes"] if "failed" not in s]}
        failed = [s for s in training["sizes"] if "failed" in s]
        if failed:
            t["training"]["failed"] = [f"{s['rows']:,} rows: failed after {s['wall_s']} s under a {s['memory_cap_gib']} GiB "
                                       f"address-space cap, max RSS {s.get('max_rss_mb', '?')} MB ({s['failed']}; -11 is SIGSEGV, -9 SIGKILL)"
                                       for s in failed]
    return t


def md_table(tab: dict) -> str:
    lines = ["| " + " | ".join(tab["columns"]) + " |", "|" + "---|" * len(tab["columns"])]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in tab["rows"]]
    return "\n".join(lines)


def plots(tab: dict, outdir: Path) -> list[str]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made = []
    if "peers" in tab:
        rows = tab["peers"]["rows"]
        datasets = list(dict.fromkeys(r[0] for r in rows))
        fig, axes = plt.subplots(1, len(datasets), figsize=(5 * len(datasets), 4), squeeze=False)
        for ax, d in zip(axes[0], datasets):
            sub = [r for r in rows if r[0] == d]
            ax.barh([r[1] for r in sub], [r[2] for r in sub], xerr=[r[3] for r in sub],
                    color=["tab:red" if r[1] == "newsframe_topic" else "tab:gray" for r in sub])
            ax.set_xlim(min(r[2] for r in sub) - 5, 100)
            ax.set_title(d); ax.set_xlabel("accuracy %")
        fig.tight_layout(); fig.savefig(outdir / "peers_accuracy.png", dpi=90); plt.close(fig)
        made.append("peers_accuracy.png")
    if "serving" in tab:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        for ax, scen in zip(axes, ("single", "batch64")):
            for server in dict.fromkeys(r[0] for r in tab["serving"]["rows"] if "ceiling" not in r[0]):
                pts = [(r[2], r[4]) for r in tab["serving"]["rows"] if r[0] == server and r[1] == scen]
                if pts:
                    ax.plot(*zip(*pts), marker="o", label=server)
            for r in tab["serving"]["rows"]:
                if "ceiling" in r[0] and r[1] == scen:
                    ax.axhline(r[4], linestyle="--", linewidth=1, label=r[0], color="tab:green" if "newsframe" in r[0] else "tab:purple")
            ax.set_xscale("log", base=2); ax.set_yscale("log"); ax.set_xlabel("connections"); ax.set_ylabel("documents/s")
            ax.set_title(scen); ax.legend(fontsize=7)
        fig.tight_layout(); fig.savefig(outdir / "serving.png", dpi=90); plt.close(fig)
        made.append("serving.png")
    for key, xcol, ycols, name, ylabels in (("batch", 0, (2, 5), "batch.png", ("docs/s", "peak tree RSS MB")),
                                            ("training", 0, (1, 3), "training_growth.png", ("fit seconds", "max RSS MB"))):
        if key not in tab:
            continue
        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        rows = tab[key]["rows"]
        for ax, ycol, ylabel in zip(axes, ycols, ylabels):
            groups = {}
            for r in rows:
                groups.setdefault(f"jobs {r[1]}" if key == "batch" else "topic fit", []).append((r[xcol], r[ycol]))
            for g, pts in groups.items():
                ax.plot(*zip(*pts), marker="o", label=g)
            ax.set_xscale("log"); ax.set_yscale("log"); ax.set_xlabel("rows"); ax.set_ylabel(ylabel); ax.legend(fontsize=7)
        fig.tight_layout(); fig.savefig(outdir / name, dpi=90); plt.close(fig)
        made.append(name)
    return made


def verdicts(res: dict, tab: dict) -> list[str]:
    """Targets of issue 6, checked only against figures of this run."""
    out = []
    if "peers" in tab:
        by = {}
        for r in tab["peers"]["rows"]:
            by.setdefault(r[0], {})[r[1]] = r
        for d, models in by.items():
            nf = models.get("newsframe_topic")
            others = {k: v for k, v in models.items() if k != "newsframe_topic"}
            if nf and others:
                best_name, best = max(others.items(), key=lambda kv: kv[1][2])
                need = best[2] + (1.0 if best[2] < 95 else 0.0)
                ok = nf[2] > best[2] and nf[2] >= need
                out.append(f"accuracy {d}: newsframe {nf[2]:.2f}% vs best peer {best_name} {best[2]:.2f}% "
                           f"(target > {need:.2f}%): {'met' if ok else 'NOT met'}")
            ft = [v for k, v in models.items() if k.startswith("fasttext")]
            if nf and ft and nf[9] is not None:
                best_ft = min(v[8] for v in ft)
                out.append(f"1-doc latency {d} (topic task only): newsframe fast path {nf[9]:.1f} µs vs fastText {best_ft:.1f} µs "
                           f"= {nf[9] / best_ft:.2f}× (target ≤ 2×): {'met' if nf[9] <= 2 * best_ft else 'NOT met'}")
    if "serving" in tab:
        rows = tab["serving"]["rows"]
        for scen in ("single", "batch64"):
            for c in (1, 8, 32):
                nf = [r for r in rows if r[0].startswith("newsframe (") and r[1] == scen and r[2] == c]
                ml = [r for r in rows if r[0].startswith("mlflow models") and r[1] == scen and r[2] == c]
                if nf and ml:
                    ratio = nf[0][3] / ml[0][3]
                    out.append(f"HTTP {scen} at {c} connections: newsframe {nf[0][3]:.0f} req/s vs MLflow {ml[0][3]:.0f} "
                               f"= {ratio:.1f}× (target ≥ 5×): {'met' if ratio >= 5 else 'NOT met'}")
    if "batch" in tab:
        for r in tab["batch"]["rows"]:
            if r[1] == 2:
                steady = f"; after the first chunk {r[10]:.2f}×" if r[10] is not None else ""
                out.append(f"batch {r[0]:,} rows, 2 jobs: {r[4]:.2f}× the one-core ceiling, start-up included (target ≥ 1.6×): "
                           f"{'met' if r[4] >= 1.6 else 'NOT met'}{steady}")
    if "training" in res and res["training"].get("verdict"):
        v = res["training"]["verdict"]
        steps = "; ".join(f"{s['from']:,}→{s['to']:,}: time ×{s['time_ratio']}, per-row ×{s['per_row_ratio']}" for s in v["steps"])
        out.append(f"training time linear in rows: {'met' if v['linear'] else 'NOT met'} ({steps}; {v['rule']})")
    return out


# Why a target is missed, where it is: what was measured about each cause (kept with the code, shown only for the
# targets this run reports as NOT met).
GAP_CAUSES = {
    "accuracy": (
        "**Accuracy margin ({datasets}).** newsframe_topic is scored at the one setting the default search picks on "
        "the bundled AG News rows (word12+char25, NB-scaled LinearSVC alpha 0.1, C 0.1), fixed for every dataset and "
        "fold. That fixed setting is not the cause on 20 Newsgroups: `benchmarks/search_20ng.py` runs newsframe's "
        "own default search on the bydate training split only (as `newsframe train` would) and scored 72.96% on the "
        "test split with its pick (C 0.3, alpha 0.1; benchmarks/results/search_20ng.json), still just "
        "under the margin. newsframe's model is the best peer's feature family (word 1-2 + char_wb 2-5 TF-IDF, "
        "linear SVM) plus naive-Bayes scaling, which adds about 0.75-1 point on 20 Newsgroups against 1.8 on AG News. "
        "A wider margin would need another model family, which the exact single-document fast path does not cover."),
    "1-doc latency": (
        "**Single-document latency.** fastText answers with one C++ call: split on spaces, hash each word and bigram "
        "into a bucket, average those embedding rows, one small matrix product. newsframe's fast path gives the "
        "pipeline's exact probabilities for word 1-2-gram + char_wb 2-5-gram TF-IDF, and its analysis runs in "
        "Python: lowercasing, regex tokens, bigram strings, a dict probe per n-gram (about 25 char n-grams for each word "
        "not seen before), then one compiled call (core/fast/_kernels.pyx) for the TF-IDF row and decision values, and "
        "the calibration. `benchmarks/fastpath_bench.py` (results/fastpath_bench.txt, topic + framing, words cached): "
        "the Python analysis and lookups take 50 µs of a headline and the compiled row 10.5 µs (36 and 7 µs in a run "
        "minutes earlier); right after the CPU caches are evicted one headline costs 252 µs (222): the vocabularies "
        "and weights (tens of MB) are read from memory, not computed. About 6 µs (2 × fastText) would need the tokeniser, n-gram builder and "
        "vocabulary in compiled code with a compact hash table, not Python dicts."),
    "HTTP batch64": (
        "**64-item batches over HTTP.** MLflow's batch request runs one vectorised scikit-learn predict of a word "
        "TF-IDF + LogisticRegression for one task; newsframe scores three tasks with word + char features and "
        "returns per-item labels, confidences and scores. Compare the serving table's rows: 5× MLflow's batch64 rate "
        "is more than twice newsframe's one-core in-process ceiling (64 × `predict_one`, no HTTP), i.e. more than "
        "both cores can score at all; with 8 or more connections the service runs close to that two-core limit. "
        "So the HTTP layer is not what limits it: the per-document cost of three word + char models is."),
    "batch": (
        "**Batch scoring with 2 jobs.** The ratio includes start-up, which a 10,000-row run cannot amortise: the "
        "interpreter, the numpy, pandas and pyarrow imports, loading the model, starting the workers and the first "
        "chunk. `benchmarks/results/startup_bench.json`: the imports alone took 0.53-0.67 s, "
        "loading the model 0.35-0.48 s, and a 20-row input 1.00-1.32 s with `--jobs 2`. With a ceiling "
        "of 3,364 docs/s, 1.6× leaves 1.86 s for 10,000 rows, and scoring them on both cores at twice the ceiling "
        "takes 1.49 s of that, so no start-up fits. "
        "On this VM two simultaneous one-core ceilings have summed to 1.39-2.3× one ceiling "
        "(`two_process_capacity` in batch_bench.py), and the ceiling itself moved ±20% within a minute, so a ratio "
        "near 1.6× can land on either side from run to run."),
    "training": (
        "**Training at 1,000,000 rows.** Time per row grows moderately from 10k to 100k rows (the verdict above). At "
        "1M rows the fit runs out of memory: liblinear works on its own double-precision copy of the sparse matrix "
        "(value and index per non-zero) beside scikit-learn's float64 copy and the float32 TF-IDF matrix, the NB "
        "scaling makes one more scaled copy per one-vs-rest problem, and calibration refits on folds. AG articles "
        "have a few hundred non-zero word + char features each; the 100k fit's peak in the table, per row, "
        "extrapolates past the 20 GiB cap at 1M rows. A 1M-row fit needs out-of-core or hashed features with an "
        "SGD learner, which would change the model."),
}


def gap_causes(verdict_lines: list[str], training_failed: bool = False) -> list[str]:
    """The GAP_CAUSES paragraphs for the categories with a target NOT met (or a training size failed) in this run."""
    missed = [line for line in verdict_lines if "NOT met" in line] + (["training size failed"] if training_failed else [])
    keys = {"accuracy": "accuracy", "1-doc latency": "1-doc latency", "HTTP batch64": "HTTP batch64", "batch ": "batch",
            "training": "training"}
    out = []
    for prefix, key in keys.items():
        lines = [line for line in missed if line.startswith(prefix)]
        if lines:
            datasets = ", ".join(line.split()[1].rstrip(":") for line in lines)
            out.append(GAP_CAUSES[key].format(datasets=datasets) if key == "accuracy" else GAP_CAUSES[key])
    return out


def write_report(res: dict, meta: dict, outdir: Path, md_path: Path, tab: dict | None = None) -> dict:
    tab = tables(res) if tab is None else tab
    pngs = plots(tab, outdir)
    rel = os.path.relpath(outdir, md_path.parent)
    m = meta["machine"]
    L = ["## Peer comparisons (`python -m benchmarks`)", "",
         f"Generated by `{meta['command']}` on {meta['started']} ({meta['total_s']:.0f} s). "
         "Every figure below was measured in that one run; sections marked *not run* were not part of it.", "",
         "### Machine", "",
         f"- CPU: {m.get('cpu', '?')}; nproc {m['nproc']} (available to this process: {m.get('nproc_available', '?')})",
         f"- memory: {m.get('memory_gib', '?')} GiB; {m['platform']}; Python {m['python']}, scikit-learn {m['sklearn']}, numpy {m['numpy']}",
         f"- load average (1/5/15 min) at start: {' / '.join(f'{x:.2f}' for x in meta['load_start'])}; "
         f"at end: {' / '.join(f'{x:.2f}' for x in meta['load_end'])} — other work on the machine skews timings.", "",
         "### Targets (this run)", ""]
    if meta.get("smoke"):
        L += ["**Smoke run** (tiny samples, 1-second cells, a tiny model): the checks below only show the "
              "pipeline works; they are not measurements of the targets.", ""]
    checked = verdicts(res, tab)
    L += [f"- {v}" for v in checked] or ["- no target could be checked in this run"]
    L += [""]
    causes = gap_causes(checked, bool(tab.get("training", {}).get("failed")))
    if causes and not meta.get("smoke"):
        L += ["### Gaps and their causes", ""] + [item for c in causes for item in (c, "")]
    notes = {"peers": "Accuracy and training cost (benchmarks/peers.py; fastText in the bench venv)",
             "serving": "Serving (loopback; newsframe gunicorn vs `mlflow models serve` vs in-process ceilings)",
             "batch": "Batch scoring (benchmarks/batch_bench.py)",
             "training": "Training cost growth (benchmarks/train_growth.py)"}
    for part in PARTS:
        L += [f"### {notes[part]}", ""]
        if part not in tab:
            L += [f"*Not run in this invocation* ({meta['skipped'].get(part, 'not selected with --only')}).", ""]
            continue
        L += [md_table(tab[part]), ""]
        L += [f"- **{line}**" for line in tab[part].get("failed", [])]
        for note in meta["notes"].get(part, []):
            L += [f"- {note}"]
        png = {"peers": "peers_accuracy.png", "serving": "serving.png", "batch": "batch.png", "training": "training_growth.png"}[part]
        if png in pngs:
            L += ["", f"![{part}]({rel}/{png})"]
        L += [""]
    L += ["### Commands run", ""] + [f"- `{c['command']}` → exit {c['exit']}, {c['seconds']} s" for c in meta["log"]] + [""]
    write_section(md_path, "\n".join(L))
    (outdir / "tables.json").write_text(json.dumps(tab, indent=1))
    return tab


MARKERS = ("<!-- python -m benchmarks: generated from here -->", "<!-- python -m benchmarks: generated up to here -->")


def write_section(md_path: Path, section: str) -> None:
    """Replace the generated section of ``md_path`` (between MARKERS), keeping every hand-written section around it;
    a file without the markers (a smoke run's temporary copy) is written whole."""
    start, end = MARKERS
    text = md_path.read_text(encoding="utf-8") if md_path.exists() else ""
    if start in text and end in text:
        text = text[:text.index(start) + len(start)] + "\n" + section + "\n" + text[text.index(end):]
    else:
        text = "\n".join([start, section, end]) + "\n"
    md_path.write_text(text, encoding="utf-8")


# ----------------------------------------------------------------- driver
SERVING_CEILING_NOTE = ("in-process ceilings: one thread, no HTTP; newsframe = Predictor.predict_one (fast path, all tasks), "
                        "score_frame of 64 headlines (the fast path document by document), and 64 × predict_one")
BATCH_NOTES = ["`newsframe score` CSV → CSV in a subprocess, rows resampled from data/topic/ag_news.csv; "
               "ceiling = in-process Predictor.score_frame on one core (wall clock)"]
TRAINING_NOTES = ["topic pipeline at the chosen config (word12+char25, NB-scaled LinearSVC alpha=0.1, C=0.1, sigmoid, "
                  "3 calibration folds), no search; fresh child process per size; max RSS includes data loading",
                  "rows resampled with replacement from the 6,080 bundled AG News rows, so the "
                  "vocabulary saturates: growth in rows, not in vocabulary"]


def render_only(work: Path, md_path: Path) -> int:
    """Rewrite ``md_path`` from the last run's saved tables and log in ``work``: new wording, no new measurement.

    The fixed notes take their current wording; every figure, and the command line and times, are the run's.
    """
    saved = json.loads((work / "run_all.json").read_text())
    meta, tab = saved["meta"], json.loads((work / "tables.json").read_text())
    notes = meta["notes"]
    if "training" in notes:
        notes["training"] = TRAINING_NOTES
    if "batch" in notes:
        notes["batch"] = BATCH_NOTES
    notes["serving"] = [SERVING_CEILING_NOTE if n.startswith("in-process ceilings") else n for n in notes.get("serving", [])]
    res = {"training": json.loads((work / "train_growth.json").read_text())} if "training" in tab else {}
    write_report(res, meta, work, md_path, tab=tab)
    print(f"rewrote {md_path} from {work}/tables.json and run_all.json")
    return 0


def run_sized_part(part: str, cmd: list, result: Path, smoke: bool, sizes: list[int] | None, res: dict, meta: dict,
                   notes: list[str]) -> None:
    """Run a part's script (``--smoke``, or ``--sizes`` when given) and keep its JSON result and notes."""
    if smoke:
        cmd = [*cmd, "--smoke"]
    elif sizes:
        cmd = [*cmd, "--sizes", *sizes]
    if run(cmd, meta["log"]) == 0:
        res[part] = json.loads(result.read_text())
        meta["notes"][part] = notes
    else:
        meta["skipped"][part] = f"{Path(str(cmd[1])).name} failed"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="~1 minute; temp dir; BENCHMARKS.md untouched")
    ap.add_argument("--render", action="store_true",
                    help="measure nothing: rewrite BENCHMARKS.md from the saved results of the last full run (--out dir)")
    ap.add_argument("--only", default=",".join(PARTS), help=f"comma list of {', '.join(PARTS)}")
    ap.add_argument("--models", help="models dir trained with the default config (serving, batch); default: train one")
    ap.add_argument("--out", help="results dir (default benchmarks/results; smoke: a new temp dir)")
    ap.add_argument("--datasets", default=None, help="default ag_news,bbc_news,20ng; smoke: ag_news (bundled, no ../shared)")
    ap.add_argument("--max-docs", default=None, help="peers.py --max-docs, e.g. 20ng=4000")
    ap.add_argument("--duration", type=float, default=None, help="seconds per load cell (default 10; smoke 1)")
    ap.add_argument("--train-sizes", type=int, nargs="+", default=None)
    ap.add_argument("--batch-sizes", type=int, nargs="+", default=None)
    args = ap.parse_args(argv)
    only = [p.strip() for p in args.only.split(",") if p.strip()]
    bad = set(only) - set(PARTS)
    if bad:
        ap.error(f"unknown part(s): {', '.join(sorted(bad))}")
    smoke = args.smoke
    if args.render:
        work = Path(args.out) if args.out else HERE / "results"
        smoke_run = json.loads((work / "run_all.json").read_text())["meta"].get("smoke")
        return render_only(work, work / "BENCHMARKS.md" if smoke_run else REPO / "BENCHMARKS.md")
    if args.datasets is None:
        args.datasets = "ag_news" if smoke else "ag_news,bbc_news,20ng"
    work = Path(args.out) if args.out else (Path(tempfile.mkdtemp(prefix="nf-bench-smoke-")) if smoke else HERE / "results")
    work.mkdir(parents=True, exist_ok=True)
    md_path = work / "BENCHMARKS.md" if smoke else REPO / "BENCHMARKS.md"
    duration = args.duration if args.duration is not None else (1.0 if smoke else 10.0)
    conns = "1,8" if smoke else "1,8,32"
    py = sys.executable
    given = argv if argv is not None else sys.argv[1:]
    meta = {"command": " ".join(["python -m benchmarks", *map(shlex.quote, given)]),
            "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine(), "load_start": os.getloadavg(),
            "log": [], "skipped": {}, "notes": {}, "smoke": smoke}
    res: dict = {}
    t_all = time.perf_counter()
    log = meta["log"]

    if "peers" in only:
        cmd = [py, HERE / "peers.py", "--out", work / "peers.json", "--datasets", args.datasets]
        if smoke:
            cmd.append("--smoke")
        if args.max_docs:
            cmd += ["--max-docs", args.max_docs]
        if run(cmd, log) == 0:
            res["peers"] = json.loads((work / "peers.json").read_text())
            sizes = [f"{k} {v['n_docs']:,} docs, {v['split']}" for k, v in res["peers"]["datasets"].items()]
            notes = ["datasets: " + "; ".join(sizes)]
            if not any(k.startswith("fasttext") for d in res["peers"]["datasets"].values() for k in d["models"]):
                notes.append("fastText skipped: bench venv missing (bash benchmarks/setup_peers.sh)")
            notes.append("newsframe_topic: newsframe.train.model.build_pipeline at the setting the default CV search "
                         "chooses on the bundled data (word12+char25, NB-scaled LinearSVC alpha=0.1, C=0.1), fixed per fold — "
                         "not re-searched per fold")
            notes.append("1-doc µs: median over many calls on AG News titles; '(fast path)' is newsframe.core.fast.task "
                         "FastTask.proba + argmax on the same last-fold model; the generic column is pipeline.predict([doc])")
            meta["notes"]["peers"] = notes
        else:
            meta["skipped"]["peers"] = "peers.py failed"

    models = None
    if "serving" in only or "batch" in only:
        models = ensure_models(args, work, log)

    if "serving" in only:
        serving: dict = {}
        if run([py, HERE / "load_serve.py", "--models", models, "--connections", conns, "--duration", duration,
                "--out", work / "load_serve.json"], log) == 0:
            serving["newsframe"] = json.loads((work / "load_serve.json").read_text())
        if bench_venv_ok("mlflow"):
            if run([BENCH_PYTHON, HERE / "serving_peer.py", "--connections", conns, "--duration", duration,
                    "--out", work / "serving_peer.json"], log) == 0:
                serving["mlflow"] = json.loads((work / "serving_peer.json").read_text())
        else:
            meta["notes"].setdefault("serving", []).append("MLflow serve skipped: bench venv missing (bash benchmarks/setup_peers.sh)")
        serving["newsframe_in_process"] = in_process_ceiling(models, duration)
        res["serving"] = serving
        nf = serving.get("newsframe", {})
        meta["notes"].setdefault("serving", []).extend([
            f"{duration:g} s per cell; newsframe: gunicorn {nf.get('workers', '?')} workers × {nf.get('threads', '?')} threads, "
            f"model {nf.get('model_version', '?')} (topic + framing + posture per request); load tool "
            f"{(nf.get('cells') or [{}])[0].get('tool', '?')} on the same 2 cores as the servers",
            "MLflow: TF-IDF + LogisticRegression (topic only), `mlflow models serve --env-manager local -w 1` "
            "— newsframe does three tasks per document, the MLflow model one",
            SERVING_CEILING_NOTE])

    if "batch" in only:
        run_sized_part("batch", [py, HERE / "batch_bench.py", "--models", models, "--results", work / "batch_bench.json",
                                 "--workdir", Path(tempfile.mkdtemp(prefix="nf-batch-"))],
                       work / "batch_bench.json", smoke, args.batch_sizes, res, meta,
                       BATCH_NOTES)

    if "training" in only:
        run_sized_part("training", [py, HERE / "train_growth.py", "--out", work / "train_growth.json"],
                       work / "train_growth.json", smoke, args.train_sizes, res, meta,
                       TRAINING_NOTES)

    meta["load_end"] = os.getloadavg()
    meta["total_s"] = time.perf_counter() - t_all
    tab = write_report(res, meta, work, md_path)
    (work / "run_all.json").write_text(json.dumps({"meta": meta, "parts": sorted(res)}, indent=1, default=str))
    print(f"\nwrote {md_path} and {work}/tables.json; parts measured: {', '.join(tab) or 'none'}")
    failed = [c for c in log if c["exit"] != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
