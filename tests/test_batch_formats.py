"""Batch scoring across formats: every input/output pair, column order, values kept, predictions as the predictor's."""
from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest
from batch_support import articles, cli, read_rows, write_input
from newsframe.core.schema import text_of
from newsframe.serve.batch.run import score_file
from newsframe.serve.predictor import Predictor, prediction_columns

FORMATS = ("csv", "jsonl", "parquet")
N = 30


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    data = articles(N, seed=1)
    data["n"] = range(N)  # an int column: stays int in JSONL/Parquet, text in CSV
    return data


@pytest.fixture(scope="module")
def expected(frame: pd.DataFrame, tiny_models: Path) -> pd.DataFrame:
    texts, _ = text_of(frame.astype(object), "frame")
    return prediction_columns(Predictor.load(tiny_models).score_frame(texts.tolist()), list(frame.columns))


def _same(out: object, given: object, text_involved: bool) -> bool:
    if text_involved:  # a CSV on either side: compare as text
        return ("" if out is None else str(out)) == ("" if given is None else str(given))
    return out == given and type(out) is type(given)


@pytest.mark.parametrize("out_fmt", FORMATS)
@pytest.mark.parametrize("in_fmt", FORMATS)
def test_format_pair(tmp_path: Path, in_fmt: str, out_fmt: str, frame: pd.DataFrame, expected: pd.DataFrame,
                     tiny_models: Path) -> None:
    source = write_input(frame, tmp_path / f"in.{in_fmt}")
    out = tmp_path / f"out.{out_fmt}"
    summary = score_file(source, out, tiny_models, chunk_size=7, log=lambda _: None)
    assert summary.as_dict() == {"read": N, "scored": N, "rejected": 0} and summary.exit_code == 0
    assert (tmp_path / "out.rejects.jsonl").read_text() == ""
    rows = read_rows(out)
    assert len(rows) == N
    assert list(rows[0]) == list(frame.columns) + list(expected.columns)
    assert list(expected.columns)[:2] == ["newsframe_topic", "topic_confidence"]  # the input has its own topic
    text_involved = "csv" in (in_fmt, out_fmt)
    given = frame.to_dict(orient="records")
    for i, row in enumerate(rows):
        for column in frame.columns:
            assert _same(row[column], given[i][column], text_involved), (i, column, row[column], given[i][column])
        for column in expected.columns:
            want = expected[column].iloc[i]
            if isinstance(want, str):
                assert row[column] == want
            else:
                assert float(row[column]) == float(want)
    assert not list(tmp_path.glob(".*"))  # no temporary or work files left behind


def test_scores_flag_adds_one_column_per_label(tmp_path: Path, frame: pd.DataFrame, tiny_models: Path) -> None:
    source = write_input(frame, tmp_path / "in.csv")
    score_file(source, tmp_path / "out.parquet", tiny_models, scores=True, log=lambda _: None)
    columns = list(pd.read_parquet(tmp_path / "out.parquet").columns)
    predictor = Predictor.load(tiny_models)
    for label in predictor.labels("topic"):
        assert f"topic_score_{label}" in columns


def test_jobs_2_writes_the_same_bytes_as_jobs_1(tmp_path: Path, tiny_models: Path) -> None:
    source = write_input(articles(120, seed=2), tmp_path / "in.csv")
    one = score_file(source, tmp_path / "one.csv", tiny_models, chunk_size=25, log=lambda _: None)
    # Spawned workers: a caller running other threads never forks.
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        two = score_file(source, tmp_path / "two.csv", tiny_models, chunk_size=25, jobs=2, log=lambda _: None)
    finally:
        stop.set()
        other.join()
    assert one.as_dict() == two.as_dict()
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    # Forked workers (Linux): the single-threaded CLI forks them after loading the model.
    forked = cli("score", str(source), "--out", str(tmp_path / "cli.csv"), "--models", str(tiny_models),
                 "--jobs", "2", "--chunk-size", "25")
    assert forked.returncode == 0, forked.stderr
    assert (tmp_path / "cli.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


def test_directory_of_parts_is_one_input_in_name_order(tmp_path: Path, tiny_models: Path) -> None:
    data = articles(25, seed=3)
    parts = tmp_path / "parts"
    parts.mkdir()
    write_input(data.iloc[:10], parts / "day-01.jsonl")
    write_input(data.iloc[10:], parts / "day-02.jsonl")
    (parts / "_SUCCESS").write_text("")  # marker files are ignored
    summary = score_file(parts, tmp_path / "out.csv", tiny_models, chunk_size=4, log=lambda _: None)
    assert summary.read == 25
    assert [r["id"] for r in read_rows(tmp_path / "out.csv")] == list(data["id"])


def test_csv_cells_are_kept_as_written(tmp_path: Path, tiny_models: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text('id,headline,body\n007,"Markets, rates and ""hedges""","Line one\nline two"\n'
                      '0x1,  padded headline  ,\n', encoding="utf-8")
    score_file(source, tmp_path / "out.jsonl", tiny_models, log=lambda _: None)
    rows = read_rows(tmp_path / "out.jsonl")
    assert [r["id"] for r in rows] == ["007", "0x1"]
    assert rows[0]["headline"] == 'Markets, rates and "hedges"' and rows[0]["body"] == "Line one\nline two"
    assert rows[1]["headline"] == "  padded headline  " and rows[1]["body"] == ""
