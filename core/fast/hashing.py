"""The hashed recipe in the fast path: its pipeline shape (``member_parts``), ``HashingVectorizer``'s column of an
n-gram in Python, the lookup of hashed groups, and the names of hashed columns in explanations.

The compiled analysis (``_analysis.HashSpace``) computes the same columns in C; this module is what runs without
it, and what names hashed columns in explanations (a hashed model keeps no vocabulary, so a column is named by the
document's own n-grams that hash to it). ``murmurhash3_32`` is MurmurHash3_x86_32 as scikit-learn's
``murmurhash3_32`` computes it (tests/test_fast_analysis.py compares them), written out so that scoring does not
import scikit-learn.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from newsframe.core.fast.features import FastUnion, FastVectorizer
    from newsframe.core.fast.text import Document

_MASK = 0xFFFFFFFF


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & _MASK


def murmurhash3_32(key: bytes, seed: int = 0) -> int:
    """Signed 32-bit MurmurHash3_x86_32 of ``key``."""
    c1, c2 = 0xCC9E2D51, 0x1B873593
    h, n = seed & _MASK, len(key)
    tail = n - n % 4
    for i in range(0, tail, 4):
        k = int.from_bytes(key[i:i + 4], "little")
        h ^= _rotl((k * c1) & _MASK, 15) * c2 & _MASK
        h = (_rotl(h, 13) * 5 + 0xE6546B64) & _MASK
    if n % 4:
        k = int.from_bytes(key[tail:], "little")
        h ^= _rotl((k * c1) & _MASK, 15) * c2 & _MASK
    h ^= n
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


def hash_column(term: str, n_features: int) -> int:
    """The column ``HashingVectorizer(n_features=n_features)`` gives ``term`` (seed 0, UTF-8 bytes)."""
    h = murmurhash3_32(term.encode("utf-8"))
    if h == -(1 << 31):  # scikit-learn's definition of abs(-2**31) % n_features
        return (2147483647 - (n_features - 1)) % n_features
    return abs(h) % n_features


def member_parts(name: str, member: Any) -> tuple[Any, Any, int]:
    """(the vectoriser that analyses, the object with the tf-idf settings and ``idf_``, hashed width or 0) of a union
    member: a fitted ``TfidfVectorizer``, or ``Pipeline([HashingVectorizer, TfidfTransformer])`` (the hashed recipe:
    raw counts, ``alternate_sign=False``, ``norm=None``, then TF-IDF with an ``idf_`` of the counts' dtype).
    ValueError says why a member is neither."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
    from sklearn.pipeline import Pipeline

    if isinstance(member, TfidfVectorizer) and hasattr(member, "vocabulary_"):
        return member, member, 0
    steps = [step for _, step in member.steps] if isinstance(member, Pipeline) else []
    if len(steps) == 2 and isinstance(steps[0], HashingVectorizer) and isinstance(steps[1], TfidfTransformer):
        hasher, tfidf = steps
        if hasher.alternate_sign or hasher.norm is not None or hasher.binary:
            raise ValueError(f"feature '{name}': HashingVectorizer needs alternate_sign=False, norm=None, binary=False")
        if tfidf.use_idf and (not hasattr(tfidf, "idf_") or np.asarray(tfidf.idf_).dtype != np.dtype(hasher.dtype)):
            raise ValueError(f"feature '{name}': TfidfTransformer has no idf_ of the counts' dtype")
        return hasher, tfidf, int(hasher.n_features)
    raise ValueError(f"feature '{name}' is neither a fitted TfidfVectorizer nor HashingVectorizer + TfidfTransformer")


class HashedLookup:
    """A group of hashed members with one recipe: every n-gram occurrence gives one column per member.

    The Python counterpart of a compiled group with a ``HashSpace``; it has the ``ColumnLookup`` interface the
    union uses (``columns``) and no word cache (``char_wb`` is False: nothing to seed).
    """

    char_wb = False

    def __init__(self, members: list[FastVectorizer]) -> None:
        self.members = members
        self.n_features = members[0].hash_features
        self.offsets = np.array([m.offset for m in members], dtype=np.int32)

    def columns(self, doc: Document) -> list[np.ndarray]:
        """The column of every n-gram occurrence in every member, unsorted."""
        grams = self.members[0].analyze(doc)
        found = np.fromiter((hash_column(g, self.n_features) for g in grams), dtype=np.int32, count=len(grams))
        return [(found[None, :] + self.offsets[:, None]).ravel()]


def name_hashed(terms: list[dict[str, Any]], union: FastUnion, doc: Document) -> None:
    """Fill in explanation terms of hashed columns (``term`` None; ``column`` from ``union.start``, then dropped)
    with the document's n-grams that hash there."""
    members = {m.name: m for m in union.members}
    for term in terms:
        if term["term"] is None:
            member = members[term["kind"]]
            term["term"] = member.hashed_terms(doc).get(term["column"] - (member.offset - union.start), "?")
    for term in terms:
        term.pop("column", None)
