"""Known char_wb columns of the training corpus's frequent words, worked out when a version is trained.

A process that loads a version starts with empty word caches (``fast_text.WordColumns``): the first time it meets a
word, it makes the word's padded character n-grams and probes each one in the merged vocabularies, which
dominates the first thousands of documents (a fresh ``newsframe score`` worker, a restarted server).
``SeedColumns`` ships those results, per char_wb group, for the words the training texts use at least twice, and
the group's cache is filled with them at load. A word's columns depend on the word and the vocabularies alone,
so a seeded word gets the very array the computation would give; any other word is still computed on first
sight. Saved as one int32 array with offsets rather than an array per word, so the pickle stays compact.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Iterable, Iterator

import numpy as np
from newsframe.core.fast.text import COLUMN_DTYPE

SEED_MIN_COUNT = 2  # a word in one training text only is as likely to be a one-off in new text
SEED_LIMIT = 30_000  # most frequent words kept, well under the cache's 50,000 so new words still fit


class SeedColumns:
    """A fixed list of words and each one's known columns, stored as one int32 array with offsets."""

    def __init__(self, words: list[str], offsets: np.ndarray, columns: np.ndarray) -> None:
        if len(offsets) != len(words) + 1 or (len(words) and offsets[-1] != len(columns)):
            raise ValueError("seed table: offsets do not match the words and columns")
        self.words, self.offsets, self.columns = words, offsets, columns

    def __reduce__(self) -> tuple[Any, ...]:
        return SeedColumns, (self.words, self.offsets, self.columns)

    def __len__(self) -> int:
        return len(self.words)

    def items(self) -> Iterator[tuple[str, np.ndarray]]:
        """Every word with its columns (views into one array), in table order."""
        bounds, columns = self.offsets.tolist(), self.columns
        return ((word, columns[bounds[i]:bounds[i + 1]]) for i, word in enumerate(self.words))

    @classmethod
    def build(cls, words: list[str], compute: Callable[[str], np.ndarray]) -> "SeedColumns":
        """The table of ``compute(word)`` for every word."""
        parts = [compute(word) for word in words]
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([part.size for part in parts], out=offsets[1:])
        columns = np.concatenate(parts).astype(COLUMN_DTYPE) if parts else np.empty(0, dtype=COLUMN_DTYPE)
        return cls(words, offsets, columns)


def frequent_words(texts: Iterable[Any], split: Callable[[Any], Iterable[str]], min_count: int = SEED_MIN_COUNT,
                   limit: int = SEED_LIMIT) -> list[str]:
    """Words of ``split(text)`` found in at least ``min_count`` texts, most frequent first (ties: first seen)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(set(split(text)))
    return [word for word, n in counts.most_common(limit) if n >= min_count]

