"""Batch drills (issue 19): a crash while the parts are joined, JSON Lines text that is a number, a full disk."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest
from batch_support import articles, cli, cli_popen, read_rejects, write_input
from newsframe.core.errors import StorageError
from newsframe.serve.batch.run import score_file
from newsframe.train.config import load_config
from newsframe.train.trainer import train

QUIET = {"log": lambda _: None}


def _crash_while_joining(source: Path, output: Path, models: Path, *extra: str) -> Path:
    """Run the real command and SIGKILL it once the joined output's temporary file appears; return that file."""
    proc = cli_popen("score", str(source), "--models", str(models), "--out", str(output), "--chunk-size", "200", *extra)
    deadline = time.monotonic() + 180
    try:
        while True:
            partial = list(output.parent.glob(f".{output.name}.tmp-*"))
            if partial:
                os.kill(proc.pid, signal.SIGKILL)
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the join was not caught (exit {proc.returncode}): {proc.communicate()}")
            time.sleep(0.001)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert partial[0].exists() and not output.exists(), "killed after the join finished"
    return partial[0]


@pytest.fixture(scope="module")
def wide_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 articles with a 30 KB column the model never reads: a 30 MB output takes a while to join."""
    frame = articles(1000, seed=3)
    frame["notes"] = ["n" * 30_000] * len(frame)
    return write_input(frame, tmp_path_factory.mktemp("wide") / "wide.csv")


@pytest.mark.slow
@pytest.mark.parametrize("resume", [True, False])
def test_a_crash_while_joining_leaves_nothing_after_the_next_run(tmp_path: Path, wide_input: Path, tiny_models: Path,
                                                                 resume: bool) -> None:
    output = tmp_path / "out.csv"
    partial = _crash_while_joining(wide_input, output, tiny_models)
    # Temporaries of other outputs in the same directory, named alike: never touched.
    others = [tmp_path / ".out.csv.bak.tmp-0badc0de", tmp_path / ".other.csv.tmp-0badc0de", tmp_path / ".out.csv.tmp-xyz"]
    for other in others:
        other.write_text("someone else's")
    leftovers = [tmp_path / ".out.rejects.jsonl.tmp-0123abcd", tmp_path / ".out.actors.csv.tmp-0123abcd"]
    for leftover in leftovers:  # the rejects and actors files are joined the same way
        leftover.write_text("{}")
    result = cli("score", str(wide_input), "--models", str(tiny_models), "--out", str(output), "--chunk-size", "200",
                 *(["--resume"] if resume else []))
    assert result.returncode == 0, result.stderr
    assert f"removed {partial.name}" in result.stderr and ("resuming:" in result.stderr) == resume
    assert not partial.exists() and not any(leftover.exists() for leftover in leftovers)
    assert all(other.read_text() == "someone else's" for other in others)
    reference = tmp_path / "reference.csv"
    score_file(wide_input, reference, tiny_models, chunk_size=200, **QUIET)
    assert output.read_bytes() == reference.read_bytes()
    hidden = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".") and p not in others)
    assert hidden == [], hidden


def test_jsonl_text_that_is_a_number_is_rejected_as_wrong_type(tmp_path: Path, tiny_models: Path) -> None:
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join(json.dumps(r) for r in [
        {"id": 1, "headline": "Shares rally as markets cheer rate cut", "body": "Stocks rose."},
        {"id": 2, "text": 42},
        {"id": 3, "headline": "Talks resume", "text": 3.5},
    ]) + "\n", encoding="utf-8")
    summary = score_file(mixed, tmp_path / "mixed.out.jsonl", tiny_models, **QUIET)
    assert (summary.read, summary.scored, summary.rejected) == (3, 1, 2)
    reasons = [r["reason"] for r in read_rejects(summary.rejects)]
    assert reasons == ["wrong type: column 'text' holds int 42, expected text",
                       "wrong type: column 'text' holds float 3.5, expected text"]

    numbers = tmp_path / "numbers.jsonl"
    numbers.write_text('{"id": 1, "text": 7}\n{"id": 2, "text": [1, 2]}\n', encoding="utf-8")
    result = cli("score", str(numbers), "--models", str(tiny_models), "--out", str(tmp_path / "numbers.out.jsonl"))
    assert result.returncode == 3, result.stderr  # rows rejected, not "missing text column"
    assert "missing text column" not in result.stderr
    reasons = [r["reason"] for r in read_rejects(tmp_path / "numbers.out.rejects.jsonl")]
    assert [r.split(",")[0] for r in reasons] == ["wrong type: column 'text' holds int 7"] + \
        ["wrong type: column 'text' holds list [1"]


@pytest.fixture()
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB tmpfs (needs root, as CI runs): writes past it fail with ENOSPC."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_names_the_batch_output(full_disk: Path, tiny_models: Path, tmp_path: Path) -> None:
    source = write_input(articles(600, seed=5), tmp_path / "in.csv")
    for name in ("out.csv", "out.parquet"):
        result = cli("score", str(source), "--models", str(tiny_models), "--out", str(full_disk / name))
        assert result.returncode == 2, result.stderr
        assert f"{full_disk / name}: cannot write: no space left on device" in result.stderr
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_a_full_disk_names_the_model_being_written(full_disk: Path, tiny_data: Path, tiny_config_path: Path) -> None:
    config = load_config(tiny_config_path)
    quick = {name: replace(task, feature_sets=task.feature_sets[:1], C=task.C[:1]) for name, task in config.tasks.items()}
    with pytest.raises(StorageError, match="cannot write: no space left on device") as raised:
        train([tiny_data], replace(config, tasks=quick), full_disk / "models", log=lambda _: None)
    assert str(full_disk / "models") in str(raised.value)
    assert [p.name for p in (full_disk / "models").iterdir()] == []  # the unfinished version is removed
