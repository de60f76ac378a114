"""Benchmark datasets and splits, shared by every runner in benchmarks/.

Only the standard library, numpy and pandas are imported at module level, so the
fastText worker (run under the separate bench virtualenv) can import it too.

Datasets (paths relative to the shared/ folder beside the repository):
  ag_news  data/ag_news/dev.csv (no header: class 1-4, title, description).
           text = title + " " + description, after undoing AG's escapes
           (" #39;" -> "'", " quot;" -> '"', ...) and turning backslashes
           (AG's stand-in for newlines) into spaces. Stratified 5-fold CV, seed 0.
  bbc_news data/bbc_news/bbc_news.csv, the 98 exact duplicate rows dropped
           (same category, title and text), text = title + "\n\n" + text.
           Stratified 5-fold CV, seed 0.
  20ng     data/20newsgroups_bydate/{train,test}.csv.gz, the standard bydate
           split, headers, footers and quotes stripped exactly as
           sklearn's fetch_20newsgroups(remove=("headers", "footers", "quotes")).
"""
from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def shared_dir() -> Path:
    env = os.environ.get("NEWSFRAME_SHARED")
    if env:
        return Path(env)
    # repo/benchmarks/ -> repo/../shared
    return HERE.parent.parent / "shared"


@dataclass
class Dataset:
    name: str
    texts: list[str]
    labels: np.ndarray  # int labels 0..k-1
    label_names: list[str]
    # list of (train_idx, test_idx) numpy arrays
    folds: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    split: str = ""


# ---------------------------------------------------------------- AG News
_AG_NUM = re.compile(r" #(\d+);")
_AG_NAMED = re.compile(r" (quot|amp|lt|gt|hellip|nbsp);")


def _ag_num(m: re.Match) -> str:
    n = int(m.group(1))
    if 128 <= n <= 159:  # Windows-1252 code points written as numbers
        try:
            return bytes([n]).decode("cp1252")
        except UnicodeDecodeError:
            return " "
    return chr(n)


def ag_unescape(s: str) -> str:
    s = _AG_NUM.sub(_ag_num, s)
    s = _AG_NAMED.sub(lambda m: html.unescape("&" + m.group(1) + ";"), s)
    s = html.unescape(s)  # "&lt;b&gt;" and the like
    return s.replace("\\", " ")


BUNDLED_AG = HERE.parent / "data" / "topic" / "ag_news.csv"


def load_ag_news(path: Path | None = None) -> tuple[list[str], np.ndarray, list[str]]:
    """AG News from the repository's bundled copy (the same 6,080 rows as shared/data/ag_news/dev.csv,
    escapes already undone by data/build.py), so smoke runs in the test suite never read ../shared."""
    import pandas as pd

    df = pd.read_csv(path or BUNDLED_AG, keep_default_na=False)
    names = ["World", "Sports", "Business", "Sci/Tech"]
    texts = [f"{h} {b}" for h, b in zip(df["headline"], df["body"])]
    return texts, df["topic"].map(names.index).to_numpy(), names


def ag_headlines(n: int = 200, seed: int = 0) -> list[str]:
    """Headline-length documents (AG News titles) for single-document latency."""
    import pandas as pd

    df = pd.read_csv(BUNDLED_AG, keep_default_na=False)
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(df), size=min(n, len(df)), replace=False)
    return [df["headline"].iloc[i] for i in idx]


# ---------------------------------------------------------------- BBC News
def load_bbc_news(root: Path | None = None) -> tuple[list[str], np.ndarray, list[str]]:
    import pandas as pd

    root = root or shared_dir() / "data" / "bbc_news"
    df = pd.read_csv(root / "bbc_news.csv", dtype=str, keep_default_na=False)
    n0 = len(df)
    df = df.drop_duplicates(subset=["category", "title", "text"], keep="first").reset_index(drop=True)
    dropped = n0 - len(df)
    if n0 == 2225 and dropped != 98:
        raise RuntimeError(f"expected 98 exact duplicates in BBC News, found {dropped}")
    names = sorted(df["category"].unique())
    labels = np.array([names.index(c) for c in df["category"]])
    texts = (df["title"] + "\n\n" + df["text"]).tolist()
    return texts, labels, names


# ---------------------------------------------------------------- 20 Newsgroups
def strip_20ng(text: str) -> str:
    from sklearn.datasets._twenty_newsgroups import strip_newsgroup_footer, strip_newsgroup_header, strip_newsgroup_quoting

    # same order as fetch_20newsgroups(remove=("headers", "footers", "quotes"))
    return strip_newsgroup_quoting(strip_newsgroup_footer(strip_newsgroup_header(text)))


def load_20ng(root: Path | None = None):
    import pandas as pd

    root = root or shared_dir() / "data" / "20newsgroups_bydate"
    tr = pd.read_csv(root / "train.csv.gz", keep_default_na=False)
    te = pd.read_csv(root / "test.csv.gz", keep_default_na=False)
    names = [n for _, n in sorted(set(zip(tr["label"], tr["newsgroup"])))]
    texts = [strip_20ng(t) for t in tr["text"]] + [strip_20ng(t) for t in te["text"]]
    labels = np.concatenate([tr["label"].to_numpy(), te["label"].to_numpy()])
    train_idx = np.arange(len(tr))
    test_idx = np.arange(len(tr), len(tr) + len(te))
    return texts, labels, names, train_idx, test_idx


# ---------------------------------------------------------------- splits
def stratified_folds(labels: np.ndarray, n_splits: int = 5, seed: int = 0):
    from sklearn.model_selection import StratifiedKFold

    skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return [(tr, te) for tr, te in skf.split(np.zeros(len(labels)), labels)]


def _subsample(labels: np.ndarray, idx: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Stratified-ish subsample of idx to n items (keeps every class present)."""
    if n >= len(idx):
        return idx
    from sklearn.model_selection import train_test_split

    keep, _ = train_test_split(idx, train_size=n, stratify=labels[idx], random_state=seed)
    return np.sort(keep)


def load(name: str, *, n_splits: int = 5, seed: int = 0, subsample: int | None = None) -> Dataset:
    """Load a dataset with its evaluation splits.

    subsample (smoke runs): keep about that many documents (20ng: that many
    training and half as many test documents)."""
    if name == "ag_news":
        texts, labels, names = load_ag_news()
    elif name == "bbc_news":
        texts, labels, names = load_bbc_news()
    elif name == "20ng":
        texts, labels, names, tr, te = load_20ng()
        if subsample:
            tr = _subsample(labels, tr, subsample, seed)
            te = _subsample(labels, te, max(subsample // 2, len(names)), seed)
        return Dataset(name, texts, labels, names, [(tr, te)], "bydate train/test")
    else:
        raise ValueError(name)
    if subsample and subsample < len(texts):
        keep = _subsample(labels, np.arange(len(texts)), subsample, seed)
        texts = [texts[i] for i in keep]
        labels = labels[keep]
    folds = stratified_folds(labels, n_splits, seed)
    return Dataset(name, texts, labels, names, folds, f"stratified {n_splits}-fold CV, seed {seed}")


DATASETS = ("ag_news", "bbc_news", "20ng")
