"""Labelled-article schema: validate tables, build model text, and account for every row per task."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from newsframe.train.errors import DataError
from newsframe.train.tables import read_table
from newsframe.train.text import join_text

TEXT_COLUMNS = ("headline", "body", "text")
LABEL_COLUMNS = ("topic", "framing")
OPTIONAL_COLUMNS = ("id", "source", "published")
FRAMING_LABELS = ("cautious", "confrontational")
POSTURE_NONE = "none"
POSTURE_LABELS = ("none", "posture")
REQUIRED_TASKS = LABEL_COLUMNS
# posture: does the text frame any actor posture at all? Trained from framing labels when 'none' rows exist.
TASKS = (*REQUIRED_TASKS, "posture")


@dataclass
class LabelledData:
    """Rows that carry text, with per-task labels (``None`` where a row has no label for a task)."""

    frame: pd.DataFrame  # columns: id, text, topic, framing, file, row, posture_annotated
    skipped: dict[str, Counter] = field(default_factory=dict)  # task -> reason -> count

    def task(self, task: str) -> pd.DataFrame:
        """Rows that train ``task``: those with a label for it (framing: cautious/confrontational only).

        ``posture`` rows are the rows with a framing label from files that use 'none' at all: 'none' stays 'none',
        the two postures become 'posture'. A file that never says 'none' (e.g. the CAMEO sentences, whose class 0
        is not 'none') did not annotate posture, and its rows would only teach that every such text has one.
        """
        if task == "posture":
            mask = self.frame["framing"].notna() & self.frame["posture_annotated"]
            rows = self.frame.loc[mask, ["id", "text", "framing"]].reset_index(drop=True)
            rows["framing"] = rows["framing"].where(rows["framing"] == POSTURE_NONE, "posture")
            return rows.rename(columns={"framing": "posture"})
        labels = self.frame[task]
        mask = labels.notna()
        if task == "framing":
            mask &= labels.isin(FRAMING_LABELS)
        return self.frame.loc[mask, ["id", "text", task]].reset_index(drop=True)

    def summary(self) -> dict[str, dict]:
        """Rows used per task and the reasons others were skipped, for logs and the manifest."""
        return {
            task: {"used": int(len(self.task(task))), "skipped": dict(sorted(self.skipped.get(task, Counter()).items()))}
            for task in TASKS
        }


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
            _check_strings(frame[column], path, column)
    headline = frame["headline"] if "headline" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    body = frame["body"] if "body" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    joined = pd.Series([join_text(h, b) for h, b in zip(headline, body)], index=frame.index, dtype=object)
    if has_text:
        own = frame["text"].map(lambda t: t.strip() if isinstance(t, str) else "")
        joined = own.where(own != "", joined)
    reason = joined.map(lambda t: None if t else "no text (headline, body and text all empty)")
    return joined, reason


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _check_strings(column: pd.Series, path: str | Path, name: str) -> None:
    bad = column.map(lambda v: not _missing(v) and not isinstance(v, str))
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        value = column.iloc[position]
        raise DataError(str(path), f"expected text, got {type(value).__name__} {value!r:.40}", row=position + 1, column=name)


def load_labelled(paths: list[str | Path]) -> LabelledData:
    """Read and validate labelled files; rows train only the tasks they carry a label for."""
    if not paths:
        raise DataError("(no files)", "no data files given")
    parts, skipped = [], {task: Counter() for task in TASKS}
    for path in paths:
        frame = read_table(path)
        if not any(c in frame.columns for c in LABEL_COLUMNS):
            raise DataError(str(path), f"missing label column: need 'topic' and/or 'framing'; found {', '.join(map(str, frame.columns))}")
        text, no_text = text_of(frame, path)
        labels = {}
        for task in LABEL_COLUMNS:
            column = frame[task] if task in frame.columns else pd.Series(None, index=frame.index, dtype=object)
            _check_strings(column, path, task)
            labels[task] = column.map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
        _check_framing(labels["framing"], path)
        ids = frame["id"].astype(str) if "id" in frame.columns else pd.Series([f"{Path(path).name}:{i + 1}" for i in range(len(frame))], index=frame.index)
        part = pd.DataFrame({"id": ids, "text": text, **labels, "file": str(path), "row": range(1, len(frame) + 1)})
        part["posture_annotated"] = bool((part["framing"] == POSTURE_NONE).any())
        for task in TASKS:
            column = part["framing" if task == "posture" else task]
            for reason in no_text[column.notna()].dropna():
                skipped[task][reason] += 1
            skipped[task][f"no {task if task != 'posture' else 'framing'} label"] += int(column.isna().sum())
        skipped["framing"]["framing 'none' (posture only)"] += int((part["framing"] == POSTURE_NONE).sum())
        if len(part) and not part["posture_annotated"].iloc[0]:
            skipped["posture"]["file has no 'none' label (posture not annotated)"] += int(part["framing"].notna()[no_text.isna()].sum())
        parts.append(part[no_text.isna()])
    data = pd.concat(parts, ignore_index=True)
    for task in TASKS:
        skipped[task] = Counter({k: v for k, v in skipped[task].items() if v})
    return LabelledData(frame=data, skipped=skipped)


def _check_framing(labels: pd.Series, path: str | Path) -> None:
    allowed = (*FRAMING_LABELS, POSTURE_NONE)
    bad = labels.map(lambda v: not _missing(v) and v not in allowed)
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(
            str(path), f"unknown framing label {labels.iloc[position]!r}; allowed: {', '.join(allowed)} or empty",
            row=position + 1, column="framing",
        )
