"""The Dask engine on a real ``dask.distributed`` LocalCluster with two workers: same output as the local engine."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from batch_support import articles, cli, read_rejects, read_rows, write_input
from newsframe.serve.batch.run import score_file

distributed = pytest.importorskip("distributed")

CHUNK = 40


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """Two in-process workers (threads) behind a TCP scheduler the CLI subprocess can reach; starts in seconds."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as c:
        yield c


@pytest.fixture(scope="module")
def frame():
    data = articles(170, seed=11)
    data.loc[[5, 120], ["headline", "body"]] = ""  # two rejects
    return data


@pytest.mark.parametrize("in_fmt", ["csv", "jsonl", "parquet"])
def test_dask_parquet_matches_local(tmp_path: Path, frame, in_fmt: str, cluster, tiny_models: Path) -> None:
    source = write_input(frame, tmp_path / f"in.{in_fmt}")
    local = score_file(source, tmp_path / "local.parquet", tiny_models, chunk_size=CHUNK, log=lambda _: None)
    remote = score_file(source, tmp_path / "dask.parquet", tiny_models, chunk_size=CHUNK, engine="dask",
                        scheduler=cluster.scheduler_address, log=lambda _: None)
    assert remote.as_dict() == local.as_dict() == {"read": 170, "scored": 168, "rejected": 2}
    parts = sorted(p.name for p in (tmp_path / "dask.parquet").iterdir())
    assert parts == [f"part-{i:05d}.parquet" for i in range(5)]  # one part per chunk: 170 rows / 40
    assert read_rows(tmp_path / "dask.parquet") == read_rows(tmp_path / "local.parquet")
    assert (tmp_path / "dask.rejects.jsonl").read_bytes() == (tmp_path / "local.rejects.jsonl").read_bytes()
    assert not list(tmp_path.glob(".*"))


def test_dask_csv_directory_via_cli(tmp_path: Path, frame, cluster, tiny_models: Path) -> None:
    """The real command with --engine dask --scheduler; each CSV part carries its header."""
    source = write_input(frame, tmp_path / "in.jsonl")
    score_file(source, tmp_path / "local.csv", tiny_models, chunk_size=CHUNK, log=lambda _: None)
    result = cli("score", str(source), "--out", str(tmp_path / "dask.csv"), "--models", str(tiny_models),
                 "--engine", "dask", "--scheduler", cluster.scheduler_address, "--chunk-size", str(CHUNK))
    assert result.returncode == 3, result.stderr
    assert "read 170 rows: 168 scored, 2 rejected" in result.stdout
    assert read_rows(tmp_path / "dask.csv") == read_rows(tmp_path / "local.csv")
    assert [r["row"] for r in read_rejects(tmp_path / "dask.rejects.jsonl")] == [6, 121]
