"""``benchmarks/score_vs_fasttext.py --smoke``: the end-to-end comparison runs and reports what it measured.

fastText's rows need the bench venv (benchmarks/setup_peers.sh); without it they must say "skipped", never be faked.
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


@pytest.mark.slow
def test_score_vs_fasttext_smoke(tiny_models: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "benchmarks/score_vs_fasttext.py", "--models", str(tiny_models), "--smoke",
                           "--bench-python", str(BENCH_PYTHON), "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["rows"] == 300 and report["newsframe_docs_per_s"] > 0 and len(report["runs"]["newsframe"]) == 1
    assert {"newsframe_topic", "framing", "framing_posture"} <= set(report["newsframe_columns"])
    assert report["latency"]["newsframe"]["median_us"] > 0 and "load average" in done.stdout
    steps = report["newsframe_steps"]  # the in-process breakdown beside fastText's steps
    assert steps["rows"] == 300 and set(steps["steps"]) == {"imports", "load model", "read csv", "texts", "predict", "write csv"}
    assert steps["predict_cpu_us_per_doc"] > 0 and "thread CPU per document" in done.stdout
    has_fasttext = BENCH_PYTHON.exists() and subprocess.run([str(BENCH_PYTHON), "-c", "import fasttext"]).returncode == 0
    if has_fasttext:
        assert report["fasttext_docs_per_s"] > 0 and report["latency"]["fasttext"]["median_us"] > 0
        assert "fastText/newsframe docs/s" in done.stdout
    else:
        assert not report["runs"]["fasttext"] and "skipped" in done.stdout
