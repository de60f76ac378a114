"""``benchmarks/actors_bench.py --smoke`` runs end to end: both runs per round, a ratio, and no leftovers."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_actors_bench_smoke(tmp_path: Path, tiny_models: Path) -> None:
    results = tmp_path / "actors.json"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "actors_bench.py"), "--smoke", "--models",
                           str(tiny_models), "--results", str(results), "--workdir", str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(results.read_text())
    (entry,) = report["jobs"]
    assert entry["jobs"] == 1 and entry["plain_docs_per_s"] > 0 and entry["actors_docs_per_s"] > 0
    # the ratio is of the unrounded medians; the rates shown are rounded to 0.1
    assert entry["ratio"] == pytest.approx(entry["actors_docs_per_s"] / entry["plain_docs_per_s"], abs=0.01)
    assert entry["actor_rows"] >= entry["rows_with_actors"] > 0  # AG News items do name actors
    for run in entry["runs"]["plain"] + entry["runs"]["actors"]:
        assert "read 300 rows: 300 scored" in run["summary"] and run["load_before"] >= 0
    assert list(report["verdict"]) == ["jobs1_ratio_at_least_0.5"] and "ratio" in done.stdout
    assert not list((tmp_path / "work").iterdir())  # input and outputs removed
