"""Single-document TF-IDF features that reproduce a fitted ``TfidfVectorizer`` bit for bit.

``TfidfVectorizer.transform`` is built for batches: per call it validates parameters, builds the analyzer,
allocates CSR arrays and runs several sparse passes, which costs hundreds of microseconds for one headline.
``FastVectorizer`` keeps only the arithmetic, in the same order and the same dtypes as scikit-learn 1.9:

* analysis: ``doc.lower()``, then ``token_pattern.findall`` + word n-grams, or ``split()`` + padded
  character n-grams inside words (``char_wb``) — the same loops as ``_word_ngrams``/``_char_wb_ngrams``;
  any other configuration (custom analyzer, preprocessor, accents, stop words) uses ``build_analyzer()``;
* counts per known n-gram, sorted by column (``X.sort_indices()``);
* ``dtype`` arithmetic: ``log(tf) + 1`` and ``× idf`` in float32, exactly as ``TfidfTransformer.transform``;
* l2 norm as ``_inplace_csr_row_normalize_l2``: float32 squares summed left to right in double, then each
  value divided in double by ``sqrt`` of that sum and rounded back to float32; an all-zero row is left alone.

``char_wb`` n-grams of a word depend on the word alone, so each word's known columns are cached (bounded;
cleared when full). Headlines reuse words heavily, which turns the costliest step into one dict lookup per word.
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

WORD_CACHE_LIMIT = 200_000  # words per char vectoriser; a few tens of MB at most, then start afresh


class UnsupportedPipeline(ValueError):
    """The pipeline has a shape the fast path does not reproduce; callers fall back to the pipeline."""


class FastVectorizer:
    """One fitted TfidfVectorizer reduced to what a single-document transform needs."""

    def __init__(self, name: str, vectorizer: TfidfVectorizer) -> None:
        if not isinstance(vectorizer, TfidfVectorizer) or not hasattr(vectorizer, "vocabulary_"):
            raise UnsupportedPipeline(f"feature '{name}' is not a fitted TfidfVectorizer")
        if vectorizer.norm not in ("l2", None):
            raise UnsupportedPipeline(f"feature '{name}': norm={vectorizer.norm!r} (only l2 or None)")
        if vectorizer.input != "content":
            raise UnsupportedPipeline(f"feature '{name}': input={vectorizer.input!r} (only 'content')")
        self.name = name
        self.dtype = np.dtype(vectorizer.dtype)
        self.vocabulary: dict[str, int] = dict(vectorizer.vocabulary_)
        self.n_features = len(self.vocabulary)
        # idf_ keeps the fitted dtype (float32 here), so ``values *= idf`` rounds like sklearn's in-place product.
        self.idf: np.ndarray | None = np.asarray(vectorizer.idf_) if vectorizer.use_idf else None
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.l2 = vectorizer.norm == "l2"
        self.analyzer_kind = vectorizer.analyzer if isinstance(vectorizer.analyzer, str) else "custom"
        self.ngram_range: tuple[int, int] = tuple(vectorizer.ngram_range)  # type: ignore[assignment]
        self.lowercase = bool(vectorizer.lowercase)
        plain = (vectorizer.preprocessor is None and not vectorizer.strip_accents and vectorizer.tokenizer is None
                 and vectorizer.stop_words is None and self.analyzer_kind in ("word", "char_wb"))
        self._findall = re.compile(vectorizer.token_pattern).findall if self.analyzer_kind == "word" and plain else None
        self._reference: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.analyze: Callable[[str], list[str]] = self._reference
        self.exact_copy = plain  # analysis re-implemented here (else sklearn's own analyzer is called)
        self._per_word = plain and self.analyzer_kind == "char_wb"
        if plain:
            self.analyze = self._words if self.analyzer_kind == "word" else self._char_wb
        self._word_cache: dict[str, list[int]] = {}
        self._terms: np.ndarray | None = None

    # -- analysis ------------------------------------------------------------------------------------
    def prepare(self, text: str) -> str:
        """The preprocessed document (lowercased when the vectoriser lowercases)."""
        return text.lower() if self.lowercase else text

    def _words(self, text: str) -> list[str]:
        return self._word_ngrams(self._findall(self.prepare(text)))  # type: ignore[misc]

    def _word_ngrams(self, tokens: list[str]) -> list[str]:
        # Same output order as VectorizerMixin._word_ngrams (order only matters for tests; counts are sorted).
        min_n, max_n = self.ngram_range
        if max_n == 1:
            return tokens
        grams = list(tokens) if min_n == 1 else []
        n_tokens = len(tokens)
        for n in range(max(min_n, 2), min(max_n + 1, n_tokens + 1)):
            grams.extend(" ".join(tokens[i:i + n]) for i in range(n_tokens - n + 1))
        return grams

    def _char_wb(self, text: str) -> list[str]:
        grams: list[str] = []
        for word in self.prepare(text).split():
            grams.extend(self._word_char_grams(word))
        return grams

    def _word_char_grams(self, word: str) -> list[str]:
        # Mirrors _char_wb_ngrams. Its re.sub(r"\s\s+", " ") before split() changes nothing because
        # \s and str.isspace agree on every code point (checked in tests/test_fastpath.py).
        min_n, max_n = self.ngram_range
        w = " " + word + " "
        w_len = len(w)
        grams = []
        for n in range(min_n, max_n + 1):
            offset = 0
            grams.append(w[offset:offset + n])
            while offset + n < w_len:
                offset += 1
                grams.append(w[offset:offset + n])
            if offset == 0:  # a short word (w_len < n) is counted only once
                break
        return grams

    # -- counting and weighting ----------------------------------------------------------------------
    def known_columns(self, text: str) -> list[int]:
        """Column of every known n-gram occurrence in ``text`` (with repeats, unordered)."""
        vocab = self.vocabulary
        if not self._per_word:
            get = vocab.get
            return [j for j in map(get, self.analyze(text)) if j is not None]
        cache = self._word_cache
        columns: list[int] = []
        for word in self.prepare(text).split():
            known = cache.get(word)
            if known is None:
                known = [vocab[g] for g in self._word_char_grams(word) if g in vocab]
                if len(cache) >= WORD_CACHE_LIMIT:
                    cache.clear()  # bounded memory; a cold cache only costs speed, never exactness
                cache[word] = known
            columns.extend(known)
        return columns

    def transform_one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Sorted column indices and their TF-IDF values (``dtype``) — one row of ``transform([text])``."""
        columns = self.known_columns(text)
        if not columns:
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=self.dtype)
        indices, counts = np.unique(np.asarray(columns, dtype=np.intp), return_counts=True)
        values = counts.astype(self.dtype)
        if self.sublinear:
            np.log(values, out=values)
            values += 1.0
        if self.idf is not None:
            values *= self.idf[indices]
        if self.l2:
            squares = (values * values).astype(np.float64)  # float32 products, as in the Cython loop
            total = float(np.add.accumulate(squares)[-1])  # left-to-right double sum, not pairwise np.sum
            if total != 0.0:
                values = (values.astype(np.float64) / math.sqrt(total)).astype(self.dtype)
        return indices, values

    def terms(self) -> np.ndarray:
        """Feature names by column (built on first use: only explanations need them)."""
        if self._terms is None:
            names = np.empty(self.n_features, dtype=object)
            for term, column in self.vocabulary.items():
                names[column] = term
            self._terms = names
        return self._terms

    def describe(self) -> dict[str, Any]:
        """Settings, for logs and debugging."""
        return {"name": self.name, "analyzer": self.analyzer_kind, "ngram_range": list(self.ngram_range),
                "features": self.n_features, "sublinear_tf": self.sublinear, "l2": self.l2,
                "reimplemented": self.exact_copy}
