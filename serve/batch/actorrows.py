"""The actors file of a batch run (``--actors``): one row per (input row, actor), beside the main output.

``<output stem>.actors.<ext>`` holds ``row`` (1-based input row, as in the rejects file), ``id`` when the input has
one, the actor columns (``actor_code``, ``actor_name``, ``actor_kind``, ``actor_sector``, ``actor_role``,
``actor_mentions``, ``actor_framing``, ``actor_framing_confidence``), then ``published`` and ``source`` when the
input has them (what ``newsframe trends`` groups by). Input rows without actors have no row here; rejected rows
have none either.

The work is split like the predictions: a worker turns texts (and their publication dates) into actor columns
(:func:`actor_table`, with ``_text``, the text's index in its chunk); the main process (or the Dask task) adds the
row numbers and the copied input columns (:func:`actor_rows`).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    from newsframe.serve.batch.source import Chunk
    from newsframe.serve.predictor import Predictor

ACTOR_FIELDS = [("actor_code", pa.string()), ("actor_name", pa.string()), ("actor_kind", pa.string()),
                ("actor_sector", pa.string()), ("actor_role", pa.string()), ("actor_mentions", pa.int64()),
                ("actor_framing", pa.string()), ("actor_framing_confidence", pa.float64())]
FOUND_SCHEMA = pa.schema([("_text", pa.int64()), *ACTOR_FIELDS])
BEFORE, AFTER = ("id",), ("published", "source")  # input columns copied around the actor columns


def actors_path(output: Path) -> Path:
    """``<output stem>.actors.<ext>`` beside the output (a directory of parts for the Dask engine)."""
    return output.with_name(f"{output.stem}.actors{output.suffix}")


def actor_schema(input_schema: pa.Schema) -> pa.Schema:
    """The actors file's columns; copied input columns keep their input type."""
    copied = {name: input_schema.field(name) for name in (*BEFORE, *AFTER) if name in input_schema.names}
    return pa.schema([pa.field("row", pa.int64()), *[copied[n] for n in BEFORE if n in copied], *ACTOR_FIELDS,
                      *[copied[n] for n in AFTER if n in copied]])


def published_values(chunk: Chunk, json_columns: frozenset[str]) -> list[Any] | None:
    """The chunk's ``published`` cells (None without the column); JSONL mixed columns are decoded first."""
    if "published" not in chunk.table.column_names:
        return None
    values = chunk.table.column("published").to_pylist()
    if "published" in json_columns:
        values = [None if v is None else json.loads(v) for v in values]
    return values


def actor_table(predictor: Predictor, texts: list[str], published: list[Any] | None) -> pa.Table:
    """Actor columns for every actor of every text (``_text``: the text's index), in text order."""
    from newsframe.serve.actors import parse_date

    dates = [parse_date(value) for value in published] if published is not None else [None] * len(texts)
    columns: dict[str, list[Any]] = {name: [] for name in FOUND_SCHEMA.names}
    for i, actors in enumerate(predictor.actors.find_many(texts, dates, detail=False)):
        for actor in actors:
            framing = actor["framing"]
            for name, value in (("_text", i), ("actor_code", actor["code"]), ("actor_name", actor["name"]),
                                ("actor_kind", actor["kind"]), ("actor_sector", actor.get("sector")),
                                ("actor_role", actor["role"]), ("actor_mentions", actor["mentions"]),
                                ("actor_framing", framing["label"]),
                                ("actor_framing_confidence", framing.get("confidence"))):
                columns[name].append(value)
    return pa.Table.from_pydict(columns, schema=FOUND_SCHEMA)


def valid_rows(chunk: Chunk) -> list[int]:
    """1-based input row numbers of the chunk's scored rows (every row read, less the rejected ones)."""
    rejected = {r["row"] for r in chunk.rejects}
    return [row for row in range(chunk.start.row + 1, chunk.end.row + 1) if row not in rejected]


def actor_rows(chunk: Chunk, found: pa.Table | None, schema: pa.Schema) -> pa.Table:
    """The actors file's rows for one chunk: ``found`` (from :func:`actor_table`) with row numbers and copied columns."""
    if found is None or found.num_rows == 0:
        return schema.empty_table()
    rows = valid_rows(chunk)
    if len(rows) != chunk.table.num_rows:
        raise RuntimeError(f"chunk {chunk.index}: {len(rows)} row numbers for {chunk.table.num_rows} scored rows")
    index = found.column("_text")
    columns: dict[str, pa.Array | pa.ChunkedArray] = {"row": pa.array([rows[i] for i in index.to_pylist()], pa.int64())}
    for name in schema.names:
        if name in found.column_names:
            columns[name] = found.column(name)
        elif name != "row":
            columns[name] = chunk.table.column(name).take(index)
    return pa.Table.from_pydict({name: columns[name] for name in schema.names}, schema=schema)


def json_columns_of(schema: pa.Schema, json_columns: frozenset[str]) -> frozenset[str]:
    """The input's mixed/nested JSONL columns that the actors file copies."""
    return frozenset(json_columns & set(schema.names))
