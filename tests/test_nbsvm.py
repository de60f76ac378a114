"""NBLinearSVC: naive-Bayes-scaled features, folded back into one linear model; its place in the config and search."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from newsframe.core.errors import ConfigError
from newsframe.core.nbsvm import NBLinearSVC, log_count_ratio
from newsframe.core.text import join_text
from newsframe.train.config import TaskConfig, load_config
from newsframe.train.model import build_pipeline
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ag() -> tuple[list[str], np.ndarray]:
    rows = pd.read_csv(REPO / "data/topic/ag_news.csv", keep_default_na=False).iloc[:1200]
    return [join_text(h, b) for h, b in zip(rows["headline"], rows["body"])], rows["topic"].to_numpy()


@pytest.fixture(scope="module")
def features(ag: tuple[list[str], np.ndarray]):
    return TfidfVectorizer(sublinear_tf=True, dtype=np.float32).fit_transform(ag[0])


def test_ratio_favours_the_terms_of_the_class() -> None:
    from scipy import sparse
    X = sparse.csr_matrix(np.array([[1.0, 0.0, 1.0], [2.0, 0.0, 1.0], [0.0, 3.0, 1.0]]))
    r = log_count_ratio(X, np.array([True, True, False]), alpha=1.0)
    assert r[0] > 0 > r[1] and r[0] > r[2] > r[1]  # only-in-class > shared > only-outside


def test_coefficients_are_the_scaled_svm_folded_back(features, ag) -> None:
    y = ag[1]
    model = NBLinearSVC(C=0.1, alpha=0.1, random_state=0).fit(features, y)
    assert model.coef_.shape == (4, features.shape[1]) and list(model.classes_) == sorted(set(y))
    assert model.coef_.T.flags.c_contiguous  # X @ coef_.T then needs no copy of the weights per call
    for k, label in enumerate(model.classes_):
        r = log_count_ratio(features, y == label, 0.1)
        scaled = LinearSVC(C=0.1, random_state=0).fit(features.multiply(r).tocsr(), y == label)
        want = scaled.decision_function(features.multiply(r).tocsr())
        assert np.allclose(model.decision_function(features)[:, k], want, atol=1e-9)
    assert (model.predict(features) == y).mean() > 0.9  # fits its training rows


def test_binary_has_one_output_for_the_second_class(features, ag) -> None:
    y = np.where(ag[1] == "Sports", "Sports", "other")
    model = NBLinearSVC(alpha=0.5, random_state=0).fit(features, y)
    assert model.coef_.shape == (1, features.shape[1]) and list(model.classes_) == ["Sports", "other"]
    assert ((model.decision_function(features) > 0) == (y == "other")).mean() > 0.95


def test_alpha_none_is_a_plain_linear_svc(features, ag) -> None:
    plain = LinearSVC(C=0.3, random_state=0).fit(features, ag[1])
    model = NBLinearSVC(C=0.3, alpha=None, random_state=0).fit(features, ag[1])
    assert np.array_equal(model.coef_, plain.coef_) and np.array_equal(model.intercept_, plain.intercept_)


def test_bad_alpha_and_single_class_are_refused(features, ag) -> None:
    with pytest.raises(ValueError, match="alpha"):
        NBLinearSVC(alpha=0.0).fit(features, ag[1])
    with pytest.raises(ValueError, match="2 classes"):
        NBLinearSVC().fit(features, np.full(features.shape[0], "World"))


def test_config_reads_nb_alpha(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[tasks.topic]\nnb_alpha = ["none", 0.1]\n')
    assert load_config(path).tasks["topic"].nb_alpha == (None, 0.1)
    for bad in ('nb_alpha = [0]', 'nb_alpha = ["x"]', 'nb_alpha = []', 'nb_alpha = [true]'):
        path.write_text(f"[tasks.topic]\n{bad}\n")
        with pytest.raises(ConfigError, match="nb_alpha"):
            load_config(path)


def test_pipeline_uses_nb_only_where_the_task_asks(ag) -> None:
    fs = TaskConfig().feature_sets[0]
    plain = build_pipeline(TaskConfig(), 0, fs, 0.3, None)
    nb = build_pipeline(TaskConfig(nb_alpha=(None, 0.1)), 0, fs, 0.3, None, nb_alpha=0.1)
    assert type(plain[-1].estimator) is LinearSVC and type(nb[-1].estimator) is NBLinearSVC
    assert nb[-1].estimator.alpha == 0.1
    nb.fit(*ag)
    assert nb.predict_proba(ag[0][:5]).shape == (5, 4)
