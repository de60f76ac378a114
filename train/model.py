"""Per-task scikit-learn pipelines (TF-IDF features + calibrated linear classifier) and their CV search."""
from __future__ import annotations

import math
import tempfile
from dataclasses import asdict
from typing import Any, Callable

import numpy as np
from newsframe.core.errors import DataError
from newsframe.core.nbsvm import NBLinearSVC
from newsframe.core.text import get_preprocessor
from newsframe.train.config import FeatureSet, TaskConfig, TrainConfig
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

# Vectorisers share one tokenisation so the serving fast path can mirror it exactly.
TOKEN_PATTERN = r"(?u)\b\w\w+\b"


def build_features(fs: FeatureSet) -> FeatureUnion:
    """The TF-IDF feature union for one feature recipe (float32 keeps memory and dot products small).

    A named ``fs.preprocess`` becomes each vectoriser's ``preprocessor`` (it lowercases itself).
    """
    parts = []
    common = dict(lowercase=True, sublinear_tf=fs.sublinear_tf, min_df=fs.min_df, max_features=fs.max_features, dtype=np.float32,
                  preprocessor=get_preprocessor(fs.preprocess))
    if fs.word_ngram:
        parts.append(("word", TfidfVectorizer(analyzer="word", ngram_range=fs.word_ngram, token_pattern=TOKEN_PATTERN, **common)))
    if fs.char_ngram:
        parts.append(("char", TfidfVectorizer(analyzer="char_wb", ngram_range=fs.char_ngram, **common)))
    return FeatureUnion(parts)


def uses_nb(task: TaskConfig) -> bool:
    """Whether the task's search includes naive-Bayes feature scaling (then every candidate is an NBLinearSVC)."""
    return any(alpha is not None for alpha in task.nb_alpha)


def build_classifier(task: TaskConfig, seed: int, C: float = 1.0, class_weight: str | None = None,
                     nb_alpha: float | None = None) -> CalibratedClassifierCV:
    """A linear SVM (on NB-scaled features when ``nb_alpha`` is set) calibrated into probabilities on internal folds.

    ``ensemble=False`` keeps one linear model (fitted on all rows) plus one calibrator per class, so a
    prediction is a single sparse dot product: cheap, and simple to reproduce exactly in the fast path.
    ``NBLinearSVC`` with ``alpha=None`` fits a plain LinearSVC, so a task whose grid mixes both uses it throughout.
    """
    estimator = (NBLinearSVC(C=C, alpha=nb_alpha, class_weight=class_weight, random_state=seed)
                 if uses_nb(task) or nb_alpha is not None else LinearSVC(C=C, class_weight=class_weight, random_state=seed))
    return CalibratedClassifierCV(
        estimator,
        method=task.calibration,
        cv=StratifiedKFold(task.calibration_folds),
        ensemble=False,
    )


def build_pipeline(task: TaskConfig, seed: int, fs: FeatureSet, C: float, class_weight: str | None, memory: str | None = None,
                   nb_alpha: float | None = None) -> Pipeline:
    """One task's full pipeline: raw text in, calibrated class probabilities out."""
    return Pipeline([("features", build_features(fs)), ("clf", build_classifier(task, seed, C, class_weight, nb_alpha))],
                    memory=memory)


def min_examples_per_class(config: TrainConfig, task: TaskConfig) -> int:
    """Fewest examples a class needs to survive the held-out split, the CV folds and the calibration folds."""
    return math.ceil(task.calibration_folds * config.cv_folds / (config.cv_folds - 1) / (1 - config.test_size)) + 1


def check_classes(name: str, labels: list[str], config: TrainConfig, source: str) -> None:
    """Refuse a task with fewer than two classes or a class too small to split, naming the class."""
    values, counts = np.unique(np.asarray(labels, dtype=object), return_counts=True)
    if len(values) < 2:
        raise DataError(source, f"task '{name}' needs at least 2 classes, found {len(values)} ({', '.join(map(str, values)) or 'no rows'})")
    need = min_examples_per_class(config, config.tasks[name])
    small = [f"'{v}' has {c}" for v, c in zip(values, counts) if c < need]
    if small:
        raise DataError(source, f"task '{name}': each class needs at least {need} examples; {'; '.join(small)}")


