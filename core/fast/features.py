"""Single-document TF-IDF rows that reproduce fitted ``TfidfVectorizer``s of a ``FeatureUnion`` bit for bit.

``FeatureUnion.transform`` is built for batches: per call it validates, builds analyzers, allocates CSR arrays and
runs several sparse passes — hundreds of microseconds for one headline. ``FastUnion`` keeps only the arithmetic,
in the order and dtypes of scikit-learn 1.9 (sklearn/feature_extraction/text.py, utils/sparsefuncs_fast.pyx):

* analysis (``compiled``: the compiled loops of ``_analysis``; else ``fast_text``'s Python ones): the preprocessor
  (``doc.lower()`` by default; a custom preprocessor or accent stripping is called as sklearn's
  ``build_preprocessor()`` returns it), then ``token_pattern.findall``, stop words and word n-grams, or ``split()``
  and space-padded character n-grams inside each word (``char_wb``); a custom analyzer or tokenizer, or
  ``analyzer="char"``, calls the vectoriser's own ``build_analyzer()`` (exact, slower);
* counts per known n-gram (a hashed member, ``HashingVectorizer`` + ``TfidfTransformer``: per hashed column, so
  colliding n-grams add up as in ``sum_duplicates``), columns ascending (``X.sort_indices()``; the union stacks
  members side by side);
* ``TfidfTransformer.transform`` in the vectoriser dtype (float32 here): ``log(tf) + 1``, then ``* idf``;
* l2 per member (``_inplace_csr_row_normalize_l2``): float32 squares summed in double, each value divided in double
  by the square root and rounded to float32. Every tf-idf value is >= 1 (tf >= 1, idf >= 1), so each square is a
  float32 >= 1 whose double sum stays exact below 2**30: summation order cannot change it, which lets one
  ``bincount`` sum every member of every task at once.

A ``FastUnion`` can hold the members of several tasks (numbered one after the other), so ``FastModel`` scores all
tasks of a document in one pass.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable, Iterable

import numpy as np

if TYPE_CHECKING:  # scikit-learn is needed to build a fast path, not to run one loaded from a version's fast.pickle
    from sklearn.feature_extraction.text import TfidfVectorizer

from newsframe.core.fast import compiled as compiled_analysis
from newsframe.core.fast.compiled import CompiledAnalysis
from newsframe.core.fast.hashing import HashedLookup, hash_column, member_parts
from newsframe.core.fast.seed import SeedColumns, frequent_words
from newsframe.core.fast.text import COLUMN_DTYPE, ColumnLookup, Document, SharedCharColumns, char_wb_ngrams, word_ngrams

TF_TABLE_SIZE = 4096


def sublinear_tf(counts: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``log(tf) + 1`` in ``dtype``: int -> float32 -> log -> + 1, as ``TfidfTransformer.transform``."""
    with np.errstate(divide="ignore"):  # log(0) only ever fills the unused slot 0 of the table
        values = np.log(counts, dtype=dtype)
    values += 1.0
    return values


class UnsupportedPipeline(ValueError):
    """The pipeline has a shape the fast path does not reproduce; callers keep using the pipeline."""


