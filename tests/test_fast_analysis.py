"""The compiled text analysis (core/fast/_analysis.pyx) against scikit-learn's analyzers and pipelines.

Python's ``str.lower()`` and ``re``'s ``\\w`` are the reference: every code point's class, tricky Unicode, and
pipelines trained here on a small fixture (word + char_wb features, registered preprocessors, vocabulary and hashed
recipes) give the same feature rows and probabilities, bit for bit, compiled and in the Python fallback.
"""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fast_support import EDGE_CASES, bundled_texts
from newsframe.core import text as core_text
from newsframe.core.artifacts import load_version
from newsframe.core.fast import _analysis
from newsframe.core.fast import compiled as compiled_analysis
from newsframe.core.fast.hashing import hash_column, murmurhash3_32
from newsframe.core.fast.model import FastModel
from newsframe.core.fast.task import FastTask
from newsframe.core.fast.text import Document
from newsframe.core.nbsvm import NBLinearSVC
from newsframe.core.text import join_text
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils import murmurhash3_32 as sklearn_murmurhash

TRICKY = [
    "", " ", "\t\n\r\x0b\x0c", "\u00a0\u2003\u3000", "a", "ab", "_", "__", "a_b c__d", "__init__ self_test x_1",
    "2024 10 3.14 1,000 ٣٤٥ ²³ ½ Ⅻ ⅻ 〇 一二三", "𝒜𝓁𝓅𝒽𝒶 𝕏𝔸 𝐁𝐎𝐋𝐃 🚀🚀 👩🏽‍🚀 🇺🇦 𓀀𓀁", "e\u0301 a\u0308o n\u0303a ok\u0301",
    "İSTANBUL İstanbul ıI iİ", "STRASSE Straße ẞ ß ẞẞ", "ΟΔΥΣΣΕΥΣ ΣΑΣ Σ ς σ", "ǅ ǈ ǋ ﬁ ﬀ ŉ", "Ⓐ ⓐ ᾈ ᾼ",
    "zero\u200bwidth join\u200dx soft\u00adhyphen", "x" * 3000, "long " + "ab" * 700 + " tail", "مرحبا بالعالم",
    "東京株価 上昇", "a\x1cb\x1dc\x1ed\x1ff\x85g\u2028h\u2029i", "dash—dash–dash", "'quoted' \"double\" n't don't",
    "lone \ud800 surrogate \udfff end", "MiXeD CaSe WORDS words Words",
]


def words_and_chars(texts: list[str], labels: list[str], preprocessor=None, hashed: int = 0, **word) -> Pipeline:
    """A small word (1, 2) + char_wb (2, 5) pipeline fitted on ``texts`` (vocabulary or hashed members)."""
    common = dict(dtype=np.float32, preprocessor=preprocessor, sublinear_tf=True)
    if hashed:
        def member(**kw):
            hasher = HashingVectorizer(n_features=hashed, alternate_sign=False, norm=None, dtype=np.float32,
                                       preprocessor=preprocessor, **kw)
            return Pipeline([("hash", hasher), ("tfidf", TfidfTransformer(sublinear_tf=True))])
        parts = [("word", member(ngram_range=(1, 2), **word)), ("char", member(analyzer="char_wb", ngram_range=(2, 5)))]
    else:
        parts = [("word", TfidfVectorizer(ngram_range=(1, 2), **word, **common)),
                 ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common))]
    clf = CalibratedClassifierCV(NBLinearSVC(alpha=0.1, random_state=0), method="sigmoid", cv=2, ensemble=False)
    return Pipeline([("features", FeatureUnion(parts)), ("clf", clf)]).fit(texts, labels)


@pytest.fixture(scope="module")
def fixture_rows(tiny_data: Path) -> tuple[list[str], list[str]]:
    rows = pd.read_csv(tiny_data, keep_default_na=False)
    rows = rows[rows["topic"] != ""]
    texts = [t or join_text(h, b) for t, h, b in zip(rows["text"], rows["headline"], rows["body"])]
    labels = rows["topic"].tolist()
    # The tricky texts are in the training data too, so their n-grams are in the vocabularies.
    return texts + TRICKY, labels + [labels[i % len(labels)] for i in range(len(TRICKY))]


def assert_exact(pipeline: Pipeline, texts: list[str], python: bool = False) -> None:
    """Compiled (or, with ``python``, the fallback) fast path == the pipeline, rows and probabilities, bit for bit."""
    with pytest.MonkeyPatch.context() as patch:
        if python:
            patch.setenv(compiled_analysis.SWITCH, "python")
        fast = FastTask.from_pipeline(pipeline)
        assert bool(fast.union.compiled_groups) is not python and bool(fast.union.python_groups) is python
        matrix, proba = pipeline[:-1].transform(texts).tocsr(), pipeline.predict_proba(texts)
        for i, text in enumerate(texts):
            indices, values = fast.features(text)
            want = matrix[[i]]
            assert indices.tolist() == want.indices.tolist(), f"columns differ for {text[:40]!r}"
            assert values.tobytes() == want.data.astype(np.float32).tobytes(), f"values differ for {text[:40]!r}"
            assert fast.proba(text).tobytes() == proba[i].tobytes(), f"probabilities differ for {text[:40]!r}"


