"""The data schema every side shares: column names, task names and labels, and the one rule that turns a
row's ``headline``/``body``/``text`` into the text a model reads (training, HTTP and batch alike)."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from newsframe.core.errors import DataError
from newsframe.core.text import join_text

TEXT_COLUMNS = ("headline", "body", "text")
LABEL_COLUMNS = ("topic", "framing")
OPTIONAL_COLUMNS = ("id", "source", "published")
FRAMING_LABELS = ("cautious", "confrontational")
POSTURE_NONE = "none"
POSTURE_LABELS = ("none", "posture")
# Tasks a labelled file must be able to train (its label columns) and every task a version may hold. posture: does
# the text frame any actor posture at all? Trained from framing labels when 'none' rows exist.
REQUIRED_TASKS = LABEL_COLUMNS
TASKS = (*REQUIRED_TASKS, "posture")
# Tasks shown as their own object in a prediction; posture is folded into framing (``framing.posture``).
RESULT_TASKS = ("topic", "framing")
NO_TEXT = "no text (headline, body and text all empty)"


def model_text(headline: Any = None, body: Any = None, text: Any = None) -> str:
    """The text a model reads: ``text`` when it holds more than white space, else headline and body joined.

    Non-string values count as empty; callers that must refuse them check types first. Returns "" when there is
    no text at all.
    """
    own = text.strip() if isinstance(text, str) else ""
    return own or join_text(headline if isinstance(headline, str) else None, body if isinstance(body, str) else None)


def is_missing(value: object) -> bool:
    """None or a float NaN (an empty cell in pandas or Arrow)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def positive_int(value: Any, name: str) -> int:
    """``value`` as an int >= 1 (ints and digit strings), else ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit() or int(value) < 1:
        raise ValueError(f"{name}: expected a positive integer, got {value!r}")
    return int(value)


def text_of(frame: pd.DataFrame, path: str | Path) -> tuple[pd.Series, pd.Series]:
    """Model text per row (``text`` column, or headline + body) and a reason for rows that have none.

    Raises DataError when the table has no usable text column or a cell is not a string.
    """
    has_text = "text" in frame.columns
    has_parts = "headline" in frame.columns or "body" in frame.columns
    if not has_text and not has_parts:
        found = ", ".join(map(str, frame.columns)) or "(none)"
        raise DataError(str(path), f"missing text column: need 'text' or 'headline'/'body'; found {found}")
    for column in TEXT_COLUMNS:
        if column in frame.columns:
            check_strings(frame[column], path, column)
    empty = pd.Series(None, index=frame.index, dtype=object)
    columns = [frame[c] if c in frame.columns else empty for c in TEXT_COLUMNS]
    joined = pd.Series([model_text(h, b, t) for h, b, t in zip(*columns)], index=frame.index, dtype=object)
    reason = joined.map(lambda t: None if t else NO_TEXT)
    return joined, reason


def check_strings(column: pd.Series, path: str | Path, name: str) -> None:
    bad = column.map(lambda v: not is_missing(v) and not isinstance(v, str))
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        value = column.iloc[position]
        raise DataError(str(path), f"expected text, got {type(value).__name__} {value!r:.40}", row=position + 1, column=name)
