"""Labelled-data loading: formats, per-task accounting, and one precise error per kind of bad input."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from newsframe.core.errors import DataError
from newsframe.train.data import load_labelled

ROWS = [
    {"id": "a", "headline": "Rebels attack convoy", "body": "Gunmen fired on a convoy.", "topic": "World", "framing": "confrontational"},
    {"id": "b", "headline": "Leaders agree ceasefire", "body": "", "topic": "World", "framing": "cautious"},
    {"id": "c", "headline": "", "body": "Shares rose on Monday.", "topic": "Business", "framing": "none"},
    {"id": "d", "headline": "Team wins cup", "body": "", "topic": "Sports", "framing": ""},
    {"id": "e", "headline": "", "body": "", "topic": "Sports", "framing": ""},
]


def write(path: Path, rows: list[dict]) -> Path:
    frame = pd.DataFrame(rows)
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        frame.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_each_format_loads_and_accounts_for_every_row(tmp_path: Path, suffix: str) -> None:
    data = load_labelled([write(tmp_path / f"d{suffix}", ROWS)])
    summary = data.summary()
    assert summary["topic"] == {"used": 4, "skipped": {"no text (headline, body and text all empty)": 1}}
    assert summary["framing"]["used"] == 2
    assert summary["framing"]["skipped"] == {"framing 'none' (posture only)": 1, "no framing label": 2}
    assert data.task("framing")["framing"].tolist() == ["confrontational", "cautious"]
    assert data.task("posture")["posture"].tolist() == ["posture", "posture", "none"]
    assert data.frame.loc[data.frame.id == "a", "text"].item() == "Rebels attack convoy\n\nGunmen fired on a convoy."


def test_text_column_takes_precedence_and_files_combine(tmp_path: Path) -> None:
    one = write(tmp_path / "one.csv", [{"text": "Talks resume in Geneva", "framing": "cautious"}])
    two = write(tmp_path / "two.jsonl", [{"headline": "Stocks fall", "topic": "Business"}])
    data = load_labelled([one, two])
    assert data.frame["text"].tolist() == ["Talks resume in Geneva", "Stocks fall"]
    assert data.frame["id"].tolist() == ["one.csv:1", "two.jsonl:1"]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="nope.csv: file not found"):
        load_labelled([tmp_path / "nope.csv"])


def test_unknown_format(tmp_path: Path) -> None:
    (tmp_path / "d.xlsx").write_bytes(b"x")
    with pytest.raises(DataError, match=r"unknown format '\.xlsx'"):
        load_labelled([tmp_path / "d.xlsx"])


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="file is empty"):
        load_labelled([tmp_path / "d.csv"])


def test_header_only_file(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("headline,topic\n", encoding="utf-8")
    with pytest.raises(DataError, match="no data rows"):
        load_labelled([tmp_path / "d.csv"])


def test_missing_text_column(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", [{"title": "x", "topic": "World"}])
    with pytest.raises(DataError, match="missing text column: need 'text' or 'headline'/'body'; found title, topic"):
        load_labelled([path])


def test_missing_label_column(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", [{"headline": "x", "label": "World"}])
    with pytest.raises(DataError, match="missing label column"):
        load_labelled([path])


def test_non_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(b"headline,topic\nfine,World\ncaf\xe9 bad,World\n")
    with pytest.raises(DataError, match=r"not valid UTF-8 at line 3"):
        load_labelled([path])


def test_wrong_type_names_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"headline": "ok", "topic": "World"}\n{"headline": 42, "topic": "World"}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"d.jsonl, row 2, column 'headline': expected text, got int"):
        load_labelled([path])


def test_invalid_json_line(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"headline": "ok", "topic": "World"}\n{"headline": \n', encoding="utf-8")
    with pytest.raises(DataError, match=r"row 2: invalid JSON"):
        load_labelled([path])


def test_unknown_framing_label(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", [{"headline": "x", "framing": "cautious"}, {"headline": "y", "framing": "angry"}])
    with pytest.raises(DataError, match=r"row 2, column 'framing': unknown framing label 'angry'"):
        load_labelled([path])


def test_data_error_survives_pickling() -> None:
    """Raised on a Dask worker or in a pool process, a DataError reaches the caller with its row and column."""
    import pickle

    error = pickle.loads(pickle.dumps(DataError("dask dataframe partition 1", "unknown framing label 'x'", row=3,
                                                column="framing")))
    assert isinstance(error, DataError)
    assert (error.path, error.row, error.column, error.message) == ("dask dataframe partition 1", 3, "framing",
                                                                    "unknown framing label 'x'")
    assert str(error) == "dask dataframe partition 1, row 3, column 'framing': unknown framing label 'x'"