def test_every_code_point_is_classified_as_re_and_str_split_do() -> None:
    word, space = re.compile(r"\w"), re.compile(r"\s")
    for c in range(sys.maxunicode + 1):
        ch = chr(c)
        assert _analysis.word_char(c) == bool(word.match(ch)), hex(c)
        assert _analysis.space_char(c) == ch.isspace() == bool(space.match(ch)), hex(c)


@pytest.mark.parametrize("kind,ngram_range", [("word", (1, 1)), ("word", (1, 2)), ("word", (2, 3)), ("char_wb", (1, 1)),
                                              ("char_wb", (2, 5)), ("char_wb", (3, 6)), ("char_wb", (5, 7))])
@pytest.mark.parametrize("lowercase", [True, False])
def test_occurrences_are_sklearns_ngrams(kind: str, ngram_range: tuple[int, int], lowercase: bool) -> None:
    texts = TRICKY + bundled_texts()[::50]
    vectorizer = TfidfVectorizer(analyzer=kind, ngram_range=ngram_range, lowercase=lowercase).fit(texts)
    vocabulary, analyze = vectorizer.vocabulary_, vectorizer.build_analyzer()
    group = (_analysis.WORD if kind == "word" else _analysis.CHAR_WB, ngram_range, _analysis.NgramTable([vocabulary]))
    for analyzer in (_analysis.Analyzer([group]), _analysis.Analyzer([group], cache_limit=8)):  # a tiny word cache too
        for text in texts + EDGE_CASES:
            got = analyzer.occurrences([text.lower() if lowercase else text]).tolist()
            assert got == sorted(vocabulary[g] for g in analyze(text) if g in vocabulary), text[:40]


def test_tables_merge_vocabularies_and_the_word_cache_refills() -> None:
    one, two = {"ab": 1, " a": 5, "🚀": 7}, {"ab": 9, "e\u0301": 3, "\ud800x": 4}
    table = _analysis.NgramTable([one, two])
    assert table.columns_of("ab") == [1, 9] and table.columns_of("🚀") == [7] and table.columns_of("\ud800x") == [4]
    assert table.columns_of("a") == [] and table.columns_of("") == [] and table.n_keys == 5 and table.per_key == 2
    analyzer = _analysis.Analyzer([(_analysis.CHAR_WB, (1, 2), table)], cache_limit=4)
    text = " ".join(f"ab{i}" for i in range(50))
    for _ in range(3):
        assert analyzer.occurrences([text]).tolist() == [1] * 50 + [5] * 50 + [9] * 50  # " a", "ab" in every word
    words, hits, misses, resets = analyzer.cache_stats()[0]
    assert words <= 4 and resets > 0 and misses >= 150
    with pytest.raises(ValueError):
        _analysis.Analyzer([(_analysis.WORD, (2, 1), table)])


def test_murmurhash_and_hashed_columns_are_sklearns() -> None:
    rng = random.Random(0)
    keys = [bytes(rng.randrange(256) for _ in range(rng.randrange(12))) for _ in range(3000)] + ["é 🚀".encode()]
    for key in keys:
        assert _analysis.murmurhash(key) == murmurhash3_32(key) == sklearn_murmurhash(key, 0)
    hasher = HashingVectorizer(n_features=37, alternate_sign=False, norm=None, analyzer=lambda text: [text])
    for term in ["a", "ab", " the ", "naïve", "東京", "🚀🚀"] + [str(i) for i in range(200)]:
        assert hasher.transform([term]).indices.tolist() == [hash_column(term, 37)], term


@pytest.mark.parametrize("preprocess", [None, *core_text.PREPROCESSORS])
def test_pipelines_with_preprocessors_are_reproduced_bit_for_bit(fixture_rows: tuple[list[str], list[str]],
                                                               preprocess: str | None) -> None:
    texts, labels = fixture_rows
    pipeline = words_and_chars(texts, labels, core_text.get_preprocessor(preprocess))
    assert_exact(pipeline, texts + EDGE_CASES + bundled_texts()[::200])


def test_case_kept_and_other_token_patterns(fixture_rows: tuple[list[str], list[str]]) -> None:
    texts, labels = fixture_rows
    assert_exact(words_and_chars(texts, labels, lowercase=False), texts + EDGE_CASES)
    other = words_and_chars(texts, labels, token_pattern=r"(?u)\b\w+\b")  # not the compiled pattern: word group in Python
    fast = FastTask.from_pipeline(other)
    assert [fast.union.groups[i][0].kind for i in fast.union.python_groups] == ["word"]
    for text in texts[::3] + EDGE_CASES:
        assert fast.proba(text).tobytes() == other.predict_proba([text])[0].tobytes()


