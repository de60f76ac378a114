"""Writing scored chunks: one part file per chunk, then the parts assembled into the output atomically.

Every file is written under a temporary name, flushed to disk and renamed into place, so a reader (or a
resumed run) never sees a half-written part or output. Cell values keep their input form: CSV cells are
written as read, JSONL values as parsed (mixed/nested JSONL columns travel as JSON text and are decoded
again here), Parquet keeps Arrow types.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq
from newsframe.core.errors import DataError
from newsframe.serve.batch.rows import json_default, jsonable

EXTENSIONS = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}
JOIN_TMP = ".tmp-"  # .<output name>.tmp-<8 hex>: the output while assemble joins its parts


def output_schema(input_schema: pa.Schema, prediction_schema: pa.Schema) -> pa.Schema:
    """Input columns unchanged and in order, then the prediction columns; names must stay unique."""
    names = list(input_schema.names) + list(prediction_schema.names)
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise DataError("(output)", f"prediction column(s) {', '.join(duplicates)} collide with input columns; rename them")
    return pa.schema(list(input_schema) + list(prediction_schema))


def _rows(table: pa.Table, json_columns: frozenset[str]) -> Iterator[tuple[Any, ...]]:
    columns = []
    for name, column in zip(table.column_names, table.columns):
        values = column.to_pylist()
        if name in json_columns:
            values = [None if v is None else json.loads(v) for v in values]
        columns.append(values)
    return zip(*columns)


def _plain_json_columns(table: pa.Table, json_columns: frozenset[str]) -> pa.Table:
    """For Parquet: mixed/nested JSONL columns as text the way CSV shows them (strings as is, others as JSON)."""
    for name in json_columns:
        index = table.column_names.index(name)
        cells = [None if v is None else _cell(json.loads(v)) for v in table.column(index).to_pylist()]
        table = table.set_column(index, table.field(index), pa.array(cells, type=pa.string()))
    return table


def _cell(value: Any) -> str:
    """A CSV cell: text as is, missing as empty, booleans and nested values as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if value != value else repr(value)
    if isinstance(value, int):
        return str(value)
    plain = jsonable(value)
    return plain if isinstance(plain, str) else json.dumps(plain, ensure_ascii=False)


def _csv_cells(name: str, column: pa.ChunkedArray, json_columns: frozenset[str]) -> list[str]:
    """One column's CSV cells, as ``_cell`` writes each value; whole columns at once for text and floats,
    which make up nearly every cell (a per-cell call was most of the main process's time for ``--jobs N``)."""
    values = column.to_pylist()
    if name in json_columns:
        return [_cell(None if v is None else json.loads(v)) for v in values]
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return values if not column.null_count else ["" if v is None else v for v in values]
    if pa.types.is_floating(column.type):
        return ["" if v is None or v != v else repr(v) for v in values]
    return list(map(_cell, values))


def csv_line(values: Iterable[str]) -> str:
    """One CSV line with minimal quoting and ``\\n`` endings."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(list(values))
    return buffer.getvalue()


def _json_line(names: list[str], row: tuple[Any, ...]) -> str:
    record = dict(zip(names, row))
    try:
        return json.dumps(record, ensure_ascii=False, allow_nan=False, default=json_default) + "\n"
    except ValueError:  # NaN or infinity: JSON has no such number
        return json.dumps(jsonable(record), ensure_ascii=False) + "\n"


def _sync(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def sync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(tmp: Path, dest: Path) -> None:
    _sync(tmp)
    os.replace(tmp, dest)
    sync_dir(dest.parent)


def write_part(table: pa.Table, path: Path, fmt: str, json_columns: frozenset[str] = frozenset(),
               header: bool = False) -> None:
    """Write one chunk's output rows to ``path`` (CSV parts carry a header only if asked)."""
    tmp = path.with_name(path.name + ".tmp")
    if fmt == "parquet":
        pq.write_table(_plain_json_columns(table, json_columns), tmp)
    else:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            if fmt == "csv":
                writer = csv.writer(handle, lineterminator="\n")
                if header:
                    writer.writerow(table.column_names)
                writer.writerows(zip(*(_csv_cells(name, column, json_columns)
                                       for name, column in zip(table.column_names, table.columns))))
            else:
                names = table.column_names
                handle.writelines(_json_line(names, row) for row in _rows(table, json_columns))
    _publish(tmp, path)


def write_rejects(rejects: list[dict[str, Any]], path: Path) -> None:
    """One JSON object per rejected row."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rejects)
    _publish(tmp, path)


def join_leftovers(dest: Path) -> list[Path]:
    """Partial outputs of ``dest`` left by a run killed while :func:`assemble` joined its parts (never another
    output's: the name must be exactly ``.<dest name>.tmp-`` and 8 hexadecimal digits)."""
    pattern = re.compile(rf"\.{re.escape(dest.name)}{re.escape(JOIN_TMP)}[0-9a-f]{{8}}")
    if not dest.parent.is_dir():
        return []
    return sorted(p for p in dest.parent.iterdir() if pattern.fullmatch(p.name) and p.is_file() and not p.is_symlink())


def assemble(parts: list[Path], dest: Path, fmt: str, schema: pa.Schema) -> None:
    """Join part files, in order, into ``dest`` through a temporary file and one atomic rename.

    CSV gets the header once; Parquet gets one row group per non-empty part. Memory holds one part at a time.
    """
    tmp = dest.with_name(f".{dest.name}{JOIN_TMP}{uuid.uuid4().hex[:8]}")
    try:
        if fmt == "parquet":
            with pq.ParquetWriter(tmp, schema) as writer:
                for part in parts:
                    table = pq.read_table(part)
                    if table.num_rows:
                        writer.write_table(table)
        else:
            with open(tmp, "wb") as out:
                if fmt == "csv":
                    out.write(csv_line(schema.names).encode("utf-8"))
                for part in parts:
                    with open(part, "rb") as handle:
                        shutil.copyfileobj(handle, out, 1 << 20)
        _publish(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
