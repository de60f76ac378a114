"""The single-document fast path against the scikit-learn pipelines it replaces, and its explanations."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fast_support import EDGE_CASES, bundled_texts
from newsframe.core import text as train_text
from newsframe.core.artifacts import ModelVersion, load_version
from newsframe.core.fast.features import TF_TABLE_SIZE, sublinear_tf
from newsframe.core.fast.model import FastModel
from newsframe.core.fast.task import LOW_EVIDENCE_MIN_KNOWN, FastTask
from newsframe.core.fast.text import WORD_CACHE_LIMIT, ColumnLookup, Document
from newsframe.core.nbsvm import NBLinearSVC
from newsframe.core.text import join_text
from newsframe.serve.predictor import Predictor
from scipy import sparse
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC


@pytest.fixture(scope="module")
def model(tiny_models: Path) -> ModelVersion:
    return load_version(tiny_models)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return bundled_texts() + EDGE_CASES


Reference = dict[str, tuple[sparse.csr_array, np.ndarray]]


@pytest.fixture(scope="module")
def reference(model: ModelVersion, texts: list[str]) -> Reference:
    """Per task, the pipeline's own feature rows and probabilities for every text (computed once)."""
    out = {}
    for name, pipeline in model.pipelines.items():
        matrix = pipeline[:-1].transform(texts).tocsr()
        out[name] = (matrix, pipeline[-1].predict_proba(matrix))  # predict_proba([...]) without transforming twice
    return out


def assert_same(pipeline: Pipeline, texts: list[str], expected: tuple[sparse.csr_array, np.ndarray] | None = None) -> None:
    """Same float32 feature rows and the same probabilities (to 1e-12; in practice bit for bit)."""
    fast = FastTask.from_pipeline(pipeline)
    if expected is None:
        matrix = pipeline[:-1].transform(texts).tocsr()
        expected = (matrix, pipeline[-1].predict_proba(matrix))
    matrix, proba_expected = expected
    for i, text in enumerate(texts):
        row = fast.features(text)
        want = matrix[[i]]
        assert np.array_equal(row[0], want.indices) and np.array_equal(row[1], want.data), f"features differ for {text[:60]!r}"
        assert row[1].dtype == want.data.dtype == np.float32
        proba = fast.calibration.proba(fast.decision(row))
        assert np.abs(proba - proba_expected[i]).max() <= 1e-12, f"probabilities differ for {text[:60]!r}"
    for text in EDGE_CASES:  # the public one-call path too
        assert np.abs(fast.proba(text) - pipeline.predict_proba([text])[0]).max() <= 1e-12


def test_same_as_pipeline_on_bundled_rows_and_edge_cases(model: ModelVersion, texts: list[str], reference: Reference) -> None:
    for name, pipeline in model.pipelines.items():
        assert_same(pipeline, texts, reference[name])


def test_analyzers_are_sklearns(model: ModelVersion, texts: list[str]) -> None:
    for pipeline in model.pipelines.values():
        for member, (_, vectorizer) in zip(FastTask.from_pipeline(pipeline).union.members, pipeline[0].transformer_list):
            assert member.reimplemented
            reference = vectorizer.build_analyzer()
            for text in texts[::7] + EDGE_CASES:  # every row's features are compared exactly elsewhere
                assert member.analyze(Document(text)) == reference(text)


def testsublinear_tf_table_is_sklearns_arithmetic() -> None:
    # FastUnion looks 1 + log(tf) up in a table; sklearn computes it in place on X.data (any length, any offset).
    table = sublinear_tf(np.arange(TF_TABLE_SIZE), np.dtype(np.float32))
    for length in (1, 3, 8, 17, 100):
        for start in range(1, TF_TABLE_SIZE - length, 61):
            data = np.arange(start, start + length).astype(np.float32)
            np.log(data, data)
            data += 1.0
            assert np.array_equal(data, table[start:start + length])


def test_word_cache_stays_bounded() -> None:
    lookup = ColumnLookup("char_wb", lambda doc: doc.text.split(), [{" a": 0, "b ": 1}, {" a": 2}], (2, 2))
    words = [f"a{i}b" for i in range(WORD_CACHE_LIMIT + 10)]
    for start in range(0, len(words), 1000):
        parts = lookup.columns(Document(" ".join(words[start:start + 1000])))
        assert all(sorted(p.tolist()) == [0, 1, 2] for p in parts)  # " a" in both vocabularies, "b " in one
    assert 0 < len(lookup._words) <= WORD_CACHE_LIMIT
    # Full means the older half goes, not everything: the newest words stay cached.
    assert len(lookup._words) >= WORD_CACHE_LIMIT // 2 and words[-1] in lookup._words and words[0] not in lookup._words


def test_whitespace_regex_and_str_split_agree() -> None:
    # char_wb relies on r"\s" and str.isspace() agreeing on every code point (see char_wb_ngrams).
    space = re.compile(r"\s")
    assert all(bool(space.match(chr(c))) == chr(c).isspace() for c in range(sys.maxunicode + 1))


