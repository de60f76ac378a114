"""Smoke run of benchmarks/queue_sim.py (the figures come from the full run; this checks the machinery)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parent.parent


def test_queue_sim_smoke(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, str(REPO / "benchmarks" / "queue_sim.py"), "--batch", "30", "--rounds", "2",
                          "--seeds", "1", "--limit", "300", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads((tmp_path / "queue_sim.json").read_text())
    assert [p["labels"] for p in result["queue"]] == [0, 30, 60] == [p["labels"] for p in result["random_mean"]]
    assert all(0.0 <= p["macro_f1"] <= 1.0 for p in result["queue"] + result["random_mean"])
    assert result["pool"] + result["test"] == 300 and result["cameo"] > 1000
    assert (tmp_path / "queue_sim.png").stat().st_size > 10_000
    assert "goal (<= 60%)" in run.stdout
