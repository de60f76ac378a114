"""The stream-shaped three-way evaluation (research.stream) runs nested on the tiny data and its report renders."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from newsframe.train.config import load_config

from research.stream import outer_splits, run_variant, stream_frame
from research.stream_report import figures, posture_items_f1, render
from research.stream_variants import Variant


@pytest.fixture(scope="module")
def tiny_run(tiny_data: Path, tiny_config_path: Path) -> tuple[pd.DataFrame, dict]:
    frame = stream_frame([tiny_data])
    return frame, run_variant(frame, Variant(), k=2, log=lambda _: None, config=load_config(tiny_config_path))


def test_outer_folds_are_stream_shaped(tiny_run: tuple[pd.DataFrame, dict]) -> None:
    frame, _ = tiny_run
    assert set(frame["section"]) == {"World", "Business", "cameo"}  # sections come from the annotated corpus
    for _, test in outer_splits(frame, 2):
        counts = frame.iloc[test].groupby(["section", "framing"]).size()
        total = frame.groupby(["section", "framing"]).size()
        assert ((counts - total / 2).abs() <= 1).all()  # every stratum split in its natural proportion


def test_three_way_report_renders(tiny_run: tuple[pd.DataFrame, dict]) -> None:
    frame, result = tiny_run
    scores = result.pop("_scores")
    assert scores["posture"].notna().all() and len(scores) == len(frame)  # every row scored once, out of fold
    assert len(result["per_fold"]) == 2 and all(0.05 <= f["threshold"] <= 0.95 for f in result["per_fold"])
    text = render({"variants": {"shipped": result}})
    assert "| shipped | nested (2 folds) |" in text
    assert "| none |" in text and "ag_news/World" in text and "Posture items only" in text
    summary = result["figures"]["summary"]
    assert f"{summary['stream_macro_f1']:.3f}" in text


def test_none_on_a_posture_item_is_a_miss() -> None:
    frame = pd.DataFrame({"source": ["ag_news"] * 4 + ["cameo"] * 2, "section": ["World"] * 4 + ["cameo"] * 2,
                          "framing": ["cautious", "confrontational", "none", "none", "cautious", "confrontational"]})
    perfect = figures(frame, np.array(frame["framing"], dtype=object))
    assert perfect["stream"]["macro_f1"] == 1.0 and perfect["posture_items"]["cameo"]["macro_f1"] == 1.0
    missed = figures(frame, np.array(["cautious", "none", "none", "none", "none", "confrontational"], dtype=object))
    assert missed["posture_items"]["cameo"]["macro_f1"] == posture_items_f1(
        np.array(["cautious", "confrontational"]), np.array(["none", "confrontational"])) == 0.5
    assert missed["posture_items"]["cameo"]["none_rate"] == 0.5
    assert missed["sections"]["ag_news/World"]["missed_posture"] == 1


def test_learning_curve_shares_nest_and_both_tasks_see_the_same_rows(tiny_run: tuple[pd.DataFrame, dict]) -> None:
    from newsframe.train.data import LabelledData

    from research.stream_variants import VARIANTS

    frame, _ = tiny_run
    data = LabelledData(frame=frame)
    kept = {}
    for share in ("0.25", "0.5"):
        variant = VARIANTS[f"fraction_{share}"]()
        ids = set(variant.threshold_data(data).frame["id"])
        assert 0.1 * len(frame) < len(ids) < 0.7 * len(frame)
        for task in ("framing", "posture"):
            rows = variant.training_rows(data.task(task), task)
            assert set(rows["id"]) == ids & set(data.task(task)["id"])  # one draw for both tasks and the threshold
        kept[share] = ids
    assert kept["0.25"] < kept["0.5"]  # a smaller share's rows are inside the larger one's


def test_weak_rows_come_only_from_training_articles_and_are_capped() -> None:
    from research.stream_variants import WeakLabels

    class Small(WeakLabels):  # the sentences research.weak_labels would read from ../shared, made here
        share, column = 1.0, "framing_actor"

        def weak_rows(self) -> pd.DataFrame:
            return pd.DataFrame({"article": ["bbc-a-1", "bbc-a-1", "bbc-b-2", "bbc-a-1"],
                                 "text": ["s1", "s2", "s3", "s4"], "framing": [None] * 4, "posture": ["none"] * 4,
                                 "framing_actor": ["cautious", "confrontational", "cautious", None]})

    gold = pd.DataFrame({"id": ["bbc-a-1", "ag-9"], "text": ["lead", "item"], "framing": ["cautious", "cautious"]})
    rows = Small().training_rows(gold, "framing")
    assert rows["text"].tolist() == ["lead", "item", "s1", "s2"]  # bbc-b-2 is not a training article; s4 unlabelled
    assert rows["framing"].tolist()[2:] == ["cautious", "confrontational"]
    assert set(rows["id"][2:]) == {"weak-bbc-a-1"}
    assert Small().training_rows(gold, "posture") is gold  # the task that takes no weak rows is untouched
    Small.share = 0.5
    assert len(Small().training_rows(gold, "framing")) == 3  # at most half as many weak rows as gold ones


def test_rest_of_article_and_actor_cue_labels() -> None:
    from newsframe.core.actors import ActorIndex

    from research.weak_labels import actor_cue_label, rest_of_article

    assert rest_of_article("A" * 200 + "\n\n" + "B" * 200 + "\n\nThird.\n\nFourth.") == "Third.\nFourth."
    assert rest_of_article("Only a short lead.") == ""
    index = ActorIndex.default()
    assert actor_cue_label(index, "Russia threatened Ukraine with new attacks.") == "confrontational"
    assert actor_cue_label(index, "China called for peace talks.") == "cautious"
    assert actor_cue_label(index, "Stocks rose on Monday.") is None
