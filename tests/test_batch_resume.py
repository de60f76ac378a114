"""Crash safety: a real ``newsframe score`` killed with SIGKILL mid-run, then ``--resume``, gives identical bytes."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from batch_support import articles, cli, cli_popen, write_input
from newsframe.serve.batch.run import score_file

ROWS, CHUNK = 1200, 20


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CSV with a few rejected rows among 1200, so the rejects file is part of the comparison."""
    frame = articles(ROWS, seed=7)
    frame.loc[[10, 600, 1190], ["headline", "body"]] = ""
    return write_input(frame, tmp_path_factory.mktemp("resume") / "in.csv")


def _journal_lines(output: Path) -> int:
    journal = output.parent / f".{output.name}.newsframe-partial" / "journal.jsonl"
    return journal.read_text(encoding="utf-8").count("\n") if journal.exists() else 0


def _kill_mid_run(output: Path, *args: str, after_chunks: int = 4) -> None:
    """Start the real command, wait until ``after_chunks`` chunks are journaled, then SIGKILL it."""
    proc = cli_popen("score", *args, "--out", str(output), "--chunk-size", str(CHUNK))
    deadline = time.monotonic() + 120
    try:
        while _journal_lines(output) < 1 + after_chunks:
            assert proc.poll() is None, f"finished or failed before it could be killed: {proc.communicate()}"
            assert time.monotonic() < deadline, "no progress"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    finished = _journal_lines(output) - 1
    assert after_chunks <= finished < ROWS // CHUNK, finished  # really mid-run
    assert not output.exists()  # the output appears only when complete


@pytest.mark.parametrize(("fmt", "jobs"), [("csv", 1), ("parquet", 2)])
def test_resume_after_sigkill_is_byte_identical(tmp_path: Path, source: Path, tiny_models: Path, fmt: str, jobs: int) -> None:
    reference = tmp_path / f"reference.{fmt}"
    score_file(source, reference, tiny_models, chunk_size=CHUNK, log=lambda _: None)

    output = tmp_path / f"resumed.{fmt}"
    common = (str(source), "--models", str(tiny_models))
    _kill_mid_run(output, *common, "--jobs", str(jobs))
    result = cli("score", *common, "--out", str(output), "--chunk-size", str(CHUNK), "--resume")  # --jobs may differ
    assert result.returncode == 3, result.stderr  # three rows are rejected
    assert "resuming:" in result.stderr and "chunk(s) already finished" in result.stderr
    assert f"read {ROWS:,} rows: {ROWS - 3:,} scored, 3 rejected" in result.stdout
    assert output.read_bytes() == reference.read_bytes()
    assert (tmp_path / "resumed.rejects.jsonl").read_bytes() == (tmp_path / "reference.rejects.jsonl").read_bytes()
    assert not (tmp_path / f".resumed.{fmt}.newsframe-partial").exists()


def test_resume_refuses_changed_options(tmp_path: Path, source: Path, tiny_models: Path) -> None:
    output = tmp_path / "out.csv"
    _kill_mid_run(output, str(source), "--models", str(tiny_models), after_chunks=1)
    result = cli("score", str(source), "--models", str(tiny_models), "--out", str(output), "--chunk-size", "10", "--resume")
    assert result.returncode == 2 and "cannot resume: chunk_size changed" in result.stderr
    assert not output.exists()
    # without --resume the unfinished run is discarded and a fresh one completes
    result = cli("score", str(source), "--models", str(tiny_models), "--out", str(output), "--chunk-size", "500")
    assert result.returncode == 3 and "discarding the unfinished run" in result.stderr
    assert output.exists()
