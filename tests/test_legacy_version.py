"""A model version written by the layout before newsframe 0.2 (pipelines pickled with ``newsframe.train.*`` paths,
``fast.pickle`` of format 2 from ``newsframe.serve``) still loads and scores as it did then.

tests/fixtures/legacy_version/ was trained by the previous layout with tests/fixtures/legacy.toml on
tests/fixtures/tiny_train.csv; tests/fixtures/legacy_version_expected.json holds what it answered then.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from newsframe.core.artifacts import check_libraries, read_manifest
from newsframe.core.errors import ArtifactError
from newsframe.core.fast.model import FAST_FORMAT, read_fast_model
from newsframe.serve.predictor import Predictor
from newsframe.serve.web.app import create_app

FIXTURES = Path(__file__).parent / "fixtures"
LEGACY = FIXTURES / "legacy_version"


@pytest.fixture(scope="module")
def legacy() -> Path:
    try:
        check_libraries(read_manifest(LEGACY))
    except ArtifactError as exc:  # pickles are tied to the scikit-learn minor they were written with
        pytest.skip(f"legacy fixture needs its own scikit-learn/numpy: {exc}")
    return LEGACY


def test_the_fixture_is_from_the_old_layout(legacy: Path) -> None:
    manifest = read_manifest(legacy)
    assert manifest["fast"]["format"] != FAST_FORMAT
    assert b"newsframe.train.text" in (legacy / "topic.joblib").read_bytes()
    assert b"newsframe.train.nbsvm" in (legacy / "topic.joblib").read_bytes()
    assert b"newsframe.serve.fastmodel" in (legacy / "fast.pickle").read_bytes()


def test_legacy_version_scores_as_before(legacy: Path) -> None:
    expected = json.loads((FIXTURES / "legacy_version_expected.json").read_text(encoding="utf-8"))
    predictor = Predictor.load(legacy)
    assert read_fast_model(predictor.model) is None  # the old fast.pickle is ignored; the fast path is rebuilt
    assert predictor.fast.tasks.keys() == {"topic", "framing", "posture"}
    for text, before in zip(expected["texts"], expected["results"]):
        now = predictor.predict_one(text)
        for task in ("topic", "framing"):
            assert now[task]["label"] == before[task]["label"]
            assert now[task]["scores"] == before[task]["scores"]  # the fast path is exact: the very same floats
        assert now["framing"]["posture"] == before["framing"]["posture"]


def test_legacy_version_serves(legacy: Path) -> None:
    client = create_app({"MODELS": str(legacy)}).test_client()
    response = client.post("/v1/predict", json={"headline": "Rebels reject ceasefire offer and vow to fight on"})
    assert response.status_code == 200, response.text
    assert response.json["model_version"] == read_manifest(legacy)["version"]
