"""The posture threshold: chosen by CV at training, stored in the manifest, read by the Predictor (``none`` below it)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from newsframe.core.artifacts import LATEST, MANIFEST
from newsframe.core.decision import document_labels
from newsframe.serve.predictor import Predictor
from newsframe.train.threshold import best_threshold

TEXTS = ["Rebels shell the capital as talks collapse", "Central bank raises interest rates",
         "Striker scores twice in cup final", "Leaders agree to resume peace negotiations",
         "New phone has a bigger screen", "Union threatens strike over pay"]


def _set_threshold(version: Path, value: float | None) -> None:
    path = version / MANIFEST
    manifest = json.loads(path.read_text())
    if value is None:
        manifest["tasks"]["posture"].pop("threshold")
    else:
        manifest["tasks"]["posture"]["threshold"] = value
    path.write_text(json.dumps(manifest))


def test_training_stores_a_cv_threshold_and_a_three_way_held_out_figure(tiny_models: Path) -> None:
    manifest = json.loads((tiny_models / LATEST / MANIFEST).read_text())
    posture = manifest["tasks"]["posture"]
    assert 0.05 <= posture["threshold"] <= 0.95
    assert posture["threshold_search"]["cv_folds"] == manifest["config"]["cv_folds"]
    document = posture["metrics"]["document_held_out"]
    assert document["labels"] == ["cautious", "confrontational", "none"]
    assert np.asarray(document["confusion_matrix"]).sum() == document["n"] == posture["rows"]["held_out"]
    report = (tiny_models / LATEST / "report" / "report.md").read_text()
    assert "three-way" in report and "| none |" in report


def test_the_label_follows_the_threshold_in_the_manifest(version_copy: Path) -> None:
    posture = Predictor.load(version_copy).score_frame(TEXTS)["framing_posture"].to_numpy()
    cut = float(np.sort(posture)[len(posture) // 2])  # half the texts fall below it
    _set_threshold(version_copy, cut)
    predictor = Predictor.load(version_copy)
    assert predictor.none_threshold == cut
    frame = predictor.score_frame(TEXTS, scores=True)
    below = frame["framing_posture"].to_numpy() < cut
    assert below.any() and not below.all()
    assert (frame.loc[below, "framing"] == "none").all()
    assert frame.loc[~below, "framing"].isin(["cautious", "confrontational"]).all()
    assert np.allclose(frame.loc[below, "framing_confidence"], 1 - frame.loc[below, "framing_posture"], atol=2e-6)
    for i, text in enumerate(TEXTS):
        one = predictor.predict_one(text)
        assert one["framing"]["label"] == frame.loc[i, "framing"]
        assert set(one["framing"]["scores"]) == {"cautious", "confrontational"}  # the two scores stay
    _set_threshold(version_copy, 0.0)
    assert not (Predictor.load(version_copy).score_frame(TEXTS)["framing"] == "none").any()
    _set_threshold(version_copy, 1.0)
    assert (Predictor.load(version_copy).score_frame(TEXTS)["framing"] == "none").all()


def test_a_version_without_a_threshold_keeps_two_way_labels(version_copy: Path) -> None:
    _set_threshold(version_copy, None)
    predictor = Predictor.load(version_copy)
    assert predictor.none_threshold is None
    frame = predictor.score_frame(TEXTS, scores=True)
    assert frame["framing"].isin(["cautious", "confrontational"]).all()
    best = frame[["framing_score_cautious", "framing_score_confrontational"]].max(axis=1)
    assert np.allclose(frame["framing_confidence"], best)


def test_best_threshold_maximises_three_way_macro_f1() -> None:
    truth = np.array(["none"] * 6 + ["cautious"] * 3 + ["confrontational"] * 3, dtype=object)
    posture = np.array([0.1, 0.2, 0.3, 0.35, 0.4, 0.62, 0.65, 0.7, 0.9, 0.66, 0.8, 0.95])
    framing = np.array(["cautious"] * 6 + ["cautious"] * 3 + ["confrontational"] * 3, dtype=object)
    threshold, f1, curve = best_threshold(truth, posture, framing)
    assert 0.62 < threshold <= 0.65 and f1 == pytest.approx(1.0)
    assert max(c["macro_f1"] for c in curve) == f1
    labels = document_labels(framing, posture, threshold)
    assert list(labels) == list(truth)
    assert list(document_labels(framing, posture, None)) == list(framing)


def test_evaluate_reports_the_three_way_label(tmp_path: Path, tiny_models: Path, tiny_data: Path) -> None:
    from newsframe.train.evaluate import evaluate

    results = evaluate(tiny_models, [tiny_data], tmp_path / "eval", log=lambda _: None)
    document = results["document"]
    assert document["n"] == 45 and document["labels"] == ["cautious", "confrontational", "none"]
    stored = json.loads((tmp_path / "eval" / "metrics.json").read_text())["metrics"]["document"]
    assert stored["threshold"] == json.loads((tiny_models / LATEST / MANIFEST).read_text())["tasks"]["posture"]["threshold"]
    assert "three-way" in (tmp_path / "eval" / "report.md").read_text()
