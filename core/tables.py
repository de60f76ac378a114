"""Reading and writing tables of articles in CSV, JSON Lines or Parquet, chosen by file extension."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from newsframe.core.errors import DataError

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet", ".pq": "parquet"}


def table_format(path: str | Path) -> str:
    """Return ``csv``, ``jsonl`` or ``parquet`` for a path, or raise DataError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise DataError(str(path), f"unknown format '{suffix or '(no extension)'}'; use one of {known}")
    return FORMATS[suffix]


def decode_utf8(raw: bytes, path: str | Path) -> str:
    """Decode bytes as UTF-8 (a BOM is allowed) or raise DataError naming the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(str(path), f"not valid UTF-8 at line {line} (byte {exc.start}): {exc.reason}") from None


def parquet_error(path: str | Path, exc: BaseException) -> DataError:
    """The error for a Parquet file that cannot be read, whichever of pyarrow's many exception types said so."""
    return DataError(str(path), f"not a readable Parquet file ({exc.__class__.__name__}: {exc})")


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a whole table with every cell as ``str`` (CSV) or its JSON/Parquet type; empty cells become ``None``."""
    path = Path(path)
    fmt = table_format(path)
    if not path.exists():
        raise DataError(str(path), "file not found")
    if path.is_dir():
        raise DataError(str(path), "is a directory, expected a file")
    if fmt == "parquet":
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many types for a bad file
            raise parquet_error(path, exc) from None
    else:
        text = decode_utf8(path.read_bytes(), path)
        if not text.strip():
            raise DataError(str(path), "file is empty")
        frame = _parse_csv(text, path) if fmt == "csv" else _parse_jsonl(text, path)
    if frame.empty:
        raise DataError(str(path), "file has no data rows")
    return frame.astype(object).where(frame.notna(), None)


def _parse_csv(text: str, path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
    except pd.errors.ParserError as exc:
        raise DataError(str(path), f"malformed CSV: {exc}") from None
    except pd.errors.EmptyDataError:
        raise DataError(str(path), "file is empty") from None


def json_object(line: str, path: str | Path, number: int) -> dict | None:
    """One JSON Lines line as an object (None for a blank line), or DataError naming the line."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataError(str(path), f"invalid JSON: {exc.msg}", row=number) from None
    if not isinstance(record, dict):
        raise DataError(str(path), f"expected a JSON object, got {type(record).__name__}", row=number)
    return record


def _parse_jsonl(text: str, path: Path) -> pd.DataFrame:
    records = [json_object(line, path, number) for number, line in enumerate(text.splitlines(), start=1)]
    return pd.DataFrame.from_records([r for r in records if r is not None])