def test_fused_model_and_predictor_match_the_pipelines(model: ModelVersion, texts: list[str], reference: Reference) -> None:
    fused = FastModel.from_pipelines(model.pipelines)
    predictor = Predictor(model)
    assert not fused.unsupported and predictor.fast.tasks.keys() == model.pipelines.keys()
    for i, text in enumerate(texts):
        results = fused.predict(text)
        one = predictor.predict_one(text)
        for name in model.pipelines:
            assert np.abs(results[name][0] - reference[name][1][i]).max() <= 1e-12, f"{name} differs for {text[:60]!r}"
            if name in one:  # posture is folded into framing["posture"]
                assert list(one[name]["scores"].values()) == results[name][0].tolist()


PREPROCESSORS = getattr(train_text, "PREPROCESSORS", {})  # the trainer's named preprocessors, where it has them
RECIPES = {
    "isotonic": dict(word=dict(ngram_range=(1, 2), sublinear_tf=True), char=dict(analyzer="char_wb", ngram_range=(2, 5)),
                     method="isotonic"),
    "char-only": dict(char=dict(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True), method="sigmoid"),
    "bigrams-no-idf": dict(word=dict(ngram_range=(2, 3), use_idf=False), method="sigmoid"),
    "no-norm+char": dict(word=dict(ngram_range=(1, 1), norm=None, lowercase=False), char=dict(analyzer="char", ngram_range=(3, 4)),
                         method="sigmoid"),
    "accents+stop-words": dict(word=dict(strip_accents="unicode", stop_words=["the", "of"], sublinear_tf=True), method="isotonic"),
    "tokenizer+preprocessor": dict(word=dict(tokenizer=str.split, token_pattern=None),
                                   char=dict(analyzer="char_wb", preprocessor=str.upper), method="sigmoid"),
    "nbsvm": dict(word=dict(ngram_range=(1, 2), sublinear_tf=True), char=dict(analyzer="char_wb", ngram_range=(2, 5)),
                  method="sigmoid", estimator="nbsvm"),
    **{f"preprocess-{name}": dict(word=dict(ngram_range=(1, 2), preprocessor=f, sublinear_tf=True),
                                  char=dict(analyzer="char_wb", ngram_range=(2, 5), preprocessor=f), method="sigmoid")
       for name, f in PREPROCESSORS.items()},
}
LABELS = {"topic": ["Business", "Sci/Tech", "Sports", "World"], "framing": ["cautious", "confrontational"]}


@pytest.mark.parametrize("recipe", RECIPES.values(), ids=RECIPES.keys())
@pytest.mark.parametrize("task", ["topic", "framing"])
def test_other_recipes_binary_and_multiclass(recipe: dict, task: str, tiny_data: Path) -> None:
    rows = pd.read_csv(tiny_data, keep_default_na=False)
    rows["text"] = [t or join_text(h, b) for t, h, b in zip(rows["text"], rows["headline"], rows["body"])]
    rows = rows[rows[task].isin(LABELS[task])]
    union = FeatureUnion([(name, TfidfVectorizer(dtype=np.float32, **recipe[name])) for name in ("word", "char") if name in recipe])
    svm = NBLinearSVC(alpha=0.1, random_state=0) if recipe.get("estimator") == "nbsvm" else LinearSVC(random_state=0)
    clf = CalibratedClassifierCV(svm, method=recipe["method"], cv=2, ensemble=False)
    pipeline = Pipeline([("features", union), ("clf", clf)]).fit(rows["text"].tolist(), rows[task].tolist())
    assert_same(pipeline, rows["text"].tolist() + bundled_texts()[::40] + EDGE_CASES)


@pytest.mark.parametrize("task_name", ["topic", "framing"])
def test_calibration_matches_sklearn_over_extreme_decisions(model: ModelVersion, task_name: str) -> None:
    # Dense rows solved to hit chosen decision values (incl. exp overflow), scored by sklearn's own calibrator.
    calibrated = model.pipelines[task_name][-1].calibrated_classifiers_[0]
    svm, fast = calibrated.estimator, FastTask.from_pipeline(model.pipelines[task_name])
    targets = np.random.default_rng(0).normal(0, 3, (200, svm.coef_.shape[0]))
    targets = np.vstack([targets, np.full((2, svm.coef_.shape[0]), 1e4), np.full((2, svm.coef_.shape[0]), -1e4)])
    rows = (targets - svm.intercept_) @ np.linalg.pinv(svm.coef_.T)
    decisions = svm.decision_function(rows).reshape(len(rows), -1)
    expected = calibrated.predict_proba(rows)
    for decision, want in zip(decisions, expected):
        assert np.abs(fast.calibration.proba(decision.tolist()) - want).max() <= 1e-12


