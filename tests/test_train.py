"""Train → save → load → predict on the tiny fixture; reproducibility; refusal of bad artifacts and configs."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from newsframe.core.artifacts import LATEST, MANIFEST, load_version, sha256_file
from newsframe.core.errors import ArtifactError, ConfigError, DataError
from newsframe.serve.predictor import Predictor
from newsframe.train.config import config_from_dict, load_config
from newsframe.train.trainer import train

HEADLINES = ["Rebels shell the capital as talks collapse", "Central bank raises interest rates",
             "Striker scores twice in cup final", "Leaders agree to resume peace negotiations"]


def test_version_layout_and_manifest(tiny_models: Path) -> None:
    latest = tiny_models / LATEST
    assert latest.is_symlink() and (tiny_models / os.readlink(latest)).is_dir()
    manifest = json.loads((latest / MANIFEST).read_text())
    assert manifest["version"] == os.readlink(latest)
    assert manifest["tasks"]["topic"]["labels"] == ["Business", "Sci/Tech", "Sports", "World"]
    assert manifest["tasks"]["framing"]["labels"] == ["cautious", "confrontational"]
    assert manifest["tasks"]["posture"]["labels"] == ["none", "posture"]
    assert manifest["data"]["rows"]["topic"]["used"] == 75
    assert len(manifest["data"]["fingerprint"]) == 64
    for name, digest in manifest["files"].items():
        assert sha256_file(latest / name) == digest
    assert {"topic.joblib", "framing.joblib", "posture.joblib", "report/report.md", "report/metrics.json",
            "report/topic_confusion.png", "report/topic_reliability.png"} <= set(manifest["files"])
    search = manifest["tasks"]["topic"]["search"]
    assert len(search["search_space"]) == 4 and search["chosen"]["features"]["name"] in {"word12", "word12+char25"}
    metrics = manifest["tasks"]["topic"]["metrics"]["held_out"]
    assert 0 <= metrics["ece"] <= 1 and np.asarray(metrics["confusion_matrix"]).sum() == metrics["n"]


def test_round_trip_predictions_match_pipeline(tiny_models: Path) -> None:
    predictor = Predictor.load(tiny_models)
    frame = predictor.score_frame(HEADLINES, scores=True)
    direct = predictor.model.pipelines["topic"].predict_proba(HEADLINES)
    assert list(frame.columns[:5]) == ["topic", "topic_confidence", "topic_score_Business", "topic_score_Sci/Tech", "topic_score_Sports"]
    assert np.allclose(frame[[f"topic_score_{c}" for c in predictor.labels("topic")]].to_numpy(), direct, atol=1e-6)
    one = predictor.predict_one(HEADLINES[0])
    assert one["topic"]["label"] == frame.loc[0, "topic"]
    assert abs(sum(one["framing"]["scores"].values()) - 1) < 1e-9
    assert 0 <= one["framing"]["posture"] <= 1


def test_same_data_and_config_give_identical_predictions(tmp_path: Path, tiny_models: Path, tiny_data: Path, tiny_config_path: Path) -> None:
    again = train([tiny_data], load_config(tiny_config_path), tmp_path, log=lambda _: None)
    first, second = Predictor.load(tiny_models), Predictor.load(again)
    assert first.version != second.version
    for task in ("topic", "framing", "posture"):
        a, b = first.predict_proba(HEADLINES)[task], second.predict_proba(HEADLINES)[task]
        assert np.array_equal(a, b)
    m1, m2 = first.model.manifest, second.model.manifest
    assert m1["data"]["fingerprint"] == m2["data"]["fingerprint"]
    assert m1["tasks"]["topic"]["search"] == m2["tasks"]["topic"]["search"]


def test_tampered_pickle_is_refused_naming_the_file(version_copy: Path) -> None:
    path = version_copy / "topic.joblib"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match=r"topic.joblib: sha256 does not match"):
        load_version(version_copy)


def test_truncated_pickle_is_refused(version_copy: Path) -> None:
    path = version_copy / "framing.joblib"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ArtifactError, match=r"framing.joblib: sha256 does not match"):
        load_version(version_copy)


def test_missing_file_and_broken_manifest_are_refused(version_copy: Path) -> None:
    (version_copy / "posture.joblib").unlink()
    with pytest.raises(ArtifactError, match=r"posture.joblib: listed in the manifest but missing"):
        load_version(version_copy)
    (version_copy / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(ArtifactError, match=r"manifest is not valid JSON"):
        load_version(version_copy)


def test_library_mismatch_is_refused(version_copy: Path) -> None:
    manifest = json.loads((version_copy / MANIFEST).read_text())
    manifest["libraries"]["scikit-learn"] = "0.24.2"
    (version_copy / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match=r"built with scikit-learn 0.24.2"):
        load_version(version_copy)


def test_empty_models_dir_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match=r"no model version here"):
        load_version(tmp_path)


def test_class_with_too_few_examples_is_refused_before_writing(tmp_path: Path, tiny_data: Path, tiny_config_path: Path) -> None:
    frame = pd.read_csv(tiny_data, keep_default_na=False)
    frame.loc[frame.index[frame.topic == "Sports"][0], "topic"] = "Weather"
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"task 'topic': each class needs at least \d+ examples; 'Weather' has 1"):
        train([path], load_config(tiny_config_path), tmp_path / "models", log=lambda _: None)
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


@pytest.mark.parametrize("raw, message", [
    ({"sed": 1}, "unknown key"),
    ({"test_size": 1.5}, "test_size"),
    ({"cv_folds": 1}, "cv_folds"),
    ({"tasks": {"sentiment": {}}}, "unknown task 'sentiment'"),
    ({"tasks": {"topic": {"C": [-1]}}}, "C: expected positive"),
    ({"tasks": {"topic": {"calibration": "platt"}}}, "calibration"),
    ({"tasks": {"topic": {"feature_sets": [{"name": "x", "word_ngram": None}]}}}, "needs word_ngram or char_ngram"),
])
def test_config_errors(raw: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_dict(raw)


def test_config_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("seed = = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
