"""``newsframe score`` exit codes: 0 all scored, 3 finished with rejects, 2 bad usage/input, 1 failure."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from batch_support import articles, cli, read_rows, write_input
from newsframe.cli import main
from newsframe.serve.batch.progress import Progress


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_input(articles(12, seed=4), tmp_path_factory.mktemp("cli") / "in.csv")


def test_all_scored_exits_0_and_writes_an_empty_rejects_file(tmp_path: Path, source: Path, tiny_models: Path,
                                                             capsys: pytest.CaptureFixture) -> None:
    assert main(["score", str(source), "--out", str(tmp_path / "o.jsonl"), "--models", str(tiny_models)]) == 0
    assert "read 12 rows: 12 scored, 0 rejected" in capsys.readouterr().out
    assert (tmp_path / "o.rejects.jsonl").read_text() == ""


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "{tmp}/o.xml"], "unknown format '.xml'"),
    (["--out", "{tmp}/missing-dir/o.csv"], "output directory does not exist"),
    (["--out", "{tmp}/o.csv", "--jobs", "0"], "--jobs must be at least 1"),
    (["--out", "{tmp}/o.csv", "--chunk-size", "0"], "--chunk-size must be at least 1"),
    (["--out", "{tmp}/o.csv", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
    (["--out", "{tmp}/o.csv", "--engine", "dask", "--resume"], "--resume works with the local engine only"),
    (["--out", "{tmp}/o.csv", "--models", "{tmp}/no-models"], "models directory not found"),
])
def test_bad_usage_exits_2(tmp_path: Path, source: Path, tiny_models: Path, capsys: pytest.CaptureFixture,
                           args: list[str], message: str) -> None:
    argv = ["score", str(source), "--models", str(tiny_models)] + [a.format(tmp=tmp_path) for a in args]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.glob("o.*"))


def test_bad_input_exits_2(tmp_path: Path, tiny_models: Path, capsys: pytest.CaptureFixture) -> None:
    no_text = tmp_path / "no_text.csv"
    no_text.write_text("id,title\n1,Oil prices rise\n", encoding="utf-8")
    header_only = tmp_path / "empty.jsonl"
    header_only.write_text("\n\n", encoding="utf-8")
    cases = [(tmp_path / "absent.csv", "input not found"), (no_text, "missing text column"),
             (header_only, "missing text column")]
    for path, message in cases:
        assert main(["score", str(path), "--out", str(tmp_path / "o.csv"), "--models", str(tiny_models)]) == 2
        assert message in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_unreachable_scheduler_is_a_failure_exit_1(tmp_path: Path, source: Path, tiny_models: Path) -> None:
    result = cli("score", str(source), "--out", str(tmp_path / "o.parquet"), "--models", str(tiny_models),
                 "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert result.returncode == 1, result.stderr
    assert "internal error" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o.parquet").exists() and not list(tmp_path.glob(".o.parquet*"))


def test_dask_local_cluster_from_the_cli(tmp_path: Path, source: Path, tiny_models: Path) -> None:
    """Without --scheduler the command starts its own LocalCluster of --jobs worker processes."""
    result = cli("score", str(source), "--out", str(tmp_path / "o.parquet"), "--models", str(tiny_models),
                 "--engine", "dask", "--jobs", "2", "--chunk-size", "5")
    assert result.returncode == 0, result.stderr
    assert "local cluster of 2 worker process(es)" in result.stderr
    assert len(read_rows(tmp_path / "o.parquet")) == 12


def test_progress_bar_on_a_terminal_and_log_lines_otherwise() -> None:
    stream = io.StringIO()
    bar = Progress(total=100, stream=stream, tty=True)
    bar.advance(40, 1)
    bar.close()
    assert "40.0/100" in stream.getvalue() and "rows/s" in stream.getvalue() and "rejected=1" in stream.getvalue()
    lines: list[str] = []
    plain = Progress(total=None, stream=io.StringIO(), tty=False, every=0.0, log=lines.append)
    plain.advance(50, 0, fraction=0.25)
    assert lines and "50 rows done" in lines[0] and "25% (estimated)" in lines[0] and "ETA" in lines[0]


def test_every_worker_starts_when_the_pool_opens(tiny_models: Path) -> None:
    # A spawn pool starts a worker only when a task finds none idle; the scorer starts all of them on entry
    # (and they load the model) before the first chunk, rather than one after the other behind it.
    import multiprocessing

    from newsframe.serve.batch.engine_local import Scorer

    before = set(multiprocessing.active_children())
    with Scorer(str(tiny_models), 2, False) as scorer:
        started = set(multiprocessing.active_children()) - before
        assert len(started) == 2 and all(p.is_alive() for p in started)
        version, schema = scorer.probe(["headline", "body"])
        assert version and "topic" in schema.names


def test_workers_fork_only_from_a_single_threaded_process() -> None:
    import sys
    import threading

    from newsframe.serve.batch.engine_local import pool_context

    if threading.active_count() == 1:
        assert pool_context().get_start_method() == ("fork" if sys.platform.startswith("linux") else "spawn")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert pool_context().get_start_method() == "spawn"  # forking a process with other threads is unsafe
    finally:
        stop.set()
        other.join()
