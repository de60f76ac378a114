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


def test_startup_bench_smoke(tmp_path: Path, tiny_models: Path) -> None:
    bbc = tmp_path / "bbc.csv"
    bbc.write_text("category,file_id,title,text\n"
                   "sport,001,Holders reject late offer,The club rejected the offer and demanded more.\n"
                   "tech,002,Chip maker agrees deal,Talks ended in an agreement on licences.\n"
                   "politics,003,Not counted,This category is training data and is left out.\n", encoding="utf-8")
    results = tmp_path / "startup.json"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "startup_bench.py"), "--models", str(tiny_models),
                           "--rounds", "1", "--rows", "200", "--bbc", str(bbc), "--results", str(results)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(results.read_text())
    assert report["rows"] == 200 and len(report["rounds"]) == 1
    median = report["median"]
    assert median["imports"] > 0 and median["score_20_rows_jobs1"] > 0 and median["score_20_rows_jobs2"] > 0
    for kind in ("seeded", "unseeded"):
        assert median[kind]["load_seconds"] > 0 and median[kind]["cold_docs_per_s"] > 0 and median[kind]["warm_docs_per_s"] > 0
    assert report["coverage"]  # one entry per seeded group
    for group in report["coverage"].values():
        assert group["articles"] == 2 and group["seeded_words"] > 0
        assert 0 < group["occurrences_covered"] <= 1 and 0 < group["distinct_covered"] <= 1
