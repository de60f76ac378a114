"""Text analysis for the fast path: sklearn's n-gram loops, memoised per document, looked up per recipe group.

``word_ngrams`` and ``char_wb_ngrams`` are the loops of ``_VectorizerMixin._word_ngrams`` and ``_char_wb_ngrams``
(scikit-learn 1.9) and yield the same n-grams in the same order (tests compare them with ``build_analyzer()``).

Several vectorisers often analyse text the same way (the word and char members of topic, framing and posture
share their settings and differ only in vocabulary). ``ColumnLookup`` serves such a group: the text is analysed
once and each n-gram is probed once in a dict merged from the members' vocabularies. ``char_wb`` n-grams of a word
depend on that word alone, so a word's known columns are cached (bounded: the older half is dropped when full). Headlines reuse
words heavily, which turns the costliest step into one dict lookup per word.
"""
from __future__ import annotations

import operator
from functools import partial
from itertools import chain, islice
from typing import Any, Callable, Iterable

import numpy as np

WORD_CACHE_LIMIT = 50_000  # distinct words cached per group (about 15 MB at most); the older half goes when full
COLUMN_DTYPE = np.int32  # column numbers, as in sklearn's CSR indices; half the cache memory of int64
_known = partial(operator.is_not, None)


class Document:
    """One text plus memoised analysis steps shared by every vectoriser (and task) that reads it."""

    __slots__ = ("text", "_memo")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        self.text = text
        self._memo: dict[Any, Any] = {}

    def get(self, key: Any, make: Callable[[Any], Any], arg: Any) -> Any:
        """The memoised value for ``key``, computed as ``make(arg)`` on first use."""
        value = self._memo.get(key)
        if value is None:
            value = self._memo[key] = make(arg)
        return value

    def prepared(self, key: tuple[Any, ...], preprocess: Callable[[str], str] | None) -> str:
        """The text after a vectoriser's preprocessing, memoised per recipe ``key`` (None: text unchanged)."""
        return self.get(key, preprocess, self.text) if preprocess is not None else self.text


def word_ngrams(tokens: list[str], ngram_range: tuple[int, int], stop_words: frozenset[str] | None = None) -> list[str]:
    """Token n-grams in the order of ``_VectorizerMixin._word_ngrams`` (stop words dropped first)."""
    if stop_words:
        tokens = [w for w in tokens if w not in stop_words]
    min_n, max_n = ngram_range
    if max_n == 1:
        return tokens
    grams = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n + 1, len(tokens) + 1)):
        grams.extend(map(" ".join, zip(*[tokens[i:] for i in range(n)])))  # windows in order, joined in C
    return grams


def char_wb_ngrams(word: str, ngram_range: tuple[int, int]) -> list[str]:
    """Padded character n-grams of one whitespace-free word, as ``_char_wb_ngrams`` yields them.

    sklearn first applies ``re.sub(r"\\s\\s+", " ")`` and then ``split()``; the substitution changes nothing
    because ``\\s`` and ``str.isspace`` agree on every code point (checked in tests/test_fastpath.py).
    """
    min_n, max_n = ngram_range
    w = " " + word + " "
    w_len = len(w)
    grams: list[str] = []
    for n in range(min_n, max_n + 1):
        # sklearn's while loop takes offsets 0 .. w_len - n, and just offset 0 when the word is no longer than n,
        # after which it stops: a short word is counted once.
        grams += [w[i:i + n] for i in range(max(w_len - n, 0) + 1)]
        if w_len <= n:
            break
    return grams


class _WordColumns(dict):
    """word -> its known char_wb columns in every vocabulary of a group; computed on first sight, bounded."""

    def __init__(self, find: Callable[[list[str]], Iterable[int]], ngram_range: tuple[int, int]) -> None:
        super().__init__()
        self.find, self.ngram_range = find, ngram_range

    def __missing__(self, word: str) -> np.ndarray:
        columns = np.fromiter(self.find(char_wb_ngrams(word, self.ngram_range)), dtype=COLUMN_DTYPE)
        if len(self) >= WORD_CACHE_LIMIT:
            # Bounded memory. Dropping the first-inserted half (dicts keep insertion order) rather than everything
            # spares a long-running server a fully cold cache every 50,000 new words; a miss costs speed, never
            # exactness.
            for old in list(islice(self, WORD_CACHE_LIMIT // 2)):
                del self[old]
        self[word] = columns
        return columns


class ColumnLookup:
    """Known columns of a document for a group of vectorisers sharing one analysis recipe.

    ``analyze(doc)`` yields the n-grams (word recipes) or the whitespace-split words (``char_wb``);
    ``vocabularies`` map n-grams to final column numbers, disjoint between members. With several members the
    vocabularies are merged into one dict (n-gram -> its columns): each n-gram is probed once, not once per member,
    which matters because probing large dicts is bound by memory latency.
    """

    def __init__(self, kind: str, analyze: Callable[[Document], list[str]], vocabularies: list[dict[str, int]],
                 ngram_range: tuple[int, int]) -> None:
        self.analyze = analyze
        self.find: Callable[[list[str]], Iterable[int]]
        if len(vocabularies) == 1:
            get = vocabularies[0].get
            self.find = lambda items: filter(_known, map(get, items))
        else:
            merged: dict[str, list[int]] = {}
            for vocabulary in vocabularies:
                for term, column in vocabulary.items():
                    merged.setdefault(term, []).append(column)
            get_all = {term: tuple(columns) for term, columns in merged.items()}.get
            self.find = lambda items: chain.from_iterable(filter(None, map(get_all, items)))
        self._words = _WordColumns(self.find, ngram_range) if kind == "char_wb" else None

    def columns(self, doc: Document) -> list[np.ndarray]:
        """Arrays holding the column of every known n-gram occurrence, repeats kept, any order.

        Per-word arrays for ``char_wb`` (cached), one array for word n-grams: the union concatenates them in one
        call, which is cheaper than converting hundreds of Python ints.
        """
        items = self.analyze(doc)
        if self._words is not None:
            return list(map(self._words.__getitem__, items))
        return [np.fromiter(self.find(items), dtype=COLUMN_DTYPE)]
