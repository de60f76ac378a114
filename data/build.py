"""Regenerate the bundled training files in data/ from the raw public sources in ../shared/data.

Usage: python data/build.py [--shared ../shared/data]

Writes data/topic/ag_news.csv and data/framing/cameo.csv (and data/framing/annotated.csv when the
hand annotations in data/framing/annotations/ exist). Deterministic: the same sources give the same bytes.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pandas as pd

from newsframe.train.text import clean_agnews

HERE = Path(__file__).resolve().parent
AG_TOPICS = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}
CAMEO_FRAMING = {"0": None, "1": "cautious", "2": "cautious", "3": "confrontational", "4": "confrontational"}


def build_ag_news(shared: Path) -> pd.DataFrame:
    """AG News rows with cleaned text and topic names; id = ag-<row index in dev.csv>."""
    with open(shared / "ag_news" / "dev.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return pd.DataFrame({
        "id": [f"ag-{i:05d}" for i in range(len(rows))],
        "headline": [clean_agnews(r[1]) for r in rows],
        "body": [clean_agnews(r[2]) for r in rows],
        "topic": [AG_TOPICS[r[0]] for r in rows],
        "source": "ag_news",
    })


def build_cameo(shared: Path) -> pd.DataFrame:
    """CAMEO PentaClass sentences; classes 1-2 cautious, 3-4 confrontational, 0 no framing label."""
    path = shared / "framing_data" / "cameo_pentaclass_conflibert" / "train.tsv"
    rows = [line.rsplit("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return pd.DataFrame({
        "id": [f"cameo-{i:04d}" for i in range(len(rows))],
        "text": [r[0].strip() for r in rows],
        "framing": [CAMEO_FRAMING[r[1].strip()] for r in rows],
        "cameo_class": [int(r[1]) for r in rows],
        "source": "cameo_pentaclass",
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data")
    args = parser.parse_args()
    ag = build_ag_news(args.shared)
    ag.to_csv(HERE / "topic" / "ag_news.csv", index=False, lineterminator="\n")
    cameo = build_cameo(args.shared)
    cameo.to_csv(HERE / "framing" / "cameo.csv", index=False, lineterminator="\n")
    print(f"ag_news: {len(ag)} rows {ag.topic.value_counts().to_dict()}")
    print(f"cameo: {len(cameo)} rows {cameo.framing.value_counts(dropna=False).to_dict()}")


if __name__ == "__main__":
    main()
