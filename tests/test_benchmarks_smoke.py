"""`python -m benchmarks --smoke` runs all four comparisons end to end and produces the expected tables.

Peers whose environment is missing (the bench venv with fastText and MLflow, benchmarks/setup_peers.sh) are
skipped by the command itself; their rows are then expected to be absent, never faked.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH_PYTHON = Path(os.environ.get("BENCH_VENV", str(Path(__file__).resolve().parent.parent.parent / "newsframe-bench-venv"))) / "bin" / "python"


def _venv_has(module: str) -> bool:
    return BENCH_PYTHON.exists() and subprocess.run([str(BENCH_PYTHON), "-c", f"import {module}"],
                                                    capture_output=True).returncode == 0


@pytest.mark.slow
def test_benchmarks_smoke(tmp_path: Path) -> None:
    before = (REPO / "BENCHMARKS.md").read_bytes() if (REPO / "BENCHMARKS.md").exists() else None
    out = tmp_path / "bench"
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--smoke", "--out", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    after = (REPO / "BENCHMARKS.md").read_bytes() if (REPO / "BENCHMARKS.md").exists() else None
    assert after == before  # smoke never touches the real report

    tables = json.loads((out / "tables.json").read_text())
    assert set(tables) == {"peers", "serving", "batch", "training"}

    peers = tables["peers"]
    assert peers["columns"] == ["dataset", "model", "accuracy %", "± std", "macro-F1 %", "train s/fold", "tune s/fold",
                                "batch pred/s", "1-doc µs (predict)", "1-doc µs (fast path)"]
    expected = {"tfidf_lr", "tfidf_wordchar_svc", "newsframe_topic"}
    if _venv_has("fasttext"):
        expected |= {"fasttext_paper_unigram", "fasttext_paper_bigram", "fasttext_tuned_bigram"}
    for dataset in ("ag_news",):  # the bundled copy: tests never read ../shared
        rows = {r[1]: r for r in peers["rows"] if r[0] == dataset}
        assert set(rows) == expected, dataset
        assert all(0 < r[2] <= 100 and r[7] > 0 and r[8] > 0 for r in rows.values())
        assert rows["newsframe_topic"][9] > 0  # fast-path latency measured
        assert all(r[9] is None for name, r in rows.items() if name != "newsframe_topic")

    serving = tables["serving"]
    assert serving["columns"] == ["server", "payload", "connections", "requests/s", "docs/s", "p50 ms", "p99 ms", "errors"]
    cells = {(r[0], r[1], r[2]) for r in serving["rows"]}
    servers = ["newsframe (gunicorn)"] + (["mlflow models serve"] if _venv_has("mlflow") else [])
    for server in servers:
        for payload in ("single", "batch64"):
            for connections in (1, 8):
                assert (server, payload, connections) in cells
    assert ("newsframe in-process (ceiling)", "single", 1) in cells
    assert all(r[3] > 0 and r[7] == 0 for r in serving["rows"])

    batch = tables["batch"]
    assert batch["columns"][:3] == ["rows", "jobs", "docs/s"]
    assert sorted(r[1] for r in batch["rows"]) == [1, 2] and all(r[2] > 0 and r[5] > 0 for r in batch["rows"])

    training = tables["training"]
    assert training["columns"] == ["rows", "fit s", "µs/row", "max RSS MB", "RSS before fit MB", "features"]
    assert [r[0] for r in training["rows"]] == [1000, 3000] and all(r[1] > 0 and r[3] > 0 for r in training["rows"])

    report = (out / "BENCHMARKS.md").read_text()
    for heading in ("## Machine", "## Targets (this run)", "## Accuracy and training cost", "## Serving",
                    "## Batch scoring", "## Training cost growth", "## Commands run"):
        assert heading in report
    assert "`python -m benchmarks --smoke" in report and "nproc" in report and "load average" in report
    for png in ("peers_accuracy.png", "serving.png", "batch.png", "training_growth.png"):
        assert (out / png).stat().st_size > 0

    # --render rebuilds the same report from the saved results, measuring nothing (and leaves the real one alone).
    (out / "BENCHMARKS.md").unlink()
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--render", "--out", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-4000:]
    assert (out / "BENCHMARKS.md").read_text() == report
    assert ((REPO / "BENCHMARKS.md").read_bytes() if (REPO / "BENCHMARKS.md").exists() else None) == before


def test_gap_causes_follow_the_missed_targets() -> None:
    sys.path.insert(0, str(REPO))
    from benchmarks.__main__ import GAP_CAUSES, gap_causes

    lines = ["1-doc latency ag_news (topic task only): newsframe fast path 50.0 µs vs fastText 3.0 µs = 16.67× (target ≤ 2×): NOT met",
             "HTTP single at 8 connections: newsframe 2000 req/s vs MLflow 150 = 13.3× (target ≥ 5×): met",
             "batch 10,000 rows, 2 jobs: 0.81× the one-core ceiling, start-up included (target ≥ 1.6×): NOT met",
             "batch 1,000,000 rows, 2 jobs: 1.70× the one-core ceiling, start-up included (target ≥ 1.6×): met"]
    assert gap_causes(lines) == [GAP_CAUSES["1-doc latency"], GAP_CAUSES["batch"]]
    missed_20ng = "accuracy 20ng: newsframe 72.74% vs best peer tfidf_wordchar_svc 71.99% (target > 72.99%): NOT met"
    assert gap_causes([missed_20ng])[0].startswith("**Accuracy margin (20ng).**")
    assert gap_causes(lines, training_failed=True)[-1] == GAP_CAUSES["training"]
    assert gap_causes([line.replace("NOT met", "met") for line in lines]) == []
