"""Record-level reading of CSV and JSON Lines files, from any record boundary, one bad record at a time.

Files are read as bytes, line by line, and each line is decoded on its own: a line that is not valid
UTF-8 rejects the record it belongs to and reading goes on. Blank lines are not rows. Every record
carries the byte offset just after it, so a reader can later start again exactly there (resume, Dask).
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from newsframe.core.errors import DataError
from newsframe.core.schema import TEXT_COLUMNS

BOM = b"\xef\xbb\xbf"
_BUFFER = 1 << 20
FIELD_LIMIT = 16 << 20  # characters; a longer CSV field is almost surely a runaway quote: its record is rejected


@dataclass
class Record:
    """One input record: its place, its raw bytes, and either parsed values or the reason it is unusable."""

    line: int  # 1-based physical line where the record starts
    end: int  # byte offset just after the record
    end_line: int  # physical lines consumed up to and including the record
    raw: bytes
    values: Any = None  # CSV: list of fields; JSONL: dict
    error: str | None = None

    def raw_text(self) -> str:
        """The record's source text without its line break; undecodable bytes appear as ``\\xNN``."""
        return self.raw.decode("utf-8", "backslashreplace").rstrip("\r\n")


class _Lines:
    """Iterator of decoded lines for ``csv.reader`` that remembers the raw bytes and bad lines it handed out."""

    def __init__(self, handle: BinaryIO, offset: int, line: int) -> None:
        self.handle, self.offset, self.line = handle, offset, line
        self.raw: list[bytes] = []
        self.bad_line: int | None = None

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        raw = self.handle.readline()
        if not raw:
            raise StopIteration
        self.raw.append(raw)
        self.offset += len(raw)
        self.line += 1
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            if self.bad_line is None:
                self.bad_line = self.line
            return raw.decode("utf-8", "surrogateescape")

    def take(self) -> tuple[bytes, int | None]:
        raw, bad = b"".join(self.raw), self.bad_line
        self.raw, self.bad_line = [], None
        return raw, bad


def csv_records(path: Path, offset: int, line: int, n_columns: int | None) -> Iterator[Record]:
    """CSV records from byte ``offset`` (a record boundary, ``line`` lines in); malformed ones carry an error."""
    csv.field_size_limit(FIELD_LIMIT)
    with open(path, "rb", buffering=_BUFFER) as handle:
        handle.seek(offset)
        feed = _Lines(handle, offset, line)
        reader = csv.reader(feed, strict=False)
        while True:
            start = feed.line + 1
            error = None
            try:
                fields: list[str] | None = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                fields, error = None, f"malformed CSV: {exc}"
            raw, bad_line = feed.take()
            if fields == [] and error is None:
                continue  # a blank line is not a row
            if bad_line is not None:
                error = f"undecodable bytes: line {bad_line} is not valid UTF-8"
            elif fields is not None and n_columns is not None and len(fields) != n_columns:
                error = f"malformed CSV row: {len(fields)} fields, the header has {n_columns}"
            yield Record(start, feed.offset, feed.line, raw, None if error else fields, error)


def csv_header(path: Path) -> tuple[list[str], int, int]:
    """The header's column names and the byte offset and line count just after it."""
    with open(path, "rb") as handle:
        offset = 3 if handle.read(3) == BOM else 0
    for record in csv_records(path, offset, 0, None):
        if record.error:
            raise DataError(str(path), f"unreadable header ({record.error})", row=None)
        columns = [str(c) for c in record.values]
        duplicates = sorted({c for c in columns if columns.count(c) > 1})
        if duplicates:
            raise DataError(str(path), f"duplicate column name(s) in the header: {', '.join(duplicates)}")
        return columns, record.end, record.end_line
    raise DataError(str(path), "file is empty")


def jsonl_records(path: Path, offset: int, line: int, parse: bool = True) -> Iterator[Record]:
    """JSON Lines records from byte ``offset``; bad bytes, bad JSON and non-objects carry an error."""
    with open(path, "rb", buffering=_BUFFER) as handle:
        handle.seek(offset)
        for raw in handle:
            offset += len(raw)
            line += 1
            body = raw[3:] if line == 1 and raw.startswith(BOM) else raw
            if not body.strip():
                continue
            record = Record(line, offset, line, raw)
            if not parse:
                yield record
                continue
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                record.error = f"undecodable bytes: line {line} is not valid UTF-8"
                yield record
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                record.error = f"invalid JSON: {exc.msg} (column {exc.colno})"
            else:
                if isinstance(value, dict):
                    record.values = value
                else:
                    record.error = f"wrong type: expected a JSON object, got {type(value).__name__}"
            yield record


def json_kind(value: Any) -> str | None:
    """The JSON kind of a value for schema inference (``None`` for null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if -(2**63) <= value < 2**63 else "json"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "json"  # objects and arrays


def _wrong_text_type(values: dict[str, Any]) -> bool:
    """The record will be rejected for a non-text value in a text column (NaN counts as missing, as in ``rows``)."""
    cells = [values.get(c) for c in TEXT_COLUMNS]
    return any(v is not None and not isinstance(v, str) and not (isinstance(v, float) and v != v) for v in cells)


@dataclass
class JsonlLayout:
    """What a pass over JSON Lines files found: columns in first-seen order, their kinds, rows per file."""

    columns: list[str]
    kinds: dict[str, set[str]]
    rows: list[int]


def scan_jsonl(paths: list[Path]) -> JsonlLayout:
    """Collect the union of keys (first-seen order) and value kinds over every valid record of every file."""
    kinds: dict[str, set[str]] = {}
    rows = []
    for path in paths:
        count = 0
        for record in jsonl_records(path, 0, 0):
            count += 1
            if record.values is None:
                continue
            if _wrong_text_type(record.values):
                # Rejected whatever its other values, which never reach the output; but its text columns are
                # columns of the input, so its rows are rejected as "wrong type", not as having no text.
                for key in (c for c in record.values if c in TEXT_COLUMNS):
                    kinds.setdefault(key, set())
                continue
            for key, value in record.values.items():
                seen = kinds.setdefault(key, set())
                kind = json_kind(value)
                if kind is not None:
                    seen.add(kind)
        rows.append(count)
    return JsonlLayout(list(kinds), kinds, rows)