@pytest.mark.parametrize("python", [False, True], ids=["compiled", "python"])
@pytest.mark.parametrize("preprocess", [None, "headline2+cues"])
def test_hashed_recipe_is_reproduced_bit_for_bit(fixture_rows: tuple[list[str], list[str]], python: bool,
                                                 preprocess: str | None) -> None:
    texts, labels = fixture_rows
    texts, labels = texts[:-len(TRICKY)], labels[:-len(TRICKY)]  # sklearn cannot hash lone surrogates (strict UTF-8)
    tricky = [t for t in TRICKY if "\ud800" not in t]
    pipeline = words_and_chars(texts + tricky, labels + labels[:len(tricky)], core_text.get_preprocessor(preprocess),
                               hashed=1 << 12)  # small: columns collide, and collisions must sum as sklearn's do
    assert_exact(pipeline, texts + tricky + EDGE_CASES[:-3] + bundled_texts()[::300], python=python)
    explanation = FastTask.from_pipeline(pipeline).explain("Oil prices rise as OPEC cuts output", "Business")
    assert all(isinstance(t["term"], str) and t["term"] for t in explanation["toward"] + explanation["against"])


def test_fast_model_compiled_equals_python_fallback_on_every_bundled_row(tiny_models: Path) -> None:
    pipelines = load_version(tiny_models).pipelines
    compiled = FastModel.from_pipelines(pipelines)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(compiled_analysis.SWITCH, "python")
        python = FastModel.from_pipelines(pipelines)
    assert compiled.union.analysis is not None and not compiled.union.python_groups
    assert python.union.analysis is None and python.union.python_groups
    for text in bundled_texts() + EDGE_CASES + TRICKY:
        assert compiled.union.occurrences(Document(text)).tolist() == python.union.occurrences(Document(text)).tolist()


@pytest.mark.parametrize("method", ["sigmoid", "isotonic"])
@pytest.mark.parametrize("n_classes", [2, 4, 9])
def test_batch_calibration_equals_one_document_at_a_time(fixture_rows: tuple[list[str], list[str]], method: str,
                                                         n_classes: int) -> None:
    texts = fixture_rows[0][:-len(TRICKY)]
    labels = [f"c{i % n_classes}" for i in range(len(texts))]
    clf = CalibratedClassifierCV(LinearSVC(random_state=0), method=method, cv=2, ensemble=False)
    pipeline = Pipeline([("features", FeatureUnion([("word", TfidfVectorizer(dtype=np.float32))])), ("clf", clf)])
    calibration = FastTask.from_pipeline(pipeline.fit(texts, labels)).calibration
    outputs = 1 if n_classes == 2 else n_classes
    decisions = np.vstack([np.random.default_rng(0).normal(0, 3, (300, outputs)), np.full((2, outputs), 1e4),
                           np.full((2, outputs), -1e4), np.zeros((1, outputs))])
    expected = np.vstack([calibration.proba(row) for row in decisions.tolist()])
    assert calibration.proba_many(decisions).tobytes() == expected.tobytes()


def test_threads_scoring_at_once_get_their_own_results(tiny_models: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    fast = FastModel.from_pipelines(load_version(tiny_models).pipelines)
    texts = bundled_texts()[::4]
    parts = [texts[i::4] for i in range(4)]
    expected = [fast.proba_many(part) for part in parts]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            got = list(pool.map(fast.proba_many, parts))
            for want, have in zip(expected, got):
                assert all(want[task].tobytes() == have[task].tobytes() for task in fast.tasks)


def test_streaming_trainings_hashed_pipeline_is_reproduced(fixture_rows: tuple[list[str], list[str]]) -> None:
    # The shape newsframe.train.streaming publishes: hashed TF-IDF union (idf_ from streamed document frequencies)
    # + CalibratedClassifierCV(FittedLinear) fitted on held-out decision values; built here as it builds it.
    from newsframe.core.linear import FittedLinear
    from newsframe.train.config import HEADLINE_CUES
    from newsframe.train.hashed import DocumentFrequencies, fitted_union, hashed_members
    from newsframe.train.sgd import calibrate

    texts, labels = fixture_rows
    texts, labels = texts[:-len(TRICKY)], np.array(labels[:-len(TRICKY)])
    members = hashed_members(HEADLINE_CUES, 1 << 14)
    frequencies = DocumentFrequencies([name for name, _ in members], 1 << 14)
    frequencies.add({name: hasher.transform(texts) for name, hasher in members})
    union = fitted_union(HEADLINE_CUES, 1 << 14, frequencies)
    classes = np.unique(labels)
    coef = np.random.default_rng(0).normal(0, 1, (len(classes), 2 << 14))
    estimator = FittedLinear(classes, coef, np.linspace(-0.5, 0.5, len(classes)))
    clf = calibrate(estimator, lambda: iter([(union.transform(texts), labels)]), "sigmoid")
    pipeline = Pipeline([("features", union), ("clf", clf)])
    assert_exact(pipeline, texts + [t for t in TRICKY if "\ud800" not in t] + bundled_texts()[::300])
