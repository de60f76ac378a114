"""The compiled loops of the fast path (core/fast/_kernels.pyx, _analysis.pyx) against their Python and numpy versions."""
from __future__ import annotations

import numpy as np
import pytest
from fast_support import EDGE_CASES, bundled_texts
from newsframe.core.artifacts import ModelVersion, load_version
from newsframe.core.fast import compiled as compiled_analysis
from newsframe.core.fast import model as fastmodel
from newsframe.core.fast import text as fast_text
from newsframe.core.fast.features import TF_TABLE_SIZE
from newsframe.core.fast.model import FastModel, aligned_rows
from newsframe.core.fast.text import ColumnLookup, Document, SharedCharColumns, Vocabulary, char_wb_ngrams

WORDS = ["", "a", "ab", "abc", "abcd", "abcde", "abcdef", "naïve", "İstanbul", "東京株価", "🚀🚀", "👩🏽‍🚀", "e\u0301",
         "aaaa", "aaaaaaa", "ababab", "the", "thethe"]


@pytest.fixture(scope="module")
def model(tiny_models) -> ModelVersion:
    return load_version(tiny_models)


@pytest.fixture(scope="module")
def both(model: ModelVersion) -> tuple[FastModel, FastModel]:
    """The same fast model twice: with the compiled loops, and built while they are unavailable (analysis included)."""
    compiled = FastModel.from_pipelines(model.pipelines)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fast_text, "_kernels", None)
        patch.setattr(fastmodel, "compiled_row", None)
        patch.setattr(compiled_analysis, "_analysis", None)
        python = FastModel.from_pipelines(model.pipelines)
        python.union.lookups  # the Python lookups are built on first use: now, without the compiled probes
    return compiled, python


def test_the_installed_package_has_the_compiled_loops(both: tuple[FastModel, FastModel]) -> None:
    # The suite checks the scores of the path that runs in production: the build must have compiled the kernels.
    compiled, python = both
    assert fast_text._kernels is not None and fastmodel.compiled_row is not None and compiled_analysis.available()
    assert compiled.compiled and compiled.packed is not None and not python.compiled
    assert compiled.union.analysis is not None and not compiled.union.python_groups and python.union.analysis is None
    vocabularies = [lookup.vocabulary for lookup in compiled.union.lookups if lookup.vocabulary is not None]
    assert vocabularies and all(v.compiled for v in vocabularies)
    assert not any(lookup.vocabulary.compiled for lookup in python.union.lookups if lookup.vocabulary is not None)


def test_compiled_and_python_paths_give_the_same_rows_and_scores(both: tuple[FastModel, FastModel]) -> None:
    compiled, python = both
    long_text = "the " * (TF_TABLE_SIZE + 10)  # more occurrences than the tf table: the numpy path in both
    for text in bundled_texts() + EDGE_CASES + [long_text]:
        doc = Document(text)
        got, want = compiled._packed_row(doc), python._packed_row(Document(text))
        assert np.array_equal(got[0], want[0]) and got[0].dtype == want[0].dtype, text[:60]
        assert np.array_equal(got[1], want[1]) and got[1].dtype == want[1].dtype == np.float32, text[:60]
        assert got[2] == want[2], text[:60]  # decision values bit for bit
        numpy_only = compiled._packed_row_numpy(compiled.union.occurrences(Document(text)))
        assert np.array_equal(numpy_only[1], got[1]) and numpy_only[2] == got[2]
    for text in EDGE_CASES:
        results, expected = compiled.predict(text, explain=True), python.predict(text, explain=True)
        for task in results:
            assert results[task][0].tolist() == expected[task][0].tolist() and results[task][1] == expected[task][1]


def test_batch_scoring_equals_one_document_at_a_time(both: tuple[FastModel, FastModel]) -> None:
    # proba_many: one compiled call for analysis and rows, calibration over arrays; the python model goes doc by doc.
    compiled, python = both
    texts = bundled_texts()[::3] + EDGE_CASES + ["the " * (TF_TABLE_SIZE + 10)]  # the last one: the numpy row path
    batch, one_by_one = compiled.proba_many(texts), python.proba_many(texts)
    for task in compiled.tasks:
        assert batch[task].tobytes() == one_by_one[task].tobytes(), task
        assert batch[task].tobytes() == np.vstack([compiled.predict(t)[task][0] for t in texts]).tobytes(), task
    assert all(compiled.proba_many([])[task].shape == (0, len(compiled.tasks[task].classes)) for task in compiled.tasks)