def test_explanations_are_exact_and_ordered(model: ModelVersion) -> None:
    for pipeline in model.pipelines.values():
        fast = FastTask.from_pipeline(pipeline)
        for text in bundled_texts()[::97] + EDGE_CASES[:6]:
            row = fast.features(text)
            svm = pipeline[-1].calibrated_classifiers_[0].estimator
            decision = svm.decision_function(pipeline[:-1].transform([text])).reshape(-1)
            for k, label in enumerate(fast.classes):
                contrib, intercept = fast.contributions(row, label)
                expected = (decision[0] if k == 1 else -decision[0]) if fast.binary else decision[k]
                assert contrib.sum() + intercept == pytest.approx(expected, abs=1e-12)
                explanation = fast.explain(text, label, top_k=5)
                toward, against = explanation["toward"], explanation["against"]
                assert len(toward) <= 5 and len(against) <= 5
                assert [t["weight"] for t in toward] == sorted((t["weight"] for t in toward), reverse=True)
                assert [t["weight"] for t in against] == sorted(t["weight"] for t in against)
                assert all(t["weight"] > 0 for t in toward) and all(t["weight"] < 0 for t in against)
                if toward:  # the strongest term is the largest contribution
                    assert toward[0]["weight"] == pytest.approx(contrib.max())
                grams = {m.name: set(m.analyze(Document(text))) for m in fast.union.members}
                assert all(t["term"] in grams[t["kind"]] for t in toward + against)  # n-grams of this very text


def test_ties_are_broken_by_term() -> None:
    texts = ["alpha beta", "gamma delta", "alpha gamma", "beta delta"] * 3
    union = FeatureUnion([("word", TfidfVectorizer(dtype=np.float32))])
    clf = CalibratedClassifierCV(LinearSVC(random_state=0), cv=2, ensemble=False)
    pipeline = Pipeline([("features", union), ("clf", clf)]).fit(texts, ["a", "b", "a", "b"] * 3)
    fast = FastTask.from_pipeline(pipeline)
    fast.coef[:] = 1.0  # equal weights: every term of a text ties
    terms = [t["term"] for t in fast.explain("delta gamma beta alpha", "b", top_k=3)["toward"]]
    assert terms == ["alpha", "beta", "delta"]


def test_explanations_are_stable(model: ModelVersion) -> None:
    text = "Russia and US resume talks on Ukraine ceasefire"
    first = Predictor(model).predict_one(text, explain=True)
    again = Predictor(model)
    for other in bundled_texts()[:300]:  # warm the word caches in between
        again.predict_one(other, explain=True)
    assert again.predict_one(text, explain=True) == first == Predictor(model).predict_one(text, explain=True)
    for name in ("topic", "framing"):  # posture, when present, is folded into framing["posture"]
        explanation = first[name]["explanation"]
        assert set(explanation) == {"toward", "against", "low_evidence", "known_terms"}
        assert all(set(t) == {"term", "kind", "weight"} for t in explanation["toward"] + explanation["against"])


@pytest.mark.parametrize("headline", ["Zzyzx", "Qwrtp vbnmz", "Shares", "Zzyzx shares", "Oil prices", "Ukraine talks"])
def test_low_evidence_on_one_or_two_word_headlines(model: ModelVersion, headline: str) -> None:
    for pipeline in model.pipelines.values():
        explanation = FastTask.from_pipeline(pipeline).explain(headline, pipeline.classes_[0])
        assert explanation["known_terms"] < LOW_EVIDENCE_MIN_KNOWN and explanation["low_evidence"] is True


def test_enough_known_words_are_not_low_evidence(model: ModelVersion) -> None:
    long_text = bundled_texts()[0]
    for pipeline in model.pipelines.values():
        explanation = FastTask.from_pipeline(pipeline).explain(long_text, pipeline.classes_[0])
        assert explanation["known_terms"] >= LOW_EVIDENCE_MIN_KNOWN and explanation["low_evidence"] is False


def test_unsupported_pipeline_falls_back_to_the_pipeline(model: ModelVersion, texts: list[str]) -> None:
    topic = model.pipelines["topic"]
    rows = texts[:200]
    other = Pipeline([("features", clone(topic[0])), ("clf", LogisticRegression(max_iter=200))]).fit(rows, topic.predict(rows))
    predictor = Predictor(ModelVersion(model.path, model.manifest, {**model.pipelines, "topic": other}))
    assert "topic" in predictor.fast.unsupported and "topic" not in predictor.fast.tasks
    one = predictor.predict_one(rows[0], explain=True)
    assert list(one["topic"]["scores"].values()) == pytest.approx(other.predict_proba(rows[:1])[0].tolist(), abs=1e-12)
    assert "explanation" not in one["topic"] and "explanation" in one["framing"]


def test_rejects_non_text(model: ModelVersion) -> None:
    fast = FastTask.from_pipeline(model.pipelines["topic"])
    with pytest.raises(TypeError):
        fast.proba(b"bytes")  # type: ignore[arg-type]
