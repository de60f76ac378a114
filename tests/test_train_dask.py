"""Streaming training with the text hashed on a real two-worker Dask LocalCluster: the same model as locally."""
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from newsframe.core.artifacts import LATEST, MANIFEST, load_version
from newsframe.core.errors import DataError
from newsframe.serve.predictor import Predictor
from newsframe.train.config import config_from_dict
from newsframe.train.trainer import train, train_frame

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")

STREAM = {"mode": "stream", "chunk_rows": 100, "hash_features": 1 << 16, "workers": 1}
TEXTS = ["Rebels shell the capital as talks collapse", "Central bank raises interest rates", "Striker scores twice"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """Two in-process workers (threads) behind a TCP scheduler the CLI subprocess can reach; starts in seconds."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as c:
        yield c


def test_dask_hashing_gives_the_local_model(tmp_path: Path, tiny_data: Path, tiny_config_path: Path, cluster) -> None:
    config = config_from_dict({"seed": 0, "test_size": 0.25, "streaming": STREAM})
    local = train([tiny_data], config, tmp_path / "local", log=lambda _: None)
    with distributed.Client(cluster.scheduler_address) as client:
        remote = train([tiny_data], config, tmp_path / "dask", log=lambda _: None, executor=client)
        assert len(client.scheduler_info()["workers"]) == 2
    a, b = load_version(local), load_version(remote)
    assert a.tasks == b.tasks == ["topic", "framing", "posture"]
    for task in a.tasks:
        assert np.array_equal(a.pipelines[task].predict_proba(TEXTS), b.pipelines[task].predict_proba(TEXTS))
    assert a.manifest["data"]["fingerprint"] == b.manifest["data"]["fingerprint"]


def test_cli_scheduler_option_trains_streaming(tmp_path: Path, tiny_data: Path, cluster) -> None:
    config = tmp_path / "c.toml"
    config.write_text("seed = 0\ntest_size = 0.25\n[streaming]\nchunk_rows = 100\nhash_features = 65536\n")
    result = subprocess.run([sys.executable, "-c", "import sys; from newsframe.cli import main; sys.exit(main(sys.argv[1:]))",
                             "train", "--data", str(tiny_data), "--config", str(config), "--out", str(tmp_path / "m"),
                             "--scheduler", cluster.scheduler_address], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "streaming training" in result.stdout and "trained topic, framing, posture" in result.stdout
    assert json.loads((tmp_path / "m" / LATEST / MANIFEST).read_text())["training"] == "streaming"


def test_cli_unreachable_scheduler_exits_2(tmp_path: Path, tiny_data: Path) -> None:
    result = subprocess.run([sys.executable, "-c", "import sys; from newsframe.cli import main; sys.exit(main(sys.argv[1:]))",
                             "train", "--data", str(tiny_data), "--out", str(tmp_path / "m"), "--scheduler", "tcp://127.0.0.1:9"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "cannot connect" in result.stderr


@pytest.fixture(scope="module")
def parquet_parts(tmp_path_factory: pytest.TempPathFactory, tiny_data: Path) -> Path:
    """The tiny training file as two Parquet files of 100 and 5 rows: ``dd.read_parquet`` makes them the partitions
    the file's chunks of ``chunk_rows = 100`` are."""
    raw = pd.read_csv(tiny_data, dtype=str, keep_default_na=False)
    directory = tmp_path_factory.mktemp("parts")
    raw.iloc[:100].to_parquet(directory / "part-0.parquet")
    raw.iloc[100:].to_parquet(directory / "part-1.parquet")
    return directory


def test_dataframe_on_workers_trains_the_file_model(tmp_path: Path, tiny_data: Path, parquet_parts: Path, cluster) -> None:
    config = config_from_dict({"seed": 0, "test_size": 0.25, "streaming": STREAM})
    local = train([tiny_data], config, tmp_path / "file", log=lambda _: None)
    frame = dd.read_parquet(str(parquet_parts))  # the workers read the files: the driver never sees a row of text
    assert [len(p) for p in frame.partitions] == [100, 5]
    with distributed.Client(cluster.scheduler_address) as client:
        remote = train_frame(frame, config, tmp_path / "frame", client, log=lambda _: None)
    here = train_frame(frame, config, tmp_path / "here", log=lambda _: None)  # no client: partitions in this process
    a, b, c = load_version(local), load_version(remote), load_version(here)
    assert a.tasks == b.tasks == c.tasks == ["topic", "framing", "posture"]
    for task in a.tasks:
        expected = a.pipelines[task].predict_proba(TEXTS)
        for version in (b, c):
            assert np.allclose(expected, version.pipelines[task].predict_proba(TEXTS), rtol=0, atol=1e-9)
    data = b.manifest["data"]
    assert b.manifest["training"] == "streaming" and "files" not in data
    assert data["dask_dataframe"]["partitions"] == 2 and data["dask_dataframe"]["rows"] == 105
    assert data["rows"] == a.manifest["data"]["rows"] and len(data["fingerprint"]) == 64
    scored = Predictor.load(tmp_path / "frame").predict_one(TEXTS[2])  # the served form (fast path) loads and scores
    assert scored["topic"]["label"] in b.labels("topic") and 0 < scored["topic"]["confidence"] <= 1


def test_dataframe_bad_label_names_partition_and_row(tmp_path: Path, tiny_data: Path, cluster) -> None:
    raw = pd.read_csv(tiny_data, dtype=str, keep_default_na=False)
    raw.loc[102, "framing"] = "angry"  # the third row of the second partition
    frame = dd.from_pandas(raw, npartitions=1).repartition(divisions=[0, 100, 104])
    config = config_from_dict({"seed": 0, "test_size": 0.25, "streaming": STREAM})
    with distributed.Client(cluster.scheduler_address) as client, pytest.raises(DataError) as error:
        train_frame(frame, config, tmp_path / "m", client, log=lambda _: None)
    assert str(error.value).startswith("dask dataframe partition 1, row 3, column 'framing': unknown framing label 'angry'")
    assert not (tmp_path / "m" / LATEST).exists()


def test_topic_only_dataframe_trains_topic_only(tmp_path: Path, tiny_data: Path, cluster) -> None:
    raw = pd.read_csv(tiny_data, dtype=str, keep_default_na=False).drop(columns="framing")
    frame = dd.from_pandas(raw, npartitions=2)
    config = config_from_dict({"seed": 0, "test_size": 0.25, "streaming": STREAM})
    with distributed.Client(cluster.scheduler_address) as client:
        out = train_frame(frame, config, tmp_path / "m", client, log=lambda _: None)
    manifest = load_version(out).manifest
    assert manifest["tasks_trained"] == ["topic"] and set(manifest["tasks_skipped"]) == {"framing", "posture"}
    assert manifest["data"]["rows"]["topic"]["used"] == 75
