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
from typing import TYPE_CHECKING, Any, Callable, Iterable

import numpy as np

if TYPE_CHECKING:
    from newsframe.core.fast.seed import SeedColumns

try:
    from newsframe.core.fast import _kernels
except ImportError:  # not compiled (a source tree used without installing): the Python loops below, same results
    _kernels = None

WORD_CACHE_LIMIT = 50_000  # distinct words cached per group (about 15 MB at most); the older half goes when full
SHARED_WORD_LIMIT = 4_096  # new words kept by SharedCharColumns, enough for the groups of one request batch to meet them
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


class Vocabulary:
    """One or several disjoint vocabularies (n-gram -> final column), probed once per n-gram.

    Several are merged into one dict (n-gram -> tuple of its columns), so each n-gram is probed once, not once per
    vocabulary: probing large dicts is bound by memory latency. The probing loops are compiled (``_kernels``);
    without the compiled module the same lookups run through ``map`` and ``np.fromiter``.
    """

    def __init__(self, vocabularies: list[dict[str, int]]) -> None:
        self.table: dict[str, Any]
        self.merged = len(vocabularies) > 1
        if not self.merged:
            self.table, self.per_item = vocabularies[0], 1
        else:
            merged: dict[str, list[int]] = {}
            for vocabulary in vocabularies:
                for term, column in vocabulary.items():
                    merged.setdefault(term, []).append(column)
            self.table = {term: tuple(columns) for term, columns in merged.items()}
            self.per_item = max(map(len, self.table.values()), default=1)
        self.compiled = _kernels is not None

    def columns(self, items: list[str]) -> np.ndarray:
        """int32 columns of every known item, repeats kept, in item order."""
        if self.compiled:
            return _kernels.known_columns(items, self.table, self.per_item)
        return np.fromiter(self._find(items), dtype=COLUMN_DTYPE)

    def char_wb_columns(self, word: str, ngram_range: tuple[int, int]) -> np.ndarray:
        """``columns(char_wb_ngrams(word, ngram_range))``."""
        if self.compiled:
            return _kernels.char_wb_columns(word, ngram_range[0], ngram_range[1], self.table, self.per_item)
        return np.fromiter(self._find(char_wb_ngrams(word, ngram_range)), dtype=COLUMN_DTYPE)

    def _find(self, items: list[str]) -> Iterable[int]:
        if not self.merged:
            return filter(_known, map(self.table.get, items))
        return chain.from_iterable(filter(None, map(self.table.get, items)))


class WordColumns(dict):
    """word -> its known char_wb columns, computed by ``compute`` on first sight; bounded to ``limit`` words."""

    def __init__(self, compute: Callable[[str], np.ndarray], limit: int = WORD_CACHE_LIMIT) -> None:
        super().__init__()
        self.compute, self.limit = compute, limit

    def __missing__(self, word: str) -> np.ndarray:
        columns = self.compute(word)
        if len(self) >= self.limit:
            # Bounded memory. Dropping the first-inserted half (dicts keep insertion order) rather than everything
            # spares a long-running server a fully cold cache every 50,000 new words; a miss costs speed, never
            # exactness.
            for old in list(islice(self, self.limit // 2)):
                del self[old]
        self[word] = columns
        return columns


class SharedCharColumns:
    """Known char_wb columns of new words for several recipe groups with one ``ngram_range`` (e.g. topic and framing).

    The groups split text into mostly the same words, and each group meets a new word in the same document. So a
    new word's n-grams are made once and probed once in a dict merged from every group's vocabularies; each group
    keeps the columns that are its own (``group_columns``), which costs two small numpy calls instead of a second
    n-gram pass and probe. The words seen here last are kept, briefly: only the group caches need to hold them.
    """

    def __init__(self, vocabularies: list[dict[str, int]], ngram_range: tuple[int, int]) -> None:
        vocabulary = Vocabulary(vocabularies)
        self.n_columns = 1 + max((max(v.values()) for v in vocabularies if v), default=-1)
        self.words = WordColumns(partial(vocabulary.char_wb_columns, ngram_range=ngram_range), limit=SHARED_WORD_LIMIT)

    def group_columns(self, vocabularies: list[dict[str, int]]) -> Callable[[str], np.ndarray]:
        """``compute(word)`` for one group's ``WordColumns``: the word's columns in the group's vocabularies."""
        mine = np.zeros(self.n_columns, dtype=bool)
        for vocabulary in vocabularies:
            mine[np.fromiter(vocabulary.values(), dtype=np.intp, count=len(vocabulary))] = True
        words = self.words

        def compute(word: str) -> np.ndarray:
            columns = words[word]
            return columns.compress(mine.take(columns))
        return compute


class ColumnLookup:
    """Known columns of a document for a group of vectorisers sharing one analysis recipe.

    ``analyze(doc)`` yields the n-grams (word recipes) or the whitespace-split words (``char_wb``);
    ``vocabularies`` map n-grams to final column numbers, disjoint between members. A ``char_wb`` group caches each
    word's columns; ``shared``, when given, computes a new word's columns together with other groups; ``seed``
    (``fast_seed.SeedColumns``, saved with the version) fills the cache with frequent training words up front.
    """

    def __init__(self, kind: str, analyze: Callable[[Document], list[str]], vocabularies: list[dict[str, int]],
                 ngram_range: tuple[int, int], shared: SharedCharColumns | None = None,
                 seed: SeedColumns | None = None) -> None:
        self.analyze = analyze
        self._words: WordColumns | None = None
        self.vocabulary: Vocabulary | None = None
        if kind != "char_wb":
            self.vocabulary = Vocabulary(vocabularies)
        elif shared is not None:
            self._words = WordColumns(shared.group_columns(vocabularies))
        else:
            self._words = WordColumns(partial(Vocabulary(vocabularies).char_wb_columns, ngram_range=ngram_range))
        self.char_wb = self._words is not None
        if seed is not None:
            self.add_seed(seed)

    def add_seed(self, seed: SeedColumns) -> None:
        """Put a seed's words in the cache (char_wb groups): known before the first document, no n-grams made."""
        assert self._words is not None, "word columns exist for char_wb groups only"
        self._words.update(seed.items())

    def word_columns(self, word: str) -> np.ndarray:
        """A word's columns computed afresh (char_wb groups), as the cache would hold them."""
        assert self._words is not None, "word columns exist for char_wb groups only"
        return self._words.compute(word)

    def columns(self, doc: Document) -> list[np.ndarray]:
        """Arrays holding the column of every known n-gram occurrence, repeats kept, any order.

        Per-word arrays for ``char_wb`` (cached), one array for word n-grams: the union concatenates them in one
        call, which is cheaper than converting hundreds of Python ints.
        """
        items = self.analyze(doc)
        if self._words is not None:
            return list(map(self._words.__getitem__, items))
        assert self.vocabulary is not None
        return [self.vocabulary.columns(items)]
