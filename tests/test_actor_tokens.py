"""The actor path's shortcuts against what they stand in for: compiled tokenisers vs their Python versions, the
one-sentence shortcut vs Bling Fire, and the framing+posture fast model vs the whole one."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from newsframe.core.actors import roles, segment, verbcue
from newsframe.core.actors.matcher import _STRAIGHTEN, normalise
from newsframe.core.actors.roles import tokenize, tokenize_python
from newsframe.core.actors.verbcue import sentence_tokens, sentence_tokens_python
from newsframe.serve.predictor import Predictor

EDGE = ["Dr. Jones met U.S. officials.", "İstanbul's mayor", "naïve café’s talks", "a\u00a0b\u2003c", "x_y z__",
        "e\u0301t\u00e9", "ß straße STRASSE", "U.S.A.. ok", "...", "'S", "Russia’S troops", "a.b.c.", "ﬁnance",
        "١٢٣ ٤", "ǅemal ǅemal", "🚀 US 🚀", "", "   ", "Kremlin's and NATO’s", "it's U.N.-backed"]


@pytest.fixture(scope="module")
def lines() -> list[str]:
    frame = pd.read_csv("data/topic/ag_news.csv", dtype=str, keep_default_na=False)
    text_columns = [c for c in frame.columns if frame[c].str.len().mean() > 20][:2]
    return [line for c in text_columns for value in frame[c].tolist() for line in value.split("\n")] + EDGE


def test_the_installed_package_has_the_compiled_tokenisers() -> None:
    assert roles.compiled is not None and verbcue.compiled is not None


def test_compiled_tokenisers_give_the_python_tokens(lines: list[str]) -> None:
    spans = [(0, 5, True), (3, 4, False), (20, 31, True)]
    for line in lines:
        assert tokenize(line, spans) == tokenize_python(line, spans), line
        assert sentence_tokens(line) == sentence_tokens_python(line), line
    assert tokenize("Yemen rejected a U.S. request", [(17, 21, True)])[3].mention == 0


def test_one_sentence_lines_are_what_bling_fire_returns(lines: list[str]) -> None:
    eligible = [line for line in lines if line.strip() and segment.one_sentence(line)]
    assert len(eligible) > 1000  # most headlines
    for line in eligible:
        assert segment.blingfire_offsets(line) == [(0, len(line))], line
    assert not segment.one_sentence("Talks fail. Fighting resumes") and not segment.one_sentence("a  b")


def test_normalise_fast_path_matches_translation(lines: list[str]) -> None:
    for line in lines + ["`quoted` text"]:
        assert normalise(line) == line.translate(_STRAIGHTEN).upper() or not line.isascii(), line
    assert normalise("`x`") == "'X'"


def test_framing_posture_model_scores_as_the_whole_model(tiny_models) -> None:
    predictor = Predictor.load(tiny_models)
    texts = ["Russia rejected the U.S. demands and threatened sanctions.", "China called for calm talks.", "Goal!"]
    whole = predictor.predict_proba(texts)
    tasks = tuple(t for t in ("framing", "posture") if t in predictor.model.tasks)
    some = predictor.predict_proba(texts, tasks)
    assert set(some) == set(tasks)
    if len(tasks) == len(predictor.fast.tasks) - 1:
        assert predictor.fast_model(tasks) is not predictor.fast  # the topic's analysis is left out
    for task in tasks:
        assert np.array_equal(whole[task], some[task])
