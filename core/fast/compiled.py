"""Which analysis groups of a ``FastUnion`` run compiled (``_analysis``), and running them in one call per document.

A group (vectorisers with equal recipes, see ``FastVectorizer.recipe``) runs compiled when its recipe is one the
compiled tokeniser reproduces: ``char_wb``, or ``word`` with the token pattern ``(?u)\\b\\w\\w+\\b`` and no stop
words; its n-grams find their columns in a vocabulary (``NgramTable``) or, for hashed members, by MurmurHash3
(``HashSpace``). The preprocessing (``str.lower`` or the vectoriser's preprocessor) stays a Python call, memoised per
document (``Document.prepared``), so any preprocessor is exact: its output is what the compiled loops read. Other
recipes (custom analyzers or tokenizers, ``analyzer="char"``, another token pattern, stop words) keep the Python
lookups of ``fast_text``. Without the compiled module every group does.

``NEWSFRAME_FAST_ANALYSIS=python`` in the environment turns the compiled analysis off (same results, slower): for
comparisons, and as a switch should a platform's build misbehave.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from newsframe.core.fast.features import FastVectorizer
    from newsframe.core.fast.text import Document

try:
    from newsframe.core.fast import _analysis
except ImportError:  # not compiled (a source tree used without installing): fast_text's Python lookups
    _analysis = None

WORD_PATTERNS = frozenset({r"(?u)\b\w\w+\b", r"\b\w\w+\b"})  # equal on str patterns: re is Unicode-aware by default
SWITCH = "NEWSFRAME_FAST_ANALYSIS"


def available() -> bool:
    """Whether the compiled analysis is built and not switched off."""
    return _analysis is not None and os.environ.get(SWITCH, "compiled") != "python"


def compilable(member: FastVectorizer) -> bool:
    """Whether the compiled loops reproduce this vectoriser's n-grams (from its prepared text)."""
    if not member.reimplemented:
        return False
    if member.kind == "char_wb":
        return True
    return member.kind == "word" and member.token_pattern in WORD_PATTERNS and not member.stop_words


class CompiledAnalysis:
    """The compiled groups of a union: one ``NgramTable`` per group, all analysed by one ``Analyzer`` call."""

    def __init__(self, groups: list[list[FastVectorizer]], shared: CompiledAnalysis | None = None) -> None:
        """``shared``: another analysis whose tables of the same member groups are used, not built again."""
        assert _analysis is not None
        self.groups = groups
        self.heads = [group[0] for group in groups]  # members of a group prepare and split text alike
        built = {} if shared is None else {tuple(map(id, g)): table for g, table in zip(shared.groups, shared.tables)}
        self.tables = [built.get(tuple(map(id, group))) or self._table(group) for group in groups]
        kinds = [_analysis.CHAR_WB if head.kind == "char_wb" else _analysis.WORD for head in self.heads]
        self.analyzer = _analysis.Analyzer([(kind, head.ngram_range, table)
                                            for kind, head, table in zip(kinds, self.heads, self.tables)])

    @staticmethod
    def _table(group: list[FastVectorizer]) -> Any:
        assert _analysis is not None
        if group[0].hash_features:
            return _analysis.HashSpace(group[0].hash_features, [m.offset for m in group])
        return _analysis.NgramTable([m.columns for m in group])

    def occurrences(self, doc: Document) -> np.ndarray:
        """int32 column of every known n-gram occurrence of the document in these groups, unsorted."""
        return self.analyzer.occurrences([head.prepared(doc) for head in self.heads])

    def prepared_lists(self, texts: list[str]) -> list[list[str]]:
        """Per group, every text after the group's preprocessing (each preprocessing run once per text)."""
        done: dict[Any, list[str]] = {}
        for head in self.heads:
            if head.prep_key not in done:
                done[head.prep_key] = texts if head.preprocess is None else list(map(head.preprocess, texts))
        return [done[head.prep_key] for head in self.heads]

    @property
    def nbytes(self) -> int:
        """Memory of the vocabulary tables."""
        return sum(getattr(table, "nbytes", 0) for table in self.tables)