class FastVectorizer:
    """One fitted TfidfVectorizer (or hashed member): its analysis recipe, vocabulary (numbered from ``offset``) and
    weights. A hashed member has no vocabulary: its columns are ``offset + hash_column(n-gram, hash_features)``."""

    def __init__(self, name: str, member: TfidfVectorizer | Any, offset: int) -> None:
        try:
            vectorizer, weights, self.hash_features = member_parts(name, member)
        except ValueError as exc:
            raise UnsupportedPipeline(str(exc)) from None
        if weights.norm not in ("l2", None) or vectorizer.input != "content":
            raise UnsupportedPipeline(f"feature '{name}': norm={weights.norm!r}, input={vectorizer.input!r}")
        self.name, self.offset = name, offset
        self.dtype = np.dtype(vectorizer.dtype)
        self.n_features = self.hash_features or len(vectorizer.vocabulary_)
        # Vocabulary in final numbering, so lookups need no per-call offset arithmetic.
        # Python ints (sklearn may store numpy integers), which the compiled lookups read directly.
        self.columns = {} if self.hash_features else {t: int(j) + offset for t, j in vectorizer.vocabulary_.items()}
        use_idf = hasattr(weights, "idf_") if self.hash_features else weights.use_idf  # as each transform decides
        idf = np.asarray(weights.idf_) if use_idf else np.ones(self.n_features)
        self.idf = idf.astype(self.dtype)  # fitted dtype already; 1.0 without idf is an exact no-op multiply
        self.sublinear, self.l2 = bool(weights.sublinear_tf), weights.norm == "l2"
        self.kind = vectorizer.analyzer if isinstance(vectorizer.analyzer, str) else "custom"
        self.ngram_range: tuple[int, int] = (int(vectorizer.ngram_range[0]), int(vectorizer.ngram_range[1]))
        # Custom analyzers and tokenizers, and analyzer="char", keep sklearn's analyzer (exact, slower).
        self.reimplemented = vectorizer.tokenizer is None and self.kind in ("word", "char_wb")
        self._analyzer = vectorizer.build_analyzer()
        if vectorizer.preprocessor is None and not vectorizer.strip_accents:
            # sklearn's default preprocessing is ``doc.lower()`` (or nothing); str.lower skips a partial() call.
            self._prep_key: tuple[Any, ...] = ("lower",) if vectorizer.lowercase else ("raw",)
            self._prep: Callable[[str], str] | None = str.lower if vectorizer.lowercase else None
        else:  # a custom preprocessor (it replaces lowercasing) or accent stripping: sklearn's own function
            self._prep_key = ("pre", id(vectorizer.preprocessor), repr(vectorizer.strip_accents), bool(vectorizer.lowercase))
            self._prep = vectorizer.build_preprocessor()
        stop = vectorizer.get_stop_words() if self.kind == "word" else None
        self._stop = frozenset(stop) if stop else None
        self._pattern = vectorizer.token_pattern
        self._findall = re.compile(vectorizer.token_pattern).findall if self.kind == "word" and self.reimplemented else None
        # Members with equal recipes analyse a text identically (and share one ColumnLookup in a FastUnion).
        self.recipe: tuple[Any, ...] = ((self.kind, self.ngram_range, self._prep_key, self._pattern, self._stop,
                                         self.hash_features) if self.reimplemented else ("sklearn", id(self)))
        self._split_key, self._tokens_key = ("split", self._prep_key), ("tokens", self._prep_key, self._pattern)
        self._terms: np.ndarray | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Only reimplemented recipes can be saved: sklearn's own analyzer would drag the vectoriser along.
        if not self.reimplemented:
            raise UnsupportedPipeline(f"feature '{self.name}' uses scikit-learn's analyzer; it cannot be saved without it")
        state = dict(self.__dict__)
        state.update(_analyzer=None, _findall=None, _terms=None)  # rebuilt on load or on first use
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.setdefault("hash_features", 0)  # saved before hashed members existed
        self.__dict__.update(state)
        if self.kind == "word":
            self._findall = re.compile(self._pattern).findall

    def analyze(self, doc: Document) -> list[str]:
        """The n-grams sklearn's analyzer yields for the document (word n-grams memoised per recipe)."""
        if not self.reimplemented:
            return list(self._analyzer(doc.text))
        if self.kind == "word":
            return self.lookup_items(doc)
        return [g for word in self.lookup_items(doc) for g in char_wb_ngrams(word, self.ngram_range)]

    def lookup_items(self, doc: Document) -> list[str]:
        """What ``ColumnLookup`` looks up: n-grams, or for ``char_wb`` the text's words (memoised per recipe)."""
        if not self.reimplemented:
            return list(self._analyzer(doc.text))
        prepared = doc.prepared(self._prep_key, self._prep)
        if self.kind == "char_wb":
            return doc.get(self._split_key, str.split, prepared)
        tokens = doc.get(self._tokens_key, self._findall, prepared)
        return doc.get(self.recipe, self._ngrams, tokens)

    def _ngrams(self, tokens: list[str]) -> list[str]:
        return word_ngrams(tokens, self.ngram_range, self._stop)

    def prepared(self, doc: Document) -> str:
        """The document's text after this vectoriser's preprocessing (memoised per preprocessing)."""
        return doc.prepared(self._prep_key, self._prep)

    @property
    def prep_key(self) -> tuple[Any, ...]:
        """Equal for vectorisers that preprocess text alike."""
        return self._prep_key

    @property
    def preprocess(self) -> Callable[[str], str] | None:
        """The preprocessing function (None: the text as it is)."""
        return self._prep

    @property
    def token_pattern(self) -> str | None:
        return self._pattern

    @property
    def stop_words(self) -> frozenset[str] | None:
        return self._stop

    def hashed_terms(self, doc: Document) -> dict[int, str]:
        """Column (counted from ``offset``) -> the document's n-grams that hash there, joined by " | " (hashed)."""
        names: dict[int, list[str]] = {}
        for gram in sorted(set(self.analyze(doc))):
            names.setdefault(hash_column(gram, self.hash_features), []).append(gram)
        return {column: " | ".join(grams) for column, grams in names.items()}

    def terms(self) -> np.ndarray:
        """Feature names by column - ``offset`` (built on first use: only explanations need them); None for hashed
        columns, which are named from the document explained (``hashed_terms``)."""
        if self._terms is None:
            names = np.empty(self.n_features, dtype=object)
            for term, column in self.columns.items():
                names[column - self.offset] = term
            self._terms = names
        return self._terms


