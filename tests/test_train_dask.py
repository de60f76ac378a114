"""Streaming training with the text hashed on a real two-worker Dask LocalCluster: the same model as locally."""
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from newsframe.core.artifacts import LATEST, MANIFEST, load_version
from newsframe.train.config import config_from_dict
from newsframe.train.trainer import train

distributed = pytest.importorskip("distributed")

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
