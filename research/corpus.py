"""Corpora for the framing experiments: the bundled framing rows, and the auxiliary sources in ../shared.

The bundled rows come through the product's own loader (``load_labelled`` on ``data/bundled.txt``), so the
experiments see exactly the texts that ``newsframe train`` sees. The auxiliary sources are read from
``../shared/data/framing_data`` and are used only here, to decide whether the product should use them.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
from newsframe.train.data import load_labelled
from newsframe.train.trainer import default_data_files
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "framing_data"
SOURCES = ("cameo", "ag_news", "bbc_news")
AUX_SOURCES = ("hedging", "bias", "politeness", "frames")
_PREFIX = {"cameo": "cameo", "ag": "ag_news", "bbc": "bbc_news"}


def framing_corpus() -> pd.DataFrame:
    """Every bundled row with a framing label: id, text, framing (cautious/confrontational/none), source."""
    frame = load_labelled(default_data_files()).frame
    rows = frame.loc[frame["framing"].notna(), ["id", "text", "framing"]].reset_index(drop=True)
    rows["source"] = rows["id"].map(lambda i: _PREFIX[i.split("-", 1)[0]])
    return rows.astype({"id": object, "text": object, "framing": object, "source": object})


def _bias() -> pd.DataFrame:
    """BABE SG2 sentences with a binary 'loaded wording' label (1 = biased)."""
    table = pd.read_csv(SHARED / "babe_media_bias" / "final_labels_SG2.csv", sep=";", encoding="utf-8-sig")
    table = table[table["label_bias"].isin(["Biased", "Non-biased"])]
    factual = (table["label_bias"] == "Biased") | (table["label_opinion"] == "Entirely factual")
    table = table[factual]
    return pd.DataFrame({"text": table["text"].astype(str), "y": (table["label_bias"] == "Biased").astype(int)})


def _politeness() -> pd.DataFrame:
    """Stanford politeness requests: top quartile of the normalised score = 1 (polite), bottom quartile = 0."""
    parts = [pd.read_csv(SHARED / "stanford_politeness" / f"{name}.annotated.csv") for name in ("wikipedia", "stack-exchange")]
    table = pd.concat(parts, ignore_index=True)
    low, high = table["Normalized Score"].quantile([0.25, 0.75])
    table = table[(table["Normalized Score"] <= low) | (table["Normalized Score"] >= high)]
    return pd.DataFrame({"text": table["Request"].astype(str), "y": (table["Normalized Score"] >= high).astype(int)})


def _frames(lead_chars: int = 700) -> pd.DataFrame:
    """Climate articles framed as conflict only (1) or resolution only (0); the first ``lead_chars`` characters."""
    table = pd.read_csv(SHARED / "narrative_frames_climate" / "articles_metadata.tsv", sep="\t")
    table = table.dropna(subset=["CO", "RE", "text"])
    co, re_ = table["CO"].astype(str) == "True", table["RE"].astype(str) == "True"
    table = table[co != re_]
    text = table["text"].astype(str).str.slice(0, lead_chars).str.rsplit(" ", n=1).str[0]
    return pd.DataFrame({"text": text, "y": (table["CO"].astype(str) == "True").astype(int)})


def _hedging() -> pd.DataFrame:
    """CoNLL-2010 Wikipedia sentences: 1 = uncertain (hedged), 0 = certain."""
    with open(SHARED / "conll2010_wiki_uncertainty_sample" / "uncertainty-conll2010.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.reader(handle) if len(r) == 2]
    return pd.DataFrame({"text": [r[1] for r in rows], "y": [int(int(r[0]) < 0) for r in rows]})


def aux_binary(name: str) -> pd.DataFrame:
    """One auxiliary source as text + binary y (hedging: uncertain; bias: biased; politeness: polite; frames: conflict)."""
    return {"hedging": _hedging, "bias": _bias, "politeness": _politeness, "frames": _frames}[name]().reset_index(drop=True)


# How each auxiliary label maps onto framing when its rows are added as training rows (None: no such row).
AUX_AS_ROWS = {
    "hedging": {1: "cautious", 0: None},
    "bias": {1: "confrontational", 0: "cautious"},
    "politeness": {1: "cautious", 0: "confrontational"},
    "frames": {1: "confrontational", 0: "cautious"},
}


def aux_rows(name: str) -> pd.DataFrame:
    """An auxiliary source mapped onto framing labels, as extra training rows (text, framing)."""
    table = aux_binary(name)
    table["framing"] = table["y"].map(AUX_AS_ROWS[name])
    return table.dropna(subset=["framing"])[["text", "framing"]].reset_index(drop=True)


def derive_lexicon(table: pd.DataFrame, k: int = 60) -> tuple[frozenset[str], frozenset[str]]:
    """The ``k`` words that most indicate y=1 and y=0 in a unigram logistic regression on ``table``."""
    vectoriser = CountVectorizer(binary=True, min_df=5, token_pattern=r"(?u)\b[a-z][a-z]+\b")
    x = vectoriser.fit_transform(table["text"].str.lower())
    model = LogisticRegression(C=0.5, max_iter=2000).fit(x, table["y"])
    words = np.asarray(vectoriser.get_feature_names_out())
    order = np.argsort(model.coef_[0])
    return frozenset(words[order[::-1][:k]]), frozenset(words[order[:k]])