class FastUnion:
    """Contiguous ``FastVectorizer``s (one union, or the unions of several tasks): one document in, one row out."""

    def __init__(self, members: list[FastVectorizer], seeds: dict[int, SeedColumns] | None = None,
                 shared: FastUnion | None = None) -> None:
        """``shared``: a union with some of the same member groups, whose compiled tables this one uses."""
        if not members or len({m.dtype for m in members}) != 1:
            raise UnsupportedPipeline("feature union is empty or mixes dtypes")
        if any(a.offset + a.n_features != b.offset for a, b in zip(members, members[1:])):
            raise UnsupportedPipeline("members are not numbered contiguously")
        self.members = members
        self.start = members[0].offset
        self.n_features = sum(m.n_features for m in members)
        self.dtype = members[0].dtype
        groups: dict[tuple[Any, ...], list[FastVectorizer]] = {}
        for member in members:
            groups.setdefault(member.recipe, []).append(member)
        self.seeds = dict(seeds or {})
        self.groups = list(groups.values())
        self._lookups: list[ColumnLookup | HashedLookup] | None = None  # the Python lookups, built when first needed
        # Groups the compiled loops reproduce run there (all in one call); the others through ``lookups``.
        self.compiled_groups = [i for i, group in enumerate(self.groups) if compiled_analysis.compilable(group[0])]
        if not compiled_analysis.available():
            self.compiled_groups = []
        self._analysis: CompiledAnalysis | None = None  # built on first use: a task's own union often never scores
        self._shared = shared
        self.python_groups = [i for i in range(len(self.groups)) if i not in self.compiled_groups]
        # Per-column lookups (indexed by column - start) replace per-member loops with one gather each.
        self.idf = np.concatenate([m.idf for m in members])
        self.segment = np.repeat(np.arange(len(members), dtype=np.intp), [m.n_features for m in members])
        self.all_sublinear = all(m.sublinear for m in members)
        self.sublinear = np.repeat([m.sublinear for m in members], [m.n_features for m in members])
        self.unnormalised = np.array([not m.l2 for m in members])
        self.any_unnormalised = bool(self.unnormalised.any())
        # 1 + log(tf) for every count below the table size (a count never exceeds the n-grams found), computed by
        # the same float32 ufuncs as sklearn's in-place ``np.log(X.data)`` + 1, so one ``take`` replaces two calls.
        self.tf_table = sublinear_tf(np.arange(TF_TABLE_SIZE), self.dtype)

    @property
    def analysis(self) -> CompiledAnalysis | None:
        """The compiled analysis of the compiled groups (None when there are none)."""
        if self._analysis is None and self.compiled_groups:
            shared = self._shared.analysis if self._shared is not None else None
            self._analysis = CompiledAnalysis([self.groups[i] for i in self.compiled_groups], shared)
        return self._analysis

    @property
    def lookups(self) -> list[ColumnLookup | HashedLookup]:
        """The Python lookups of every group (``fast_text``), by group number: built on first use, as groups that run
        compiled need none (explanations and seeding at training use them)."""
        if self._lookups is None:
            self._lookups = self.build_lookups(self.groups, self.seeds)
        return self._lookups

    @staticmethod
    def build_lookups(groups: list[list[FastVectorizer]], seeds: dict[int, SeedColumns]) -> list[ColumnLookup | HashedLookup]:
        """One ``ColumnLookup`` per recipe group (``seeds`` by group number; hashed groups: ``HashedLookup``);
        char_wb groups with equal n-gram ranges share new-word work."""
        def char_wb(group: list[FastVectorizer]) -> bool:
            return group[0].reimplemented and group[0].kind == "char_wb" and not group[0].hash_features
        by_range: dict[tuple[int, int], list[list[FastVectorizer]]] = {}
        for group in filter(char_wb, groups):
            by_range.setdefault(group[0].ngram_range, []).append(group)
        shared = {ngram_range: SharedCharColumns([m.columns for g in same for m in g], ngram_range)
                  for ngram_range, same in by_range.items() if len(same) > 1}
        return [HashedLookup(group) if group[0].hash_features else
                ColumnLookup("char_wb" if char_wb(group) else "ngrams", group[0].lookup_items, [m.columns for m in group],
                             group[0].ngram_range, shared.get(group[0].ngram_range) if char_wb(group) else None,
                             seeds.get(i) if char_wb(group) else None)
                for i, group in enumerate(groups)]

    def seed_words(self, texts: Iterable[str]) -> None:
        """Work out the columns of the words ``texts`` (the training texts) use often, per char_wb group, and keep
        them as seeds: saved with the union, and in its caches from the start."""
        texts = list(texts)
        for i, lookup in enumerate(self.lookups):
            if lookup.char_wb:
                words = frequent_words(texts, lambda text, lookup=lookup: lookup.analyze(Document(text)))
                self.seeds[i] = SeedColumns.build(words, lookup.word_columns)
                lookup.add_seed(self.seeds[i])

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its members and seeds; the lookups (merged dicts, word caches) are rebuilt on load.
        return FastUnion, (self.members, self.seeds)

    def count_one(self, doc: Document) -> tuple[np.ndarray, np.ndarray, int]:
        """Ascending known columns (counted from ``start``) of the document, how often each occurs, and the total."""
        return self.counts(self.occurrences(doc))

    def counts(self, ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        """``count_one`` from the document's ``occurrences`` (consumed: shifted in place)."""
        # Small-array numpy calls cost more in overhead than in work, so each step below is one call over the
        # whole row (all members, all tasks), and ``take`` replaces fancy indexing (several times cheaper).
        n = ordered.size
        if n == 0:
            return ordered, np.empty(0, dtype=np.intp), 0
        if self.start:
            ordered -= self.start
        new = np.empty(n + 1, dtype=bool)  # where runs of equal columns start: unique columns and their counts
        new[0] = new[n] = True
        np.not_equal(ordered[1:], ordered[:-1], out=new[1:n])
        runs = new.nonzero()[0]  # (np.flatnonzero and np.diff are Python wrappers around these calls)
        return ordered.take(runs[:-1]), runs[1:] - runs[:-1], n

    def occurrences(self, doc: Document) -> np.ndarray:
        """The column of every known n-gram occurrence of the document, ascending, repeats kept (not from ``start``)."""
        parts: list[np.ndarray] = []
        if self.analysis is not None:
            parts.append(self.analysis.occurrences(doc))  # ascending already
            if not self.python_groups:
                return parts[0]
        for i in self.python_groups:
            parts += self.lookups[i].columns(doc)
        if not parts:
            return np.empty(0, dtype=COLUMN_DTYPE)
        ordered = np.concatenate(parts)  # a new array, so sorting in place leaves the cached parts alone
        ordered.sort()
        return ordered

    def tf(self, counts: np.ndarray, total: int) -> np.ndarray:
        """``log(tf) + 1`` of every count (all members sublinear), in the vectoriser dtype; no count exceeds ``total``."""
        return self.tf_table.take(counts) if total < self.tf_table.size else sublinear_tf(counts, self.dtype)

    def transform_one(self, doc: Document) -> tuple[np.ndarray, np.ndarray]:
        """Ascending columns (counted from ``start``) and their values: row 0 of ``transform([doc.text])``."""
        indices, counts, total = self.count_one(doc)
        if indices.size == 0:
            return indices, np.empty(0, dtype=self.dtype)
        if self.all_sublinear:
            values = self.tf(counts, total)
        else:
            values = np.where(self.sublinear.take(indices), sublinear_tf(counts, self.dtype), counts.astype(self.dtype))
        values *= self.idf.take(indices)
        segment = self.segment.take(indices)
        norms = np.sqrt(np.bincount(segment, weights=values * values, minlength=len(self.members)))
        if self.any_unnormalised:
            norms[self.unnormalised] = 1.0
        return indices, (values / norms.take(segment)).astype(self.dtype)  # float64 quotient rounded to float32
