"""Chunking: the same chunks whether read in one pass or each from its own start position (resume, Dask)."""
from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from batch_support import articles, write_input
from newsframe.serve.batch.source import open_source


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_chunks_from_positions_match_one_pass(tmp_path: Path, fmt: str) -> None:
    frame = articles(53, seed=9)
    frame.loc[[3, 40], ["headline", "body"]] = ""
    frame.loc[7, "headline"] = "Two\nlines"
    source = open_source(write_input(frame, tmp_path / f"in.{fmt}"))
    one_pass = list(source.chunks(6))
    positions, total = source.positions(6)
    assert total == 53 and len(positions) == len(one_pass) == 9
    assert [c.start for c in one_pass] == positions
    for position, chunk in zip(positions, one_pass):
        (again,) = source.chunks(6, position, limit=1)
        assert again.table.equals(chunk.table) and again.texts == chunk.texts and again.rejects == chunk.rejects
    assert sum(c.read for c in one_pass) == 53
    assert [r["row"] for c in one_pass for r in c.rejects] == [4, 41]
    assert [len(c.texts) for c in one_pass] == [c.table.num_rows for c in one_pass]


def test_parquet_row_groups_do_not_change_chunks(tmp_path: Path) -> None:
    frame = articles(40, seed=10)
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    write_input(frame, a)  # row groups of 17
    pq.write_table(pq.read_table(a), b, row_group_size=5)
    chunks_a = [c.table for c in open_source(a).chunks(7)]
    chunks_b = [c.table for c in open_source(b).chunks(7)]
    assert [t.num_rows for t in chunks_a] == [7, 7, 7, 7, 7, 5]
    assert all(x.equals(y) for x, y in zip(chunks_a, chunks_b))