def search(name: str, texts: list[str], labels: list[str], config: TrainConfig, log: Callable[[str], None]) -> tuple[Pipeline, dict[str, Any]]:
    """Choose features, C and class weights by stratified CV macro-F1; return the refitted best pipeline."""
    task = config.tasks[name]
    with tempfile.TemporaryDirectory(prefix="newsframe-cache-") as cache:
        # The cache lets every C value reuse the fold's fitted vectoriser instead of re-tokenising.
        pipeline = build_pipeline(task, config.seed, task.feature_sets[0], task.C[0], task.class_weight[0], memory=cache,
                                  nb_alpha=task.nb_alpha[0])
        grid = {
            "features": [build_features(fs) for fs in task.feature_sets],
            "clf__estimator__C": list(task.C),
            "clf__estimator__class_weight": list(task.class_weight),
        }
        if uses_nb(task):
            grid["clf__estimator__alpha"] = list(task.nb_alpha)
        cv = StratifiedKFold(config.cv_folds, shuffle=True, random_state=config.seed)
        gs = GridSearchCV(pipeline, grid, scoring="f1_macro", cv=cv, n_jobs=1, refit=True, error_score="raise")
        gs.fit(texts, labels)
        best_fs = task.feature_sets[_feature_index(gs.best_params_["features"], task)]
    results = []
    for i, params in enumerate(gs.cv_results_["params"]):
        results.append({
            "features": task.feature_sets[_feature_index(params["features"], task)].name,
            "C": params["clf__estimator__C"],
            "class_weight": params["clf__estimator__class_weight"],
            "nb_alpha": params.get("clf__estimator__alpha"),
            "cv_macro_f1": round(float(gs.cv_results_["mean_test_score"][i]), 4),
            "cv_macro_f1_std": round(float(gs.cv_results_["std_test_score"][i]), 4),
        })
    chosen = {"features": asdict(best_fs), "C": gs.best_params_["clf__estimator__C"],
              "class_weight": gs.best_params_["clf__estimator__class_weight"],
              "nb_alpha": gs.best_params_.get("clf__estimator__alpha"), "cv_macro_f1": round(float(gs.best_score_), 4)}
    log(f"  {name}: best {best_fs.name} C={chosen['C']} class_weight={chosen['class_weight']} nb_alpha={chosen['nb_alpha']} "
        f"cv macro-F1={chosen['cv_macro_f1']:.4f}")
    pipeline = gs.best_estimator_
    pipeline.memory = None  # the cache directory is gone; the fitted steps stay
    return pipeline, {"search_space": results, "chosen": chosen, "cv_folds": config.cv_folds, "scoring": "f1_macro"}


def _feature_index(features: FeatureUnion, task: TaskConfig) -> int:
    for i, fs in enumerate(task.feature_sets):
        if _same(build_features(fs), features):
            return i
    raise AssertionError("feature union not in search space")


def _same(a: FeatureUnion, b: FeatureUnion) -> bool:
    return [(n, t.get_params()) for n, t in a.transformer_list] == [(n, t.get_params()) for n, t in b.transformer_list]


def fit_chosen(name: str, texts: list[str], labels: list[str], config: TrainConfig, chosen: dict[str, Any]) -> Pipeline:
    """Fit the chosen configuration on the given rows (used to refit on all data after evaluation)."""
    task = config.tasks[name]
    fs = next(f for f in task.feature_sets if f.name == chosen["features"]["name"])
    return build_pipeline(task, config.seed, fs, chosen["C"], chosen["class_weight"],
                          nb_alpha=chosen.get("nb_alpha")).fit(texts, labels)
