"""Labelled files read a chunk at a time (for streaming training), through the same rules as ``load_labelled``.

CSV through pandas' ``chunksize``, JSON Lines a block of lines at a time, Parquet by pyarrow record batches; every
chunk goes through ``data.label_rows`` (so ``core.schema.text_of``/``model_text``, the label checks and the skip
accounting are those of the in-memory path) and a DataError names the row in the file, not in the chunk.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from newsframe.core.errors import DataError
from newsframe.core.schema import POSTURE_NONE
from newsframe.core.tables import json_object, parquet_error, table_format
from newsframe.train.data import label_rows


def data_size_mb(paths: list[Path]) -> float:
    """The input's size in MB as the switch to streaming sees it: file sizes, Parquet counted uncompressed."""
    total = 0
    for path in paths:
        if not path.is_file():
            raise DataError(str(path), "file not found" if not path.exists() else "is a directory, expected a file")
        if table_format(path) == "parquet":
            import pyarrow.parquet as pq

            try:
                meta = pq.ParquetFile(path).metadata
            except Exception as exc:  # pyarrow raises many types for a bad file
                raise parquet_error(path, exc) from None
            total += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        else:
            total += path.stat().st_size
    return total / 1e6


def raw_chunks(path: Path, rows: int) -> Iterator[pd.DataFrame]:
    """The file's rows, ``rows`` at a time, cells as ``read_table`` gives them (CSV: strings; empty: None)."""
    fmt = table_format(path)
    if not path.is_file():
        raise DataError(str(path), "file not found" if not path.exists() else "is a directory, expected a file")
    if fmt == "csv":
        try:
            with pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], chunksize=rows, encoding="utf-8") as reader:
                for frame in reader:
                    yield frame.astype(object)
        except pd.errors.ParserError as exc:
            raise DataError(str(path), f"malformed CSV: {exc}") from None
        except pd.errors.EmptyDataError:
            raise DataError(str(path), "file is empty") from None
        except UnicodeDecodeError as exc:
            raise DataError(str(path), f"not valid UTF-8 ({exc.reason})") from None
    elif fmt == "jsonl":
        yield from _jsonl_chunks(path, rows)
    else:
        import pyarrow.parquet as pq

        try:
            with pq.ParquetFile(path) as handle:
                for batch in handle.iter_batches(batch_size=rows):
                    frame = batch.to_pandas()
                    yield frame.astype(object).where(frame.notna(), None)
        except Exception as exc:  # pyarrow raises many types for a bad file
            raise parquet_error(path, exc) from None


def _jsonl_chunks(path: Path, rows: int) -> Iterator[pd.DataFrame]:
    records: list[dict] = []
    with open(path, encoding="utf-8-sig") as handle:
        try:
            for number, line in enumerate(handle, start=1):
                record = json_object(line, path, number)
                if record is None:
                    continue
                records.append(record)
                if len(records) == rows:
                    yield pd.DataFrame.from_records(records).astype(object)
                    records = []
        except UnicodeDecodeError as exc:
            raise DataError(str(path), f"not valid UTF-8 ({exc.reason})") from None
    if records:
        yield pd.DataFrame.from_records(records).astype(object)


def annotates_posture(path: Path, rows: int) -> bool:
    """Whether the file uses the framing label 'none' anywhere (its rows then train posture), read a chunk at a time."""
    for frame in raw_chunks(path, rows):
        if "framing" not in frame.columns:
            return False
        if (frame["framing"].map(lambda v: v.strip() if isinstance(v, str) else v) == POSTURE_NONE).any():
            return True
    return False


@dataclass
class Chunk:
    """One chunk of labelled rows (``LabelledData.frame`` columns) and its position in the whole input."""

    frame: pd.DataFrame
    index: int  # 0, 1, ... over all files
    rows: int = 0  # rows the file held in it, with text or not


def labelled_chunks(paths: list[Path], rows: int, skipped: dict[str, Counter]) -> Iterator[Chunk]:
    """Every file's rows with text, ``rows`` at a time, labelled as ``load_labelled`` labels them."""
    index = 0
    for path in paths:
        posture = annotates_posture(path, rows)
        first, empty = 1, True
        for frame in raw_chunks(path, rows):
            empty = empty and frame.empty
            part = label_rows(frame, path, skipped, first_row=first, posture_annotated=posture)
            first += len(frame)
            yield Chunk(part.reset_index(drop=True), index, len(frame))
            index += 1
        if empty:
            raise DataError(str(path), "file has no data rows")
