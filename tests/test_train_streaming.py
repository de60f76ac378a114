"""Streaming training: close to the in-memory fit, switched on by data size, chunked reading through the same rules."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from newsframe.core.artifacts import LATEST, MANIFEST, load_version
from newsframe.core.errors import ConfigError, DataError
from newsframe.core.schema import text_of
from newsframe.serve.predictor import Predictor
from newsframe.train.config import config_from_dict
from newsframe.train.streaming import use_streaming
from newsframe.train.trainer import train

REPO = Path(__file__).resolve().parent.parent
AG = REPO / "data" / "topic" / "ag_news.csv"
# Stated tolerance on this small fixture (1,600 training rows): the streamed model's accuracy on 400 unseen rows is
# within 3 points of the in-memory fit's, and the two agree on at least 85% of the rows. (At 100k rows the benchmark,
# benchmarks/train_scale.py, holds it to 0.5 point.)
TOLERANCE, AGREEMENT = 0.03, 0.85
BASE = {"seed": 0, "cv_folds": 2, "tasks": {"topic": {
    "feature_sets": [{"name": "word12+char25", "word_ngram": [1, 2], "char_ngram": [2, 5], "min_df": 2}],
    "C": [0.1], "nb_alpha": [0.1], "calibration_folds": 2}}}


def _config(**streaming):
    return config_from_dict({**BASE, "streaming": streaming})


@pytest.fixture(scope="module")
def ag(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    frame = pd.read_csv(AG, dtype=str, keep_default_na=False)
    frame = frame.groupby("topic").sample(500, random_state=0)
    frame = frame.sample(frac=1.0, random_state=1).reset_index(drop=True)
    path = tmp_path_factory.mktemp("ag") / "train.csv"
    frame.iloc[:1600][["id", "headline", "body", "topic"]].to_csv(path, index=False)
    return path, frame.iloc[1600:].reset_index(drop=True)


@pytest.fixture(scope="module")
def fits(ag, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    path, _ = ag
    out = tmp_path_factory.mktemp("fits")
    quiet = lambda _: None
    return {"memory": train([path], _config(mode="memory"), out / "memory", log=quiet),
            "stream": train([path], _config(mode="stream", chunk_rows=500, hash_features=1 << 18, workers=1), out / "stream", log=quiet)}


def test_streamed_fit_approximates_in_memory_fit(ag, fits) -> None:
    _, test = ag
    texts = text_of(test, "test")[0].tolist()
    predicted = {}
    for mode, version in fits.items():
        model = load_version(version)
        labels = model.labels("topic")
        predicted[mode] = [labels[i] for i in model.pipelines["topic"].predict_proba(texts).argmax(axis=1)]
    accuracy = {mode: (test["topic"].to_numpy() == p).mean() for mode, p in predicted.items()}
    assert accuracy["memory"] > 0.8
    assert abs(accuracy["stream"] - accuracy["memory"]) <= TOLERANCE, accuracy
    assert (pd.Series(predicted["stream"]) == pd.Series(predicted["memory"])).mean() >= AGREEMENT


def test_streamed_manifest_lists_tasks_and_the_fit(fits) -> None:
    memory = json.loads((fits["memory"] / MANIFEST).read_text())
    stream = json.loads((fits["stream"] / MANIFEST).read_text())
    assert memory["training"] == "in-memory" and stream["training"] == "streaming"
    assert stream["tasks_trained"] == ["topic"] and set(stream["tasks_skipped"]) == {"framing", "posture"}
    topic = stream["tasks"]["topic"]
    assert topic["fit"]["features"]["hashed"] and topic["fit"]["learner"]["alpha"] == pytest.approx(1 / (0.1 * topic["rows"]["train"]))
    assert sum(topic["rows"][k] for k in ("train", "calibration", "held_out")) == topic["rows"]["total"] == 1600
    assert stream["data"]["rows"]["topic"]["used"] == 1600
    # Same rows, same fingerprint, whichever path read them.
    assert stream["data"]["fingerprint"] == memory["data"]["fingerprint"]


def test_streamed_version_serves(fits, tmp_path: Path) -> None:
    predictor = Predictor.load(fits["stream"])
    text = "Stocks fall as oil prices climb to a record high"
    one = predictor.predict_one(text)
    assert set(one) == {"topic", "model_version"} and abs(sum(one["topic"]["scores"].values()) - 1) < 1e-9
    # The hashed recipe has a fast path (fast.pickle) giving the pipeline's probabilities exactly.
    assert predictor.model.manifest["fast"]["tasks"] == ["topic"] and not predictor.fast.unsupported
    assert list(one["topic"]["scores"].values()) == predictor.model.pipelines["topic"].predict_proba([text])[0].tolist()
    frame = predictor.score_frame(["Stocks fall as oil prices climb", "Striker scores twice in the cup final"], scores=True)
    proba = predictor.model.pipelines["topic"].predict_proba(["Stocks fall as oil prices climb", "Striker scores twice in the cup final"])
    assert (frame[[f"topic_score_{c}" for c in predictor.labels("topic")]].to_numpy() - proba).max() < 1e-6


def test_same_data_streams_to_the_same_model(ag, fits, tmp_path: Path) -> None:
    path, test = ag
    again = train([path], _config(mode="stream", chunk_rows=500, hash_features=1 << 18, workers=2), tmp_path, log=lambda _: None)
    texts = text_of(test.iloc[:50], "test")[0].tolist()
    first, second = load_version(fits["stream"]), load_version(again)
    assert (first.pipelines["topic"].predict_proba(texts) == second.pipelines["topic"].predict_proba(texts)).all()


def test_switch_is_automatic_by_data_size(ag, tmp_path: Path) -> None:
    path, _ = ag
    size_mb = path.stat().st_size / 1e6
    assert not use_streaming([path], _config())  # defaults: in memory below streaming.stream_above_mb
    assert use_streaming([path], _config(stream_above_mb=size_mb / 2))
    assert not use_streaming([path], _config(mode="memory", stream_above_mb=0))
    parquet = tmp_path / "train.parquet"
    pd.read_csv(path, dtype=str).to_parquet(parquet)
    assert use_streaming([parquet], _config(stream_above_mb=size_mb / 2))  # counted uncompressed
    small = tmp_path / "small.csv"
    pd.read_csv(path, dtype=str).iloc[:400].to_csv(small, index=False)
    logs: list[str] = []
    version = train([small], _config(stream_above_mb=0.05, chunk_rows=100, hash_features=1 << 16, workers=1), tmp_path / "m",
                    log=logs.append)
    assert json.loads((version / MANIFEST).read_text())["training"] == "streaming"
    assert any(line.startswith("streaming training:") for line in logs)


def test_chunked_reading_names_the_row_in_the_file(tmp_path: Path) -> None:
    rows = [{"text": f"some words number {i}", "topic": "a" if i % 2 else "b", "framing": ""} for i in range(250)]
    rows[203]["framing"] = "angry"
    for fmt in ("csv", "jsonl"):
        path = tmp_path / f"bad.{fmt}"
        frame = pd.DataFrame(rows)
        frame.to_csv(path, index=False) if fmt == "csv" else frame.to_json(path, orient="records", lines=True)
        with pytest.raises(DataError, match=r"row 204, column 'framing': unknown framing label 'angry'"):
            train([path], _config(mode="stream", chunk_rows=100), tmp_path / "m", log=lambda _: None)
    assert not (tmp_path / "m").exists() or not any(p for p in (tmp_path / "m").iterdir() if p.name != LATEST)


@pytest.mark.parametrize("raw, message", [
    ({"mode": "big"}, "streaming.mode: expected one of auto, memory, stream"),
    ({"chunk_rows": 5}, "chunk_rows: expected an integer >= 100"),
    ({"alpha": 0}, "alpha: expected a positive number"),
    ({"calibration_fraction": 0.7}, "calibration_fraction"),
    ({"shards": 3}, "unknown key"),
])
def test_streaming_config_errors(raw: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_dict({"streaming": raw})
