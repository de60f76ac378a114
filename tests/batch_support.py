"""Helpers for the batch-scoring tests: inputs in every format, output readers, and the real CLI."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
AG_NEWS = REPO / "data" / "topic" / "ag_news.csv"


def articles(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` AG News articles (resampled with replacement when ``n`` is larger than the file), string columns."""
    frame = pd.read_csv(AG_NEWS, dtype=str, keep_default_na=False)
    sample = frame.sample(n=n, replace=n > len(frame), random_state=seed).reset_index(drop=True)
    sample["id"] = [f"a{i:06d}" for i in range(n)]
    return sample[["id", "headline", "body", "topic", "source"]]


def write_input(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` in the format ``path`` names (CSV keeps empty strings as empty cells)."""
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".jsonl":
        with open(path, "w", encoding="utf-8") as handle:
            for record in frame.to_dict(orient="records"):
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=17)
    return path


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of an output file (or a Dask output directory) as Python dicts, in order."""
    if path.is_dir():
        return [row for part in sorted(p for p in path.iterdir() if p.is_file()) for row in read_rows(part)]
    if path.suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    if path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    return pq.read_table(path).to_pylist()


def read_rejects(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real ``newsframe`` command (as the console script would) and capture its output."""
    return subprocess.run([sys.executable, "-m", "newsframe.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def cli_popen(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newsframe.cli", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
