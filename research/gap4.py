"""Closing the AG / BBC gap, round 4: how framing F1 grows with annotated rows, and unlabelled-text features.

Usage (from the repository root; single process, one core):
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python -m research.gap4

Same protocol as ``research.gap3``: plain out-of-fold macro-F1 on the 5 outer folds of the other stages
(``stratified_splits(framing, "framing")``, seed 0), the shipped features (word12+char25 headline2+cues) and the
shipped classifier at the nested run's pick (calibrated NBLinearSVC, alpha 0.3, C 0.3). Writes research/reports/framing_gap4.json.

1. Learning curve: each fold's training part keeps every CAMEO row and a random share (25, 50, 75, 100%) of its
   annotated news rows (AG and BBC sampled separately), 3 draws per share; the test folds are unchanged. If F1 on
   AG and BBC still climbs at 100%, more annotated headlines are the lever; the corpus already holds every AG
   World/Business item and every BBC politics/business article in ../shared.
2. Unlabelled text (semi-supervised features). The pool: the AG Sports and Sci/Tech items and the BBC
   entertainment, sport and tech articles (never annotated, so never in a test fold), optionally the 20 Newsgroups
   training posts, plus each fold's own training texts.
   AG and BBC texts are made as for the annotated rows (cleaned AG text; the BBC lead of ``data/build.py``; BBC
   duplicates dropped).
   - LSA: TruncatedSVD of the pool's word 1-2gram TF-IDF, k components, rows l2-normalised and weighted, split
     into positive and negative parts (NB scaling needs non-negative features), hstacked to the shipped features.
   - Word clusters: k-means over the pool's LSA word vectors; a TF-IDF block of each text's ``zzcN`` cluster tokens
     (one per clustered word) is hstacked, so "warns" and "threatens" can share weight when one is rare in the labels.
"""
from __future__ import annotations

import json
import re
import time
from typing import Any

import numpy as np
import pandas as pd
from research import corpus
from newsframe.core.text import join_text, normalise_for_dedup
from scipy import sparse
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from data.build import bbc_lead, build_ag_news
from research.cv import POSITIVE, Clf, feature_builder, macro_f1, stratified_splits
from research.gap3 import FS, LABEL, OUT, SEED

SHIPPED = Clf(C=0.3, nb_alpha=0.3)
WORD = re.compile(r"[a-z][a-z'-]+")


def unlabelled_pool(newsgroups: bool) -> list[str]:
    """Texts never annotated: AG Sports + Sci/Tech, BBC entertainment/sport/tech leads, optionally 20NG train.

    AG and BBC texts are made as for the annotated rows (``data/build.py``: cleaned AG text, the BBC lead).
    """
    shared = corpus.SHARED.parent
    ag = build_ag_news(shared)
    ag = ag[ag["topic"].isin(["Sports", "Sci/Tech"])]
    texts = [join_text(h, b) for h, b in zip(ag["headline"], ag["body"])]
    bbc = pd.read_csv(shared / "bbc_news" / "bbc_news.csv")
    bbc = bbc[~bbc["category"].isin(["politics", "business"])]
    bbc = bbc[~(bbc["title"] + "\n\n" + bbc["text"]).map(normalise_for_dedup).duplicated()]
    texts += [join_text(t, bbc_lead(b)) for t, b in zip(bbc["title"], bbc["text"])]
    if newsgroups:
        ng = pd.read_csv(shared / "20newsgroups_bydate" / "train.csv.gz")
        texts += [" ".join(str(t).split()[:200]) for t in ng["text"]]
    return texts


def pool_tfidf(pool: list[str], train: list[str]) -> tuple[TfidfVectorizer, sparse.csr_matrix]:
    """Word 1-2gram TF-IDF fitted on pool + training texts, and that matrix (the LSA input)."""
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32)
    return vec, vec.fit_transform(pool + train)


def lsa_block(vec: TfidfVectorizer, matrix: sparse.csr_matrix, train: list[str], test: list[str],
              k: int) -> tuple[sparse.csr_matrix, sparse.csr_matrix, TruncatedSVD]:
    """LSA document vectors for train and test, k components of ``matrix``; (+, -) parts, rows l2-normalised."""
    svd = TruncatedSVD(k, random_state=SEED).fit(matrix)

    def block(texts: list[str]) -> sparse.csr_matrix:
        z = normalize(svd.transform(vec.transform(texts)))
        return sparse.csr_matrix(np.hstack([np.maximum(z, 0), np.maximum(-z, 0)]).astype(np.float32))
    return block(train), block(test), svd


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
    pools = {name: unlabelled_pool(newsgroups) for name, newsgroups in (("news", False), ("news+20ng", True))}
    print("pools: " + ", ".join(f"{name} {len(pool)} texts" for name, pool in pools.items()), flush=True)
    results: dict[str, np.ndarray] = {}

    def record(name: str, test: np.ndarray, proba: np.ndarray) -> None:
        results.setdefault(name, np.full(len(framing), np.nan))[test] = proba

    for train, test in splits:
        tr, te = [texts[i] for i in train], [texts[i] for i in test]
        vec = feature_builder(FS)()
        xb_tr, xb_te = vec.fit_transform(tr), vec.transform(te)
        record("baseline", test, fit_predict(xb_tr, y[train], xb_te))
        for pool_name, pool in pools.items():
            lvec, matrix = pool_tfidf(pool, tr)
            for k in (100, 300):
                l_tr, l_te, svd = lsa_block(lvec, matrix, tr, te, k)
                for w in (0.3, 1.0):
                    x_tr = sparse.hstack([xb_tr, l_tr * w], format="csr")
                    x_te = sparse.hstack([xb_te, l_te * w], format="csr")
                    record(f"LSA k={k} w={w:g} pool={pool_name}", test, fit_predict(x_tr, y[train], x_te))
            for n_clusters in (200, 800):  # on the k=300 word vectors
                clusters = word_clusters(lvec, svd, n_clusters)
                cvec = TfidfVectorizer(analyzer=lambda t, c=clusters: cluster_tokens(t, c), sublinear_tf=True,
                                       dtype=np.float32)
                x_tr = sparse.hstack([xb_tr, cvec.fit_transform(tr)], format="csr")
                x_te = sparse.hstack([xb_te, cvec.transform(te)], format="csr")
                record(f"clusters k={n_clusters} pool={pool_name}", test, fit_predict(x_tr, y[train], x_te))
        print("  fold done", flush=True)
    rows = []
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
