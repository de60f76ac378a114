"""`benchmarks/train_scale.py --smoke`: both training paths run through the real command and report their figures."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_train_scale_smoke(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    done = subprocess.run([sys.executable, "benchmarks/train_scale.py", "--smoke", "--out", str(out), "--workdir", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    runs = {r["mode"]: r for r in report["runs"]}
    assert set(runs) == {"memory", "stream"}
    for run in runs.values():
        assert run["exit"] == 0 and run["rows"] == 1000 and run["max_rss_mb"] > 50 and run["wall_s"] > 0
        assert 0.5 < run["accuracy"] <= 1.0  # four balanced classes: chance is 0.25
        assert "trained topic; framing not trained" in run["log_tail"][-1]
    assert runs["stream"]["training"] == "streaming" and runs["memory"]["training"] == "in-memory"
    assert report["test_pool"] == 1216 and report["train_pool"] == 4864
