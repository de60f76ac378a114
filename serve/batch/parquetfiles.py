"""Parquet inputs: one schema over all files, and fixed-size tables from any row, one batch at a time."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq
from newsframe.core.errors import DataError
from newsframe.core.tables import parquet_error


def parquet_tables(path: Path, start: int, size: int) -> Iterator[pa.Table]:
    """Tables of exactly ``size`` rows (the last may be shorter) from row ``start`` of a Parquet file."""
    parquet = pq.ParquetFile(path)
    groups, before = [], 0
    for g in range(parquet.num_row_groups):
        rows = parquet.metadata.row_group(g).num_rows
        if before + rows <= start and not groups:
            before += rows
            continue
        groups.append(g)
    skip, pending, held = start - before, [], 0
    for batch in parquet.iter_batches(batch_size=size, row_groups=groups, use_threads=False):
        if skip:
            cut = min(skip, batch.num_rows)
            batch, skip = batch.slice(cut), skip - cut
        pending.append(batch)
        held += batch.num_rows
        while held >= size:
            table = pa.Table.from_batches(pending).combine_chunks()
            yield table.slice(0, size)
            rest = table.slice(size)
            pending, held = rest.to_batches(), rest.num_rows
    if held:
        yield pa.Table.from_batches(pending).combine_chunks()


def parquet_schema(files: list[Path]) -> tuple[pa.Schema, int]:
    """The Arrow schema all ``files`` share (metadata dropped) and their total row count."""
    schema, total = None, 0
    for path in files:
        try:
            parquet = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise parquet_error(path, exc) from None
        here = parquet.schema_arrow.remove_metadata()
        if schema is not None and not here.equals(schema):
            raise DataError(str(path), f"schema differs from {files[0].name}")
        schema, total = here, total + parquet.metadata.num_rows
    if len(set(schema.names)) != len(schema.names):
        raise DataError(str(files[0]), "duplicate column names")
    return schema, total
