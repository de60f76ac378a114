"""Feedback export bodies: one event per line as JSON Lines, or CSV with a header row (flat columns)."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from newsframe.core.feedback.models import LabelEvent

CSV_COLUMNS = ("id", "created_at", "kind", "annotator", "task", "label", "target_id", "queue_id", "item_key", "text",
               "headline", "body", "item_id", "source", "published", "model_version", "suggestion", "confidence")
MEDIA_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv"}


def flat(event: LabelEvent) -> dict[str, Any]:
    """One CSV row: the record with its item and model objects spread into columns."""
    record = event.record()
    item, model = record.pop("item"), record.pop("model")
    return {**record, "item_key": item["key"], "text": item["text"], "headline": item["headline"],
            "body": item["body"], "item_id": item["id"], "source": item["source"], "published": item["published"],
            "model_version": model["version"], "suggestion": model["suggestion"], "confidence": model["confidence"]}


def _csv_cell(value: Any) -> Any:
    # A cell a spreadsheet would run as a formula is prefixed with an apostrophe (OWASP CSV injection advice);
    # item texts come from the public and end up in analysts' spreadsheets.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def jsonl_lines(events: Iterable[LabelEvent]) -> Iterator[str]:
    for event in events:
        yield json.dumps(event.record(), ensure_ascii=False, separators=(",", ":")) + "\n"


def csv_lines(events: Iterable[LabelEvent]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for event in events:
        writer.writerow({k: _csv_cell(v) for k, v in flat(event).items()})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def export_body(events: list[LabelEvent], fmt: str) -> str:
    """The whole export (events are already read: the body is built before the response starts)."""
    return "".join(jsonl_lines(events) if fmt == "jsonl" else csv_lines(events))