def test_known_columns_and_char_wb_columns_match_python() -> None:
    single = {"ab": 3, " a": 7, "aa": 11, "the": 2, "🚀": 5, "é": 9, "e\u0301 ": 4}
    other = {"ab": 20, "b ": 21, "aaa": 22, " 東京": 23, "\u0301 ": 24}
    for vocabularies in ([single], [single, other]):
        fast, slow = Vocabulary(vocabularies), Vocabulary(vocabularies)
        slow.compiled = False
        items = ["ab", "zz", "aa", "ab", "b ", "", "the", "🚀"]
        assert fast.columns(items).tolist() == slow.columns(items).tolist()
        assert fast.columns(items).dtype == np.int32 and fast.columns([]).size == 0
        for word in WORDS:
            for ngram_range in ((1, 1), (2, 2), (2, 5), (1, 3), (3, 6)):
                got = fast.char_wb_columns(word, ngram_range)
                expected = [c for g in char_wb_ngrams(word, ngram_range) for c in _columns(vocabularies, g)]
                assert got.tolist() == slow.char_wb_columns(word, ngram_range).tolist() == expected, (word, ngram_range)


def test_numpy_integer_columns_are_read_too() -> None:
    # scikit-learn can leave numpy integers in vocabulary_; the compiled probes must not misread them.
    vocabularies = [{"ab": np.int64(3), " a": np.int32(7)}, {"ab": np.int64(20), "b ": 21}]
    for vocabulary in (Vocabulary(vocabularies[:1]), Vocabulary(vocabularies)):
        slow = Vocabulary(vocabularies if vocabulary.merged else vocabularies[:1])
        slow.compiled = False
        assert vocabulary.columns(["ab", "x", " a", "b "]).tolist() == slow.columns(["ab", "x", " a", "b "]).tolist()
        assert vocabulary.char_wb_columns("ab", (2, 2)).tolist() == slow.char_wb_columns("ab", (2, 2)).tolist()


def _columns(vocabularies: list[dict[str, int]], gram: str) -> list[int]:
    return [v[gram] for v in vocabularies if gram in v]


def test_shared_char_columns_give_each_group_its_own_columns() -> None:
    rng = np.random.default_rng(0)
    grams = sorted({g for word in WORDS + ["abcab", "cabbage"] for g in char_wb_ngrams(word, (2, 4))})
    columns = rng.permutation(3 * len(grams))
    # Three vocabularies over overlapping n-grams, with disjoint column numbers; groups: [0] and [1, 2].
    vocabularies = [{g: int(columns[k * len(grams) + i]) for i, g in enumerate(grams) if rng.random() < 0.6} for k in range(3)]
    shared = SharedCharColumns(vocabularies, (2, 4))
    groups = [[vocabularies[0]], vocabularies[1:]]
    split = str.split
    with_shared = [ColumnLookup("char_wb", lambda d: split(d.text), g, (2, 4), shared) for g in groups]
    alone = [ColumnLookup("char_wb", lambda d: split(d.text), g, (2, 4)) for g in groups]
    text = " ".join(WORDS + ["abcab", "cabbage", "zzz"])
    for lookup, reference in zip(with_shared, alone):
        got = np.sort(np.concatenate(lookup.columns(Document(text))))
        assert got.tolist() == np.sort(np.concatenate(reference.columns(Document(text)))).tolist()
        mine = {c for v in (groups[0] if lookup is with_shared[0] else groups[1]) for c in v.values()}
        assert got.size and set(got.tolist()) <= mine
    assert len(shared.words) > 0  # new words went through the shared pass


def test_aligned_rows_start_on_a_cache_line() -> None:
    for width in (1, 3, 7, 8, 9, 13):
        rows = aligned_rows(1000, width)
        assert rows.ctypes.data % 64 == 0 and rows.shape[1] >= width
        assert rows.shape[1] in (1, 2, 4) or rows.shape[1] % 8 == 0  # a row never straddles two cache lines
        assert rows.flags.c_contiguous and not rows.any()
