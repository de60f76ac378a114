"""The batch benchmark's ``--smoke`` mode runs end to end and reports every figure the full run reports."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_batch_bench_smoke(tmp_path: Path, tiny_models: Path) -> None:
    results = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "batch_bench.py"), "--smoke", "--models", str(tiny_models),
                           "--results", str(results), "--workdir", str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(results.read_text())
    (size,) = report["sizes"]
    assert size["ceiling"]["docs_per_s"] > 0 and size["two_process_capacity"]["docs_per_s"] > 0
    assert [run["jobs"] for run in size["runs"]] == [1, 2]
    for run in size["runs"]:
        assert run["docs_per_s"] > 0 and run["peak_tree_rss_mb"] > 0 and run["max_process_rss_mb"] > 0
        assert f"read {size['rows']} rows: {size['rows']} scored" in run["summary"]
    assert "jobs2_over_ceiling" in report["verdict"] and "docs/s" in done.stdout
    assert not list((tmp_path / "work").iterdir())  # inputs and outputs cleaned up
