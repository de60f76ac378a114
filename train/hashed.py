"""The hashed feature recipe: ``HashingVectorizer`` counts + TF-IDF weights learnt in a streaming pass.

A vocabulary of word bigrams and character n-grams grows with the data (millions of distinct n-grams on millions of
articles); hashing them into a fixed number of columns does not, so memory stays flat in rows. Each vectoriser of a
``FeatureSet`` becomes ``Pipeline([("hash", HashingVectorizer(norm=None, alternate_sign=False)), ("tfidf",
TfidfTransformer)])`` with the same analysis (lowercasing, token pattern, preprocessor, n-gram ranges) as the
vocabulary recipe; the union of those members is the pipeline's ``features`` step. The transformer's ``idf_`` is set
from document frequencies counted chunk by chunk (``DocumentFrequencies``), with scikit-learn's smoothed formula
``ln((1 + n) / (1 + df)) + 1`` in float32, so the fitted pipeline transforms a text exactly as training saw it.
"""
from __future__ import annotations

import numpy as np
from newsframe.core.text import get_preprocessor
from newsframe.train.config import FeatureSet
from newsframe.train.model import TOKEN_PATTERN
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.pipeline import FeatureUnion, Pipeline


def hashed_members(fs: FeatureSet, n_features: int) -> list[tuple[str, HashingVectorizer]]:
    """(name, HashingVectorizer of raw counts) per vectoriser of the recipe, in the union's order."""
    common = dict(lowercase=True, n_features=n_features, alternate_sign=False, norm=None, dtype=np.float32,
                  preprocessor=get_preprocessor(fs.preprocess))
    members = []
    if fs.word_ngram:
        members.append(("word", HashingVectorizer(analyzer="word", ngram_range=fs.word_ngram, token_pattern=TOKEN_PATTERN, **common)))
    if fs.char_ngram:
        members.append(("char", HashingVectorizer(analyzer="char_wb", ngram_range=fs.char_ngram, **common)))
    return members


class DocumentFrequencies:
    """Per member, in how many documents each hashed column occurs, summed over chunks (memory: the columns)."""

    def __init__(self, names: list[str], n_features: int) -> None:
        self.counts = {name: np.zeros(n_features, dtype=np.int64) for name in names}
        self.n_documents = 0

    def add(self, counts: dict[str, sparse.csr_matrix]) -> None:
        """Count one chunk's documents (its raw count rows per member)."""
        for name, rows in counts.items():
            self.counts[name] += np.bincount(rows.indices, minlength=rows.shape[1])
        self.n_documents += next(iter(counts.values())).shape[0]

    def idf(self, name: str) -> np.ndarray:
        """Smoothed idf as ``TfidfTransformer.fit`` computes it for float32 input."""
        df = self.counts[name].astype(np.float32) + 1
        return (np.log(np.float32(self.n_documents + 1) / df) + 1).astype(np.float32)


def fitted_union(fs: FeatureSet, n_features: int, frequencies: DocumentFrequencies) -> FeatureUnion:
    """The fitted ``features`` step: each member hashes, weights by the streamed idf and l2-normalises."""
    parts = []
    for name, hasher in hashed_members(fs, n_features):
        tfidf = TfidfTransformer(sublinear_tf=fs.sublinear_tf, norm="l2")
        tfidf.idf_ = frequencies.idf(name)
        tfidf.n_features_in_ = n_features
        parts.append((name, Pipeline([("hash", hasher), ("tfidf", tfidf)])))
    union = FeatureUnion(parts)
    # FeatureUnion.fit would refit nothing that matters here, but transform checks it is fitted.
    for _, member in union.transformer_list:
        member.named_steps["hash"].fit([])
    return union


def weigh(union: FeatureUnion, counts: dict[str, sparse.csr_matrix]) -> sparse.csr_matrix:
    """``union.transform(texts)`` from the texts' cached raw counts (the analysis is not repeated)."""
    parts = [member.named_steps["tfidf"].transform(counts[name]) for name, member in union.transformer_list]
    return sparse.hstack(parts, format="csr", dtype=np.float32)
