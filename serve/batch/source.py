"""An input (one file, or a directory of same-format part files) as a fixed schema and a stream of chunks.

A chunk is ``chunk_size`` consecutive input rows of one file (the last chunk of a file may be shorter),
valid or not, so chunk boundaries depend only on the input and the chunk size: a resumed run, a
``--jobs`` run and a Dask run cut exactly the same chunks. A :class:`Position` says where a chunk starts
(file, byte offset or Parquet row, rows before it), so reading can start at any chunk.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pyarrow as pa
import pyarrow.parquet as pq
from newsframe.core.errors import DataError
from newsframe.core.schema import TEXT_COLUMNS
from newsframe.core.tables import parquet_error, table_format
from newsframe.serve.batch.parquetfiles import parquet_schema, parquet_tables
from newsframe.serve.batch.rows import model_texts, reject, require_text_column
from newsframe.serve.batch.textfiles import Record, csv_header, csv_records, jsonl_records, scan_jsonl

_ARROW_KIND = {"str": pa.string(), "bool": pa.bool_(), "int": pa.int64(), "float": pa.float64()}


@dataclass(frozen=True)
class Position:
    """Where a chunk starts: chunk number, file index, byte offset (CSV/JSONL) or row in file (Parquet), rows before."""

    chunk: int = 0
    file: int = 0
    offset: int = 0
    line: int = 0
    row: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class Chunk:
    """Rows read from ``start`` to ``end``: the valid ones as an Arrow table with their texts, and the rejects."""

    index: int
    start: Position
    end: Position
    table: pa.Table
    texts: list[str]
    rejects: list[dict[str, Any]]

    @property
    def read(self) -> int:
        return self.end.row - self.start.row


@dataclass
class Source:
    """The input files, their format and the Arrow schema every chunk of them has."""

    files: list[Path]
    names: list[str]
    fmt: str
    schema: pa.Schema
    json_columns: frozenset[str] = frozenset()  # JSONL columns of mixed/nested values, kept as JSON text
    starts: list[tuple[int, int]] = field(default_factory=list)  # per file: (byte offset, line) of first row
    total_rows: int | None = None

    @property
    def columns(self) -> list[str]:
        return list(self.schema.names)

    def chunks(self, chunk_size: int, start: Position | None = None, limit: int | None = None) -> Iterator[Chunk]:
        """Chunks from ``start`` (default: the beginning), at most ``limit`` of them."""
        position = start or self.first_position(0, 0, 0)
        made = 0
        for index in range(position.file, len(self.files)):
            if index != position.file:
                position = self.first_position(index, position.chunk, position.row)
            for chunk in self._file_chunks(position, chunk_size):
                yield chunk
                made += 1
                if limit is not None and made >= limit:
                    return
                position = chunk.end

    def first_position(self, file: int, chunk: int, row: int) -> Position:
        offset, line = self.starts[file] if self.starts else (0, 0)
        return Position(chunk, file, offset, line, row)

    def positions(self, chunk_size: int) -> tuple[list[Position], int]:
        """Where every chunk starts, and the number of rows, found by one light pass (no JSON parsing)."""
        out: list[Position] = []
        chunk, row = 0, 0
        for index, path in enumerate(self.files):
            position = self.first_position(index, chunk, row)
            if self.fmt == "parquet":
                rows = pq.ParquetFile(path).metadata.num_rows
                for offset in range(0, rows, chunk_size):
                    out.append(Position(chunk, index, offset, 0, row))
                    chunk, row = chunk + 1, row + min(chunk_size, rows - offset)
                continue
            records = csv_records(path, position.offset, position.line, None) if self.fmt == "csv" \
                else jsonl_records(path, position.offset, position.line, parse=False)
            count = 0
            for record in records:
                if count % chunk_size == 0:
                    out.append(position)
                    chunk += 1
                count, row = count + 1, row + 1
                position = Position(chunk, index, record.end, record.end_line, row)
        return out, row

    # --- per format ---------------------------------------------------------------------------------------

    def _file_chunks(self, position: Position, chunk_size: int) -> Iterator[Chunk]:
        if self.fmt == "parquet":
            yield from self._parquet_chunks(position, chunk_size)
            return
        path = self.files[position.file]
        records = csv_records(path, position.offset, position.line, len(self.schema)) if self.fmt == "csv" \
            else jsonl_records(path, position.offset, position.line)
        batch: list[Record] = []
        for record in records:
            batch.append(record)
            if len(batch) == chunk_size:
                chunk = self._text_chunk(position, batch)
                yield chunk
                position, batch = chunk.end, []
        if batch:
            yield self._text_chunk(position, batch)

    def _text_chunk(self, start: Position, records: list[Record]) -> Chunk:
        name = self.names[start.file]
        good = [r for r in records if r.error is None]
        if self.fmt == "csv":
            columns = {c: [r.values[j] for r in good] for j, c in enumerate(self.schema.names)}
        else:
            columns = {c: [r.values.get(c) for r in good] for c in self.schema.names}
        texts, reasons = model_texts({c: columns[c] for c in TEXT_COLUMNS if c in columns}, len(good), name)
        reason_of = iter(reasons)
        rejects, keep, row = [], [], start.row
        for record in records:
            row += 1
            why = record.error or next(reason_of)
            if why is None:
                keep.append(True)
            else:
                if record.error is None:
                    keep.append(False)
                rejects.append(reject(row, name, why, record.raw_text(), line=record.line))
        last = records[-1]
        end = Position(start.chunk + 1, start.file, last.end, last.end_line, row)
        arrays = []
        for column, kind in zip(self.schema.names, self.schema.types):
            cells = [v for v, k in zip(columns[column], keep) if k]
            if column in self.json_columns:
                cells = [None if v is None else json.dumps(v, ensure_ascii=False) for v in cells]
            arrays.append(pa.array(cells, type=kind))
        table = pa.Table.from_arrays(arrays, schema=self.schema)
        return Chunk(start.chunk, start, end, table, [t for t, k in zip(texts, keep) if k], rejects)

    def _parquet_chunks(self, position: Position, chunk_size: int) -> Iterator[Chunk]:
        path, name = self.files[position.file], self.names[position.file]
        try:
            for table in parquet_tables(path, position.offset, chunk_size):
                present = [c for c in TEXT_COLUMNS if c in table.column_names]
                texts, reasons = model_texts({c: table.column(c).to_pylist() for c in present}, table.num_rows, name)
                rejects = [reject(position.row + i + 1, name, why, table.slice(i, 1).to_pylist()[0])
                           for i, why in enumerate(reasons) if why is not None]
                keep = pa.array([why is None for why in reasons], type=pa.bool_())
                end = Position(position.chunk + 1, position.file, position.offset + table.num_rows, 0,
                               position.row + table.num_rows)
                valid = table.filter(keep) if rejects else table
                yield Chunk(position.chunk, position, end, valid.cast(self.schema), [t for t in texts if t is not None], rejects)
                position = end
        except (pa.ArrowException, OSError) as exc:
            raise parquet_error(path, exc) from None


def open_source(path: str | Path) -> Source:
    """Check an input and work out its schema; a directory means every same-format file in it, sorted by name."""
    path = Path(path)
    if not path.exists():
        raise DataError(str(path), "file not found")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith((".", "_")))
        if not files:
            raise DataError(str(path), "directory holds no input files")
        formats = {table_format(p) for p in files}
        if len(formats) > 1:
            raise DataError(str(path), f"directory mixes formats ({', '.join(sorted(formats))}); use one format")
        names = [p.relative_to(path).as_posix() for p in files]
    else:
        files, names = [path], [path.name]
    fmt = table_format(files[0])
    if fmt == "csv":
        return _csv_source(files, names)
    if fmt == "jsonl":
        return _jsonl_source(files, names)
    schema, total = parquet_schema(files)
    require_text_column(schema.names, str(files[0]))
    return Source(files, names, "parquet", schema, total_rows=total)


def _csv_source(files: list[Path], names: list[str]) -> Source:
    starts, columns = [], None
    for path in files:
        header, offset, line = csv_header(path)
        if columns is not None and header != columns:
            raise DataError(str(path), f"header differs from {files[0].name}: {header} vs {columns}")
        columns = header
        starts.append((offset, line))
    require_text_column(columns, str(files[0]))
    return Source(files, names, "csv", pa.schema([(c, pa.string()) for c in columns]), starts=starts)


def _jsonl_source(files: list[Path], names: list[str]) -> Source:
    layout = scan_jsonl(files)
    require_text_column(layout.columns, str(files[0]))
    fields, json_columns = [], set()
    for column in layout.columns:
        kinds = layout.kinds[column]
        if not kinds:
            fields.append((column, pa.string()))
        elif len(kinds) == 1 and next(iter(kinds)) in _ARROW_KIND:
            fields.append((column, _ARROW_KIND[next(iter(kinds))]))
        else:
            fields.append((column, pa.string()))
            json_columns.add(column)
    return Source(files, names, "jsonl", pa.schema(fields), frozenset(json_columns),
                  starts=[(0, 0)] * len(files), total_rows=sum(layout.rows))
