"""The fast path saved with each version (``fast.pickle``): same probabilities, loaded without scikit-learn."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
from newsframe.core.artifacts import LATEST, MANIFEST, load_version, sha256_file
from newsframe.core.errors import ArtifactError
from newsframe.core.fast.model import FAST_FILE, FastModel, read_fast_model, write_fast_model
from newsframe.serve.predictor import Predictor
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC
from test_fastpath import EDGE_CASES, bundled_texts


def rewrite_manifest(version: Path, change: Callable[[dict[str, Any]], Any]) -> None:
    manifest = json.loads((version / MANIFEST).read_text())
    change(manifest)
    (version / MANIFEST).write_text(json.dumps(manifest))


def test_training_writes_the_fast_path_and_load_uses_it(tiny_models: Path) -> None:
    manifest = json.loads((tiny_models / LATEST / MANIFEST).read_text())
    assert manifest["fast"]["file"] == FAST_FILE and manifest["fast"]["tasks"] == ["topic", "framing", "posture"]
    assert FAST_FILE in manifest["files"]
    predictor = Predictor.load(tiny_models)
    texts = bundled_texts() + EDGE_CASES
    probabilities = predictor.predict_proba(texts)
    assert not predictor.model.pipelines_loaded  # scored without unpickling a pipeline
    for task, pipeline in predictor.model.pipelines.items():
        assert np.abs(probabilities[task] - pipeline.predict_proba(texts)).max() <= 1e-12, task
    built = FastModel.from_pipelines(predictor.model.pipelines)
    for text in texts[::5]:
        saved, fresh = predictor.fast.predict(text, explain=True), built.predict(text, explain=True)
        for task in saved:
            assert saved[task][0].tolist() == fresh[task][0].tolist() and saved[task][1] == fresh[task][1]


def test_saved_fast_path_starts_with_frequent_training_words_known(tiny_models: Path) -> None:
    union = Predictor.load(tiny_models).fast.union
    fresh = FastModel.from_pipelines(load_version(tiny_models).pipelines).union  # built without texts: no seeds
    char_groups = [i for i, lookup in enumerate(union.lookups) if lookup.char_wb]
    assert char_groups and sorted(union.seeds) == char_groups and not fresh.seeds
    for i in char_groups:
        seed, cache = union.seeds[i], union.lookups[i]._words
        assert len(seed) > 100 and len(cache) == len(seed)  # in the cache before any document was scored
        for word, columns in seed.items():
            assert word in cache and cache[word].tolist() == columns.tolist()
            assert columns.tolist() == fresh.lookups[i].word_columns(word).tolist(), word


def test_frequent_words_need_two_texts_and_come_most_frequent_first() -> None:
    from newsframe.core.fast.seed import SeedColumns, frequent_words

    texts = ["talks talks resume", "talks resume now", "talks once"]
    assert frequent_words(texts, str.split) == ["talks", "resume"]  # "talks" twice in one text counts once
    assert frequent_words(texts, str.split, min_count=1, limit=3) == ["talks", "resume", "now"]
    table = SeedColumns.build(["ab", "c"], lambda w: np.arange(len(w), dtype=np.int32))
    assert [(w, c.tolist()) for w, c in table.items()] == [("ab", [0, 1]), ("c", [0])]
    with pytest.raises(ValueError):
        SeedColumns(["a"], np.array([0, 1, 2]), np.arange(2, dtype=np.int32))


def test_a_scoring_process_never_imports_scikit_learn(tiny_models: Path) -> None:
    code = ("import sys; from newsframe.serve.predictor import Predictor; p = Predictor.load(sys.argv[1]); "
            "p.score_frame(['Leaders agree to resume peace talks'], scores=True); "
            "p.predict_one('Rebels reject ceasefire and shell the capital', explain=True); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy', 'joblib'}))")
    out = subprocess.run([sys.executable, "-c", code, str(tiny_models)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version_without_fast_file_builds_the_fast_path(version_copy: Path) -> None:
    (version_copy / FAST_FILE).unlink()

    def drop(manifest: dict) -> None:
        del manifest["fast"], manifest["files"][FAST_FILE]

    rewrite_manifest(version_copy, drop)
    predictor = Predictor.load(version_copy)
    assert predictor.model.pipelines_loaded and not predictor.fast.unsupported
    text = "Leaders agree to resume peace talks"
    assert predictor.predict_proba([text])["framing"][0].tolist() == predictor.model.pipelines["framing"].predict_proba([text])[0].tolist()


def test_fast_file_of_another_format_is_ignored(version_copy: Path) -> None:
    rewrite_manifest(version_copy, lambda m: m["fast"].update(format="newsframe-fast/0"))
    assert read_fast_model(load_version(version_copy, lazy=True)) is None
    assert Predictor.load(version_copy).model.pipelines_loaded


def test_tampered_or_mismatched_fast_file_is_refused(version_copy: Path) -> None:
    path = version_copy / FAST_FILE
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ArtifactError, match=r"fast.pickle: sha256 does not match"):
        Predictor.load(version_copy)
    path.write_bytes(b"not a pickle")
    rewrite_manifest(version_copy, lambda m: m["files"].update({FAST_FILE: sha256_file(path)}))
    with pytest.raises(ArtifactError, match=r"fast.pickle: cannot be loaded"):
        Predictor.load(version_copy)


def test_a_recipe_needing_sklearns_analyzer_is_not_saved(tmp_path: Path) -> None:
    # analyzer="char" keeps scikit-learn's own analyzer in the fast path: it scores, but cannot be saved without it.
    texts = ["talks resume", "troops attack", "leaders agree", "rebels reject"] * 3
    union = FeatureUnion([("char", TfidfVectorizer(analyzer="char", ngram_range=(2, 3), dtype=np.float32))])
    clf = CalibratedClassifierCV(LinearSVC(random_state=0), cv=2, ensemble=False)
    pipeline = Pipeline([("features", union), ("clf", clf)]).fit(texts, ["c", "x", "c", "x"] * 3)
    assert not FastModel.from_pipelines({"framing": pipeline}).unsupported
    assert write_fast_model({"framing": pipeline}, tmp_path) is None and not (tmp_path / FAST_FILE).exists()
