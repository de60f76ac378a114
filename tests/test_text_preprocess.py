"""Registered text preprocessors: what they do, and that a FeatureSet can name one (and only a known one)."""
from __future__ import annotations

import pickle

import pytest
from newsframe.core.errors import ConfigError
from newsframe.core.text import PREPROCESSORS, get_preprocessor, headline_weighted, join_text, mark_cues
from newsframe.train.config import FeatureSet, config_from_dict
from newsframe.train.model import build_features

EDGE = ["", " ", "a", "?!…", "ΟΔΥΣΣΕΥΣ", "tab\tnew\nline\r\nx  y", "the " * 2000, "Don’t stop", "no.\n\nnot"]


def test_every_preprocessor_lowercases_and_is_picklable() -> None:
    for name, function in PREPROCESSORS.items():
        assert pickle.loads(pickle.dumps(function))("Rebels REJECT Talks") == function("Rebels REJECT Talks")
        assert function("Rebels REJECT Talks") == function("Rebels REJECT Talks").lower(), name
        for text in EDGE:
            assert isinstance(function(text), str)


def test_headline_is_repeated_only_when_there_is_one() -> None:
    text = join_text("Iran Rejects Offer", "Tehran said no.")
    assert headline_weighted(text, 2) == "iran rejects offer\n\niran rejects offer\n\ntehran said no."
    assert headline_weighted("One sentence only.", 2) == "one sentence only."


def test_negation_scope_and_hedge_tokens() -> None:
    out = mark_cues("Iran will not halt enrichment, but may resume talks. It didn't agree")
    assert "not neg_halt neg_enrichment ," in out
    assert "neg_resume" not in out  # the comma ends the scope
    assert "didn't neg_agree" in out
    assert out.split().count("zzhedge") == 1  # "may"
    assert "neg_" not in mark_cues("headline not\n\nbody words")  # a paragraph break ends the scope


def test_feature_set_passes_the_preprocessor_to_every_vectoriser() -> None:
    union = build_features(FeatureSet("x", char_ngram=(2, 3), preprocess="headline2+cues"))
    for _, vectoriser in union.transformer_list:
        assert vectoriser.preprocessor is PREPROCESSORS["headline2+cues"]
    words = union.transformer_list[0][1].build_analyzer()("Talks not held\n\nBody")
    assert words.count("neg_held") == 2 and "talks" in words


def test_config_accepts_known_and_refuses_unknown_preprocess() -> None:
    raw = {"tasks": {"framing": {"feature_sets": [{"name": "w", "preprocess": "headline2"}]}}}
    assert config_from_dict(raw).tasks["framing"].feature_sets[0].preprocess == "headline2"
    raw["tasks"]["framing"]["feature_sets"][0]["preprocess"] = "stem"
    with pytest.raises(ConfigError, match="preprocess"):
        config_from_dict(raw)
    assert get_preprocessor(None) is None
