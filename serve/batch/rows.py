"""Per-row checks shared by every reader, and JSON-safe forms of cell values for rejects and JSONL output."""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import math
from typing import Any, Sequence

import pandas as pd
from newsframe.core.errors import DataError
from newsframe.core.schema import TEXT_COLUMNS, text_of

NO_TEXT_COLUMN = "missing text column: need 'text' or 'headline'/'body'"


def require_text_column(columns: Sequence[str], where: str) -> None:
    """Refuse an input that has none of the text columns (bad input: exit 2, nothing is scored)."""
    if not any(c in columns for c in TEXT_COLUMNS):
        found = ", ".join(map(str, columns)) or "(none)"
        raise DataError(where, f"{NO_TEXT_COLUMN}; found {found}")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def model_texts(values: dict[str, Sequence[Any]], n: int, where: str) -> tuple[list[str | None], list[str | None]]:
    """Model text per row (as training builds it) and, for rows that cannot be scored, the reason.

    ``values`` maps each text column present in the input to its ``n`` Python cell values. A cell that is
    neither missing nor a string rejects its row ("wrong type"); a row whose text, headline and body are
    all empty is rejected as "no text". Exactly one of text and reason is ``None`` for every row.
    """
    reasons: list[str | None] = [None] * n
    clean: dict[str, list[str | None]] = {}
    for column in TEXT_COLUMNS:
        if column not in values:
            continue
        cells: list[str | None] = []
        for i, value in enumerate(values[column]):
            if _missing(value):
                cells.append(None)
            elif isinstance(value, str):
                cells.append(value)
            else:
                cells.append(None)
                if reasons[i] is None:
                    reasons[i] = f"wrong type: column '{column}' holds {type(value).__name__} {value!r:.40}, expected text"
        clean[column] = cells
    if n == 0:
        return [], []
    joined, no_text = text_of(pd.DataFrame(clean, dtype=object), where)
    texts: list[str | None] = []
    for i, (text, empty) in enumerate(zip(joined.tolist(), no_text.tolist())):
        if reasons[i] is None and isinstance(empty, str):
            reasons[i] = empty
        texts.append(None if reasons[i] is not None else text)
    return texts, reasons


def jsonable(value: Any) -> Any:
    """A value ``json.dumps`` accepts: dates as ISO text, bytes as UTF-8 (or base64), NaN/inf as null."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dt.timedelta, pd.Timedelta)):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return "base64:" + base64.b64encode(raw).decode("ascii")
    if hasattr(value, "item"):  # numpy scalars
        return jsonable(value.item())
    return str(value)


def json_default(value: Any) -> Any:
    """``default=`` hook for ``json.dumps``: anything not natively JSON goes through :func:`jsonable`."""
    return jsonable(value)


def reject(row: int, file: str, reason: str, raw: Any, line: int | None = None) -> dict[str, Any]:
    """One rejects-file record: input row number (1-based, over the whole input), where it was, why, the raw row."""
    record: dict[str, Any] = {"row": row, "file": file}
    if line is not None:
        record["line"] = line
    record["reason"] = reason
    record["raw"] = jsonable(raw)
    return record
