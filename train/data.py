"""Labelled training data: read and validate labelled tables, and account for every row per task."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from newsframe.core.errors import DataError
from newsframe.core.schema import FRAMING_LABELS, LABEL_COLUMNS, POSTURE_NONE, TASKS, check_strings, is_missing, text_of
from newsframe.core.tables import read_table


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


def load_labelled(paths: list[str | Path]) -> LabelledData:
    """Read and validate labelled files; rows train only the tasks they carry a label for."""
    if not paths:
        raise DataError("(no files)", "no data files given")
    parts, skipped = [], {task: Counter() for task in TASKS}
    for path in paths:
        parts.append(label_rows(read_table(path), path, skipped))
    data = pd.concat(parts, ignore_index=True)
    for task in TASKS:
        skipped[task] = Counter({k: v for k, v in skipped[task].items() if v})
    return LabelledData(frame=data, skipped=skipped)


def label_rows(frame: pd.DataFrame, path: str | Path, skipped: dict[str, Counter], first_row: int = 1,
               posture_annotated: bool | None = None) -> pd.DataFrame:
    """The rows of ``frame`` (file rows ``first_row``...) that have text, with their labels; counts the rest in ``skipped``.

    ``posture_annotated`` says whether the whole file uses the 'none' label; None works it out from ``frame``
    (the whole file). A chunk of a larger file gets it from the caller, and a DataError names the row in the file.
    """
    try:
        return _label_rows(frame, path, skipped, first_row, posture_annotated)
    except DataError as exc:
        if exc.row is None or first_row == 1:
            raise
        where = ", ".join([exc.path, f"row {exc.row}"] + ([f"column '{exc.column}'"] if exc.column else []))
        raise DataError(exc.path, str(exc)[len(where) + 2:], row=exc.row + first_row - 1, column=exc.column) from None


def _label_rows(frame: pd.DataFrame, path: str | Path, skipped: dict[str, Counter], first_row: int,
                posture_annotated: bool | None) -> pd.DataFrame:
    if not any(c in frame.columns for c in LABEL_COLUMNS):
        raise DataError(str(path), f"missing label column: need 'topic' and/or 'framing'; found {', '.join(map(str, frame.columns))}")
    text, no_text = text_of(frame, path)
    labels = {}
    for task in LABEL_COLUMNS:
        column = frame[task] if task in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        check_strings(column, path, task)
        labels[task] = column.map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
    _check_framing(labels["framing"], path)
    numbers = range(first_row, first_row + len(frame))
    ids = frame["id"].astype(str) if "id" in frame.columns else pd.Series([f"{Path(path).name}:{i}" for i in numbers], index=frame.index)
    part = pd.DataFrame({"id": ids, "text": text, **labels, "file": str(path), "row": numbers})
    if posture_annotated is None:
        posture_annotated = bool((part["framing"] == POSTURE_NONE).any())
    part["posture_annotated"] = posture_annotated
    for task in TASKS:
        column = part["framing" if task == "posture" else task]
        for reason in no_text[column.notna()].dropna():
            skipped[task][reason] += 1
        skipped[task][f"no {task if task != 'posture' else 'framing'} label"] += int(column.isna().sum())
    skipped["framing"]["framing 'none' (posture only)"] += int((part["framing"] == POSTURE_NONE).sum())
    if len(part) and not posture_annotated:
        skipped["posture"]["file has no 'none' label (posture not annotated)"] += int(part["framing"].notna()[no_text.isna()].sum())
    return part[no_text.isna()]


def _check_framing(labels: pd.Series, path: str | Path) -> None:
    allowed = (*FRAMING_LABELS, POSTURE_NONE)
    bad = labels.map(lambda v: not is_missing(v) and v not in allowed)
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(
            str(path), f"unknown framing label {labels.iloc[position]!r}; allowed: {', '.join(allowed)} or empty",
            row=position + 1, column="framing",
        )
