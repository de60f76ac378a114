"""Data with labels for only some tasks trains those tasks; the version serves (HTTP, batch) without the others."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from newsframe.cli import main
from newsframe.core.artifacts import LATEST, MANIFEST
from newsframe.core.errors import DataError
from newsframe.serve.batch.run import score_file
from newsframe.serve.predictor import Predictor
from newsframe.serve.web.app import create_app
from newsframe.train.config import load_config
from newsframe.train.trainer import train

HEADLINES = ["Rebels shell the capital as talks collapse", "Central bank raises interest rates"]


def _only(tiny_data: Path, drop: str, path: Path) -> Path:
    frame = pd.read_csv(tiny_data, keep_default_na=False, dtype=str)
    if drop == "topic":  # framing-only: the rows that carry a framing label
        frame = frame[frame["framing"] != ""]
    frame.drop(columns=[drop]).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def topic_only(tmp_path_factory: pytest.TempPathFactory, tiny_data: Path, tiny_config_path: Path) -> Path:
    base = tmp_path_factory.mktemp("topic_only")
    data = _only(tiny_data, "framing", base / "topic_only.csv")
    return train([data], load_config(tiny_config_path), base / "models", log=lambda _: None)


def test_topic_only_file_trains_topic_and_lists_it(topic_only: Path) -> None:
    manifest = json.loads((topic_only / MANIFEST).read_text())
    assert manifest["tasks_trained"] == ["topic"] == list(manifest["tasks"])
    assert set(manifest["tasks_skipped"]) == {"framing", "posture"}
    assert "topic.joblib" in manifest["files"] and "framing.joblib" not in manifest["files"]
    assert manifest["fast"]["tasks"] == ["topic"]


def test_topic_only_version_serves_and_batch_scores(topic_only: Path, tmp_path: Path) -> None:
    predictor = Predictor.load(topic_only)
    one = predictor.predict_one(HEADLINES[0], explain=True)
    assert set(one) == {"topic", "model_version"} and one["topic"]["label"] in predictor.labels("topic")
    assert list(predictor.score_frame(HEADLINES).columns) == ["topic", "topic_confidence"]

    client = create_app({"MODELS": str(topic_only.parent)}).test_client()
    response = client.post("/v1/predict", json={"text": HEADLINES[1]})
    assert response.status_code == 200 and "framing" not in response.get_json()
    batch = client.post("/v1/predict", json={"items": [{"text": t} for t in HEADLINES]}).get_json()
    assert [set(r) for r in batch["results"]] == [{"topic", "model_version"}] * 2
    assert list(client.get("/v1/models").get_json()["tasks"]) == ["topic"]

    source = tmp_path / "in.csv"
    pd.DataFrame({"headline": HEADLINES, "body": ["", "Rates rise again."]}).to_csv(source, index=False)
    result = score_file(source, tmp_path / "out.csv", topic_only.parent, log=lambda _: None)
    assert result.as_dict() == {"read": 2, "scored": 2, "rejected": 0}
    out = pd.read_csv(tmp_path / "out.csv")
    assert {"topic", "topic_confidence"} <= set(out.columns) and "framing" not in out.columns


def test_framing_only_file_trains_framing(tmp_path: Path, tiny_data: Path, tiny_config_path: Path, capsys) -> None:
    data = _only(tiny_data, "topic", tmp_path / "framing_only.csv")
    code = main(["train", "--data", str(data), "--config", str(tiny_config_path), "--out", str(tmp_path / "m")])
    assert code == 0
    said = capsys.readouterr().out
    assert "trained framing" in said and "topic not trained (no labelled rows)" in said
    manifest = json.loads((tmp_path / "m" / LATEST / MANIFEST).read_text())
    assert manifest["tasks_trained"][0] == "framing" and "topic" not in manifest["tasks"]
    one = Predictor.load(tmp_path / "m").predict_one(HEADLINES[0])
    assert "topic" not in one and one["framing"]["label"] in ("cautious", "confrontational", "none")


def test_no_labelled_task_is_refused(tmp_path: Path, tiny_config_path: Path) -> None:
    path = tmp_path / "none.csv"
    pd.DataFrame({"text": ["a b c", "d e f"], "topic": ["", ""]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="no task has labelled rows"):
        train([path], load_config(tiny_config_path), tmp_path / "m", log=lambda _: None)
    assert not (tmp_path / "m").exists() or not any((tmp_path / "m").iterdir())
