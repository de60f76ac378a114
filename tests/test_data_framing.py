"""Data tests for the bundled framing corpus: schema, labels, duplicates, split leakage, provenance, agreement."""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from newsframe.core.schema import TASKS
from newsframe.core.text import normalise_for_dedup
from newsframe.train.config import TrainConfig
from newsframe.train.data import LabelledData, load_labelled
from newsframe.train.trainer import default_data_files, held_out_split

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
ANNOTATED = DATA / "framing" / "annotated.csv"
COLUMNS = ["id", "headline", "body", "framing", "source", "codebook_version", "annotation_pass", "annotator", "blind_recheck"]
LABELS = {"cautious", "confrontational", "none"}


@pytest.fixture(scope="module")
def annotated() -> pd.DataFrame:
    return pd.read_csv(ANNOTATED, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def bundled() -> LabelledData:
    return load_labelled(default_data_files())


def _agreement_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("framing_agreement", DATA / "framing" / "agreement.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_annotated_corpus_is_bundled() -> None:
    assert ANNOTATED in default_data_files()


def test_schema(annotated: pd.DataFrame) -> None:
    assert list(annotated.columns) == COLUMNS
    assert annotated["id"].is_unique
    assert set(annotated["source"]) == {"ag_news", "bbc_news"}
    prefix = annotated["id"].str.split("-").str[0].map({"ag": "ag_news", "bbc": "bbc_news"})
    assert (prefix == annotated["source"]).all()
    assert (annotated["headline"].str.strip() != "").all() and (annotated["body"].str.strip() != "").all()
    assert set(annotated["annotator"]) <= {"A", "B", "C", "D"}


def test_label_sets(annotated: pd.DataFrame) -> None:
    assert set(annotated["framing"]) == LABELS
    assert set(annotated["blind_recheck"]) <= LABELS | {""}
    cameo = pd.read_csv(DATA / "framing" / "cameo.csv", dtype=str, keep_default_na=False)
    assert set(cameo["framing"]) <= {"cautious", "confrontational", ""}


def test_codebook_version_and_pass_per_row(annotated: pd.DataFrame) -> None:
    codebook = (DATA / "framing" / "CODEBOOK.md").read_text(encoding="utf-8")
    versions = set(re.findall(r"^- (\d+\.\d+) \(", codebook.split("## Versions", 1)[1], flags=re.M))
    assert (annotated["codebook_version"] != "").all()
    assert set(annotated["codebook_version"]) <= versions
    assert set(annotated["annotation_pass"]) <= {"pass1", "adjudicated"}
    rechecked = annotated[annotated["blind_recheck"] != ""]
    assert len(rechecked) == 300
    # a pass-1 label stands only where the blind pass agreed; every disagreement was adjudicated
    agreed = rechecked["annotation_pass"] == "pass1"
    assert (rechecked.loc[agreed, "framing"] == rechecked.loc[agreed, "blind_recheck"]).all()
    assert (annotated.loc[annotated["annotation_pass"] == "adjudicated", "blind_recheck"] != "").all()


def test_no_duplicate_texts_within_a_task(bundled: LabelledData) -> None:
    for task in TASKS:
        keys = bundled.task(task)["text"].map(normalise_for_dedup)
        assert not keys.duplicated().any(), f"{task}: {keys[keys.duplicated()].head(3).tolist()}"


def test_no_duplicate_texts_in_framing_files(annotated: pd.DataFrame) -> None:
    cameo = pd.read_csv(DATA / "framing" / "cameo.csv", dtype=str)
    texts = pd.concat([cameo["text"], annotated["headline"] + "\n\n" + annotated["body"]], ignore_index=True)
    keys = texts.map(normalise_for_dedup)
    assert not keys.duplicated().any()
    bbc = annotated[annotated["source"] == "bbc_news"]["body"].map(normalise_for_dedup)
    assert not bbc.duplicated().any()  # BBC copies that differ only in the title were dropped too


def test_no_text_in_both_training_and_held_out_split(bundled: LabelledData) -> None:
    config = TrainConfig()
    for task in TASKS:
        rows = bundled.task(task)
        x_train, x_test, _, _ = held_out_split(rows["text"].tolist(), rows[task].tolist(), config)
        overlap = set(map(normalise_for_dedup, x_train)) & set(map(normalise_for_dedup, x_test))
        assert not overlap, f"{task}: {sorted(overlap)[:3]}"


def test_kappa_is_recorded_in_the_datasheet() -> None:
    module = _agreement_module()
    result = module.agreement(module.paired_labels())
    assert result["n"] == 300
    stored = json.loads((DATA / "framing" / "agreement.json").read_text(encoding="utf-8"))
    assert stored == result
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert module.markdown(result) in readme
    assert f"Cohen's kappa, 3 labels | **{result['kappa']:.3f}**" in readme


def test_posture_trains_on_annotated_news_only(bundled: LabelledData) -> None:
    rows = bundled.task("posture")
    assert set(rows["id"].str.split("-").str[0]) == {"ag", "bbc"}  # CAMEO never says 'none': no posture rows
    assert set(rows["posture"]) == {"none", "posture"}
    assert bundled.summary()["posture"]["skipped"]["file has no 'none' label (posture not annotated)"] == 1106
