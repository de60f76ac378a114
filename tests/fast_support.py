"""Texts the fast-path tests compare with the scikit-learn pipelines: the bundled rows and edge cases."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from newsframe.core.text import join_text

REPO = Path(__file__).resolve().parent.parent
EDGE_CASES = [
    "", " ", "\n\t ", "a", "zzqx qqvv xxyzzy", "Zzyzx", "?!…", "1 2 3",
    "ΟΔΥΣΣΕΥΣ ΣΑΣ ΣΑΣ.", "Ünïcödé café naïve Straße İstanbul", "東京株価 上昇 🚀🚀 👩🏽‍🚀",
    "مرحبا بالعالم",
    "e\u0301 combining",
    "no\u00a0break\u2028line\u2029para\x1cfs\x1d\x1e\x1f\x85end", "tab\tnew\nline\r\nx  y", "A" * 5000,
    "the " * 20000, " ".join(f"w{i}" for i in range(30000)), "Oil prices rise as OPEC cuts output",
]


def bundled_texts() -> list[str]:
    """Every row of the two bundled data files as the trainer builds it, plus every AG News headline alone."""
    ag = pd.read_csv(REPO / "data/topic/ag_news.csv", keep_default_na=False)
    cameo = pd.read_csv(REPO / "data/framing/cameo.csv", keep_default_na=False)
    return [join_text(h, b) for h, b in zip(ag["headline"], ag["body"])] + ag["headline"].tolist() + cameo["text"].tolist()
