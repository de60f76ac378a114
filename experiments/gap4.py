"""Closing the AG / BBC gap, round 4: how framing F1 grows with annotated rows, and unlabelled-text features.

Usage (from the repository root; single process, one core):
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python -m experiments.gap4

Same protocol as ``experiments.gap3``: plain out-of-fold macro-F1 on the 5 outer folds of the other stages
(``stratified_splits(framing, "framing")``, seed 0), the shipped features (word12+char25 headline2+cues) and the
shipped classifier at the nested run's pick (calibrated NBLinearSVC, alpha 0.3, C 0.3). Writes reports/framing_gap4.json.

1. Learning curve: each fold's training part keeps every CAMEO row and a random share (25, 50, 75, 100%) of its
   annotated news rows (AG and BBC sampled separately), 3 draws per share; the test folds are unchanged. If F1 on
   AG and BBC still climbs at 100%, more annotated headlines are the lever; the corpus already holds every AG
   World/Business item and every BBC politics/business article in ../shared.
2. Unlabelled text (semi-supervised features). The pool: the AG Sports and Sci/Tech items and the BBC
   entertainment, sport and tech articles (never annotated, so never in a test fold), optionally the 20 Newsgroups
   training posts, plus each fold's own training texts.
   - LSA: TruncatedSVD of the pool's word 1-2gram TF-IDF, k components, rows l2-normalised and weighted, split
     into positive and negative parts (NB scaling needs non-negative features), hstacked to the shipped features.
   - Word clusters: k-means over the pool's LSA word vectors; a TF-IDF block of each text's ``zzcN`` cluster tokens
     (one per clustered word) is hstacked, so "warns" and "threatens" can share weight when one is rare in the labels.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from experiments import corpus
from experiments.cv import POSITIVE, Clf, feature_builder, macro_f1, stratified_splits
from experiments.framing import BOTH
from newsframe.train.text import join_text

OUT = Path(__file__).resolve().parent.parent / "reports"
SHARED = corpus.SHARED.parent
FS = replace(BOTH, name="word12+char25 headline2+cues", preprocess="headline2+cues")
LABEL = "framing"
SEED = 0
SHIPPED = Clf(C=0.3, nb_alpha=0.3)
WORD = re.compile(r"[a-z][a-z'-]+")


def unlabelled_pool(newsgroups: bool) -> list[str]:
    """Texts never annotated: AG Sports + Sci/Tech, BBC entertainment/sport/tech leads, optionally 20NG train."""
    ag = pd.read_csv(SHARED / "ag_news" / "dev.csv", header=None, names=["topic", "title", "desc"])
    ag = ag[ag["topic"].isin([2, 4])]
    texts = [join_text(t, d) for t, d in zip(ag["title"], ag["desc"])]
    bbc = pd.read_csv(SHARED / "bbc_news" / "bbc_news.csv").drop_duplicates()
    bbc = bbc[~bbc["category"].isin(["politics", "business"])]
    # The annotated BBC bodies are the article's lead (about 90 words); match that length.
    texts += [join_text(t, " ".join(str(b).split()[:90])) for t, b in zip(bbc["title"], bbc["text"])]
    if newsgroups:
        ng = pd.read_csv(SHARED / "20newsgroups_bydate" / "train.csv.gz")
        column = "text" if "text" in ng.columns else ng.columns[-1]
        texts += [" ".join(str(t).split()[:200]) for t in ng[column]]
    return texts


def lsa_block(pool: list[str], train: list[str], test: list[str], k: int) -> tuple[sparse.csr_matrix, sparse.csr_matrix,
                                                                                     TfidfVectorizer, TruncatedSVD]:
    """LSA document vectors for train and test, fitted on pool + train texts; (+, -) parts, rows l2-normalised."""
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32)
    svd = TruncatedSVD(k, random_state=SEED)
    svd.fit(vec.fit_transform(pool + train))

    def block(texts: list[str]) -> sparse.csr_matrix:
        z = normalize(svd.transform(vec.transform(texts)))
        return sparse.csr_matrix(np.hstack([np.maximum(z, 0), np.maximum(-z, 0)]).astype(np.float32))
    return block(train), block(test), vec, svd


def word_clusters(vec: TfidfVectorizer, svd: TruncatedSVD, k: int) -> dict[str, int]:
    """Cluster id per unigram of the LSA vocabulary (k-means on l2-normalised word vectors)."""
    vocab = vec.get_feature_names_out()
    unigram = np.array([" " not in w for w in vocab])
    vectors = normalize((svd.components_.T * svd.singular_values_)[unigram])
    ids = MiniBatchKMeans(k, random_state=SEED, n_init=3, batch_size=4096).fit_predict(vectors)
    return dict(zip(vocab[unigram], ids.tolist()))


def cluster_tokens(text: str, clusters: dict[str, int]) -> list[str]:
    """One ``zzcN`` token per word of the text that has a cluster."""
    return [f"zzc{clusters[w]}" for w in WORD.findall(text.lower()) if w in clusters]


def fit_predict(x_tr, y_tr, x_te, clf: Clf = SHIPPED) -> np.ndarray:
    model = clf.build(SEED).fit(x_tr, y_tr)
    return model.predict_proba(x_te)[:, list(model.classes_).index(POSITIVE[LABEL])]


def learning_curve(framing: pd.DataFrame, splits, shares=(0.25, 0.5, 0.75, 1.0), draws: int = 3) -> list[dict[str, Any]]:
    texts, y = framing["text"].tolist(), np.asarray(framing[LABEL], dtype=object)
    src = np.asarray(framing["source"], dtype=object)
    rows = []
    for share in shares:
        for draw in range(draws if share < 1 else 1):
            rng = np.random.default_rng(1000 * draw + int(share * 100))
            proba = np.full(len(framing), np.nan)
            n_news = []
            for train, test in splits:
                keep = [train[src[train] == "cameo"]]
                for source in ("ag_news", "bbc_news"):
                    part = train[src[train] == source]
                    keep.append(rng.choice(part, size=int(round(share * len(part))), replace=False))
                idx = np.sort(np.concatenate(keep))
                n_news.append(int(np.isin(src[idx], ["ag_news", "bbc_news"]).sum()))
                vec = feature_builder(FS)()
                x_tr = vec.fit_transform([texts[i] for i in idx])
                proba[test] = fit_predict(x_tr, y[idx], vec.transform([texts[i] for i in test]))
            scores = macro_f1(framing, LABEL, proba)
            rows.append({"share": share, "draw": draw, "news_train_rows": int(np.mean(n_news)),
                         **{k: round(v, 4) for k, v in scores.items()}})
            print(f"share {share:4.2f} draw {draw}  news rows {rows[-1]['news_train_rows']:5d}  all {scores['all']:.4f}  "
                  f"cameo {scores['cameo']:.4f}  ag {scores['ag_news']:.4f}  bbc {scores['bbc_news']:.4f}", flush=True)
    return rows


def unlabelled_variants(framing: pd.DataFrame, splits) -> list[dict[str, Any]]:
    texts, y = framing["text"].tolist(), np.asarray(framing[LABEL], dtype=object)
    settings = [("news", False), ("news+20ng", True)]
    rows = []
    results: dict[str, np.ndarray] = {}
    for pool_name, newsgroups in settings:
        pool = unlabelled_pool(newsgroups)
        print(f"pool {pool_name}: {len(pool)} texts", flush=True)
        for train, test in splits:
            tr, te = [texts[i] for i in train], [texts[i] for i in test]
            vec = feature_builder(FS)()
            xb_tr, xb_te = vec.fit_transform(tr), vec.transform(te)
            if pool_name == "news":
                results.setdefault("baseline", np.full(len(framing), np.nan))[test] = fit_predict(xb_tr, y[train], xb_te)
            for k in (100, 300):
                l_tr, l_te, lvec, svd = lsa_block(pool, tr, te, k)
                for w in (0.3, 1.0):
                    name = f"LSA k={k} w={w:g} pool={pool_name}"
                    x_tr = sparse.hstack([xb_tr, l_tr * w], format="csr")
                    x_te = sparse.hstack([xb_te, l_te * w], format="csr")
                    results.setdefault(name, np.full(len(framing), np.nan))[test] = fit_predict(x_tr, y[train], x_te)
                if k == 300:
                    for n_clusters in (200, 800):
                        clusters = word_clusters(lvec, svd, n_clusters)
                        cvec = TfidfVectorizer(analyzer=lambda t, c=clusters: cluster_tokens(t, c), sublinear_tf=True,
                                               dtype=np.float32)
                        x_tr = sparse.hstack([xb_tr, cvec.fit_transform(tr)], format="csr")
                        x_te = sparse.hstack([xb_te, cvec.transform(te)], format="csr")
                        name = f"clusters k={n_clusters} pool={pool_name}"
                        results.setdefault(name, np.full(len(framing), np.nan))[test] = fit_predict(x_tr, y[train], x_te)
            print(f"  fold done ({pool_name})", flush=True)
    for name, proba in results.items():
        scores = macro_f1(framing, LABEL, proba)
        rows.append({"name": name, **{k: round(v, 4) for k, v in scores.items()}})
        print(f"{name:38s} all {scores['all']:.4f}  cameo {scores['cameo']:.4f}  ag {scores['ag_news']:.4f}  "
              f"bbc {scores['bbc_news']:.4f}", flush=True)
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    everything = corpus.framing_corpus()
    framing = everything[everything[LABEL] != "none"].reset_index(drop=True)
    splits = stratified_splits(framing, LABEL)
    print(f"{len(framing)} rows; sources {dict(framing['source'].value_counts())}", flush=True)
    started = time.perf_counter()
    report: dict[str, Any] = {"features": FS.name, "classifier": SHIPPED.name}
    report["learning_curve"] = learning_curve(framing, splits)
    (OUT / "framing_gap4.json").write_text(json.dumps(report, indent=1) + "\n")
    report["unlabelled"] = unlabelled_variants(framing, splits)
    report["seconds"] = round(time.perf_counter() - started, 1)
    (OUT / "framing_gap4.json").write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
