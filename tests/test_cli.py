"""The `newsframe` command as a user runs it: real subprocesses, exit codes and messages."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsframe.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_train_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("train", "--data", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "m"))
    assert result.returncode == 2
    assert "missing.csv: file not found" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "m").exists()


def test_train_unknown_format_and_bad_config_exit_2(tmp_path: Path, tiny_data: Path) -> None:
    (tmp_path / "d.xml").write_text("<x/>", encoding="utf-8")
    assert run("train", "--data", str(tmp_path / "d.xml")).returncode == 2
    (tmp_path / "c.toml").write_text("cv_folds = 1\n", encoding="utf-8")
    result = run("train", "--data", str(tiny_data), "--config", str(tmp_path / "c.toml"), "--out", str(tmp_path / "m"))
    assert result.returncode == 2 and "cv_folds" in result.stderr


def test_usage_error_exits_2() -> None:
    assert run("frobnicate").returncode == 2
    assert run("score").returncode == 2


def test_train_then_evaluate_then_score(tmp_path: Path, tiny_data: Path, tiny_config_path: Path) -> None:
    models = tmp_path / "models"
    result = run("train", "--data", str(tiny_data), "--config", str(tiny_config_path), "--out", str(models))
    assert result.returncode == 0, result.stderr
    assert "topic: 75 rows used" in result.stdout and (models / "latest" / "manifest.json").is_file()

    result = run("evaluate", "--models", str(models), "--data", str(tiny_data), "--out", str(tmp_path / "eval"))
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text())
    assert set(metrics["metrics"]) == {"topic", "framing", "posture", "document"}  # document: the three-way label
    assert (tmp_path / "eval" / "framing_reliability.png").stat().st_size > 1000

    out = tmp_path / "scored.parquet"
    result = run("score", str(tiny_data), "--out", str(out), "--models", str(models))
    assert result.returncode == 0, result.stderr
    scored, original = pd.read_parquet(out), pd.read_csv(tiny_data, keep_default_na=False)
    assert list(scored.columns[: len(original.columns)]) == list(original.columns)
    assert {"newsframe_topic", "topic_confidence", "newsframe_framing", "framing_confidence"} <= set(scored.columns)
    assert len(scored) == len(original)


def test_evaluate_with_labels_the_model_does_not_know_exits_2(tmp_path: Path, tiny_models: Path) -> None:
    data = tmp_path / "d.csv"
    pd.DataFrame({"headline": ["Film wins award"], "topic": ["Entertainment"]}).to_csv(data, index=False)
    result = run("evaluate", "--models", str(tiny_models), "--data", str(data), "--out", str(tmp_path / "e"))
    assert result.returncode == 2 and "Entertainment" in result.stderr


def test_score_without_a_model_exits_2(tmp_path: Path, tiny_data: Path) -> None:
    result = run("score", str(tiny_data), "--out", str(tmp_path / "o.csv"), "--models", str(tmp_path / "none"))
    assert result.returncode == 2 and "models directory not found" in result.stderr


def test_interrupted_training_leaves_no_version(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "newsframe.cli", "train", "--out", str(models)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    for line in proc.stdout:  # wait until the search has started on the bundled data
        if line.startswith("training topic") or time.monotonic() > deadline:
            break
    time.sleep(1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "interrupted by SIGTERM; no version was written" in err
    assert list(models.iterdir()) == []
