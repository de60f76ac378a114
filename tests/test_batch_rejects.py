"""Rows that cannot be scored: one line each in the rejects file, the rest scored, read = scored + rejected."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from batch_support import cli, read_rejects, read_rows
from newsframe.serve.batch.run import score_file


def _quiet(_: str) -> None:
    pass


def test_csv_bad_rows_are_rejected_and_the_file_goes_on(tmp_path: Path, tiny_models: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(
        b"id,headline,body\n"
        b"r1,Oil prices climb,Crude rose again.\n"
        b"r2,,\n"  # no text
        b"r3,Caf\xe9 owners protest,Latin-1 bytes in a UTF-8 file.\n"  # undecodable
        b"\n"  # blank line: not a row
        b"r4,too,many,fields\n"  # malformed
        b'r5,"Two-line\nheadline",Body.\n'  # valid, spans two lines
        b"r6,Team wins cup,\n"
    )
    summary = score_file(source, tmp_path / "out.csv", tiny_models, chunk_size=2, log=_quiet)
    assert summary.as_dict() == {"read": 6, "scored": 3, "rejected": 3}
    assert summary.read == summary.scored + summary.rejected and summary.exit_code == 3
    assert [r["id"] for r in read_rows(tmp_path / "out.csv")] == ["r1", "r5", "r6"]
    rejects = read_rejects(tmp_path / "out.rejects.jsonl")
    assert [(r["row"], r["line"]) for r in rejects] == [(2, 3), (3, 4), (4, 6)]
    assert rejects[0]["reason"].startswith("no text") and rejects[0]["raw"] == "r2,,"
    assert rejects[1]["reason"] == "undecodable bytes: line 4 is not valid UTF-8"
    assert rejects[1]["raw"] == "r3,Caf\\xe9 owners protest,Latin-1 bytes in a UTF-8 file."
    assert rejects[2]["reason"] == "malformed CSV row: 4 fields, the header has 3"
    assert all(r["file"] == "in.csv" for r in rejects)


def test_jsonl_bad_lines_wrong_types_and_bad_bytes(tmp_path: Path, tiny_models: Path) -> None:
    source = tmp_path / "in.jsonl"
    good = {"id": 1, "text": "Central bank holds rates steady", "meta": {"k": [1, 2]}}
    source.write_bytes(b"\n".join([
        json.dumps(good).encode(),
        b'{"id": 2, "text": 42}',  # wrong type
        b'{"id": 3, "text": "cut off',  # invalid JSON
        b"[1, 2, 3]",  # not an object
        b'{"id": 4, "text": "Caf\xe9"}',  # undecodable
        b'{"id": 5, "headline": "  ", "body": null}',  # no text
        b'{"id": "six", "headline": "Storm hits coast", "body": "Thousands without power."}',
    ]) + b"\n")
    summary = score_file(source, tmp_path / "out.jsonl", tiny_models, chunk_size=3, log=_quiet)
    assert summary.as_dict() == {"read": 7, "scored": 2, "rejected": 5}
    rows = read_rows(tmp_path / "out.jsonl")
    assert [r["id"] for r in rows] == [1, "six"] and rows[0]["meta"] == {"k": [1, 2]}
    rejects = read_rejects(tmp_path / "out.rejects.jsonl")
    assert [r["row"] for r in rejects] == [2, 3, 4, 5, 6]
    reasons = [r["reason"] for r in rejects]
    assert reasons[0].startswith("wrong type: column 'text' holds int")
    assert reasons[1].startswith("invalid JSON")
    assert reasons[2] == "wrong type: expected a JSON object, got list"
    assert reasons[3] == "undecodable bytes: line 5 is not valid UTF-8"
    assert reasons[4].startswith("no text")
    assert rejects[0]["raw"] == '{"id": 2, "text": 42}'


def test_parquet_rows_without_text_or_with_wrong_type(tmp_path: Path, tiny_models: Path) -> None:
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [1, 2, 3], "headline": ["Oil rises", None, ""], "body": ["Crude up.", None, "  "]}), source)
    summary = score_file(source, tmp_path / "out.parquet", tiny_models, log=_quiet)
    assert summary.as_dict() == {"read": 3, "scored": 1, "rejected": 2}
    rejects = read_rejects(tmp_path / "out.rejects.jsonl")
    assert [r["row"] for r in rejects] == [2, 3]
    assert rejects[0]["raw"] == {"id": 2, "headline": None, "body": None}

    wrong = tmp_path / "wrong.parquet"
    pq.write_table(pa.table({"id": [1, 2], "text": [10, 20]}), wrong)
    summary = score_file(wrong, tmp_path / "w.csv", tiny_models, log=_quiet)
    assert summary.as_dict() == {"read": 2, "scored": 0, "rejected": 2}
    assert read_rows(tmp_path / "w.csv") == []
    assert (tmp_path / "w.csv").read_text().startswith("id,text,topic,topic_confidence")


def test_cli_summary_and_exit_code_3_with_rejects(tmp_path: Path, tiny_models: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"id,text\n1,Markets fall sharply\n2,\n3,\xff\xfe broken\n4,Minister resigns\n")
    result = cli("score", str(source), "--out", str(tmp_path / "out.csv"), "--models", str(tiny_models))
    assert result.returncode == 3, result.stderr
    assert "read 4 rows: 2 scored, 2 rejected" in result.stdout
    assert "out.rejects.jsonl" in result.stdout
    assert len(read_rejects(tmp_path / "out.rejects.jsonl")) == 2
    assert "scoring:" in result.stderr  # plain progress lines when stderr is not a terminal
