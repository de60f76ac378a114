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
COLUMNS = ["id", "headline", "body", "framing", "source", "section", "codebook_version", "annotation_pass", "annotator",
           "blind_recheck", "blind_annotator"]
# pass-1 annotator -> (source, sections it labelled, codebook version of its labels)
PROVENANCE = {"A": ("ag_news", {"World", "Business"}, "1.0"), "B": ("ag_news", {"World", "Business"}, "1.0"),
              "C": ("ag_news", {"World", "Business"}, "1.0"), "D": ("bbc_news", {"politics", "business"}, "1.0"),
              "E": ("ag_news", {"Sports"}, "1.1"), "F": ("ag_news", {"Sci/Tech"}, "1.1"),
              "G": ("bbc_news", {"sport", "tech", "entertainment"}, "1.1")}
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
    assert set(annotated["annotator"]) == set(PROVENANCE)


def test_stream_sections_load_with_their_provenance(annotated: pd.DataFrame, bundled: LabelledData) -> None:
    """Every section of both sources is annotated, each row by the annotator of its section under its version."""
    assert set(annotated["section"]) == {"World", "Business", "Sports", "Sci/Tech", "politics", "business", "sport",
                                          "tech", "entertainment"}
    for code, (source, sections, version) in PROVENANCE.items():
        rows = annotated[annotated["annotator"] == code]
        assert set(rows["source"]) == {source} and set(rows["section"]) == sections, code
        assert set(rows.loc[rows["annotation_pass"] == "pass1", "codebook_version"]) == {version}, code
    topics = pd.read_csv(DATA / "topic" / "ag_news.csv", dtype=str).set_index("id")["topic"]
    ag = annotated[annotated["source"] == "ag_news"]
    assert (ag["section"] == ag["id"].map(topics)).all()
    assert (annotated.loc[annotated["source"] == "bbc_news", "id"].str.split("-").str[1]
            == annotated.loc[annotated["source"] == "bbc_news", "section"]).all()
    # the stream sections reach training: sports and tech rows are posture rows, mostly 'none'
    posture = bundled.task("posture").merge(annotated[["id", "section"]], on="id")
    for section in ("Sports", "Sci/Tech", "sport", "tech", "entertainment"):
        labels = posture.loc[posture["section"] == section, "posture"]
        assert len(labels) > 250 and (labels == "none").mean() > 0.7, section


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
    # 300 + 300 re-annotated; 4 of the stream sample repeat an earlier text and were dropped with it
    assert rechecked["blind_annotator"].value_counts().to_dict() == {"D": 300, "H": 296}
    assert (annotated.loc[annotated["blind_recheck"] == "", "blind_annotator"] == "").all()
    assert set(rechecked.loc[rechecked["blind_annotator"] == "H", "annotator"]) == {"E", "F", "G"}
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
    results = module.all_agreement()
    assert list(results) == ["world_business", "stream"]
    assert all(result["n"] == 300 for result in results.values())
    assert set(results["stream"]["per_pass1_annotator"]) == {"E", "F", "G"}
    stored = json.loads((DATA / "framing" / "agreement.json").read_text(encoding="utf-8"))
    assert stored == results
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert module.markdown(results) in readme
    for result in results.values():
        assert f"Cohen's kappa, 3 labels | **{result['kappa']:.3f}**" in readme


def test_every_disagreement_is_adjudicated_once() -> None:
    """Each blind pass-2 label that differs from pass 1 has one decision, with a reason, in an adjudication file."""
    module = _agreement_module()
    notes = pd.concat([pd.read_csv(DATA / "framing" / "annotations" / name, dtype=str)
                       for name in ("adjudication.csv", "adjudication_stream.csv")], ignore_index=True)
    assert notes["item_id"].is_unique and (notes["note"].str.len() > 20).all()
    assert set(notes["label"]) <= LABELS
    for sample in module.SAMPLES:
        pairs = module.paired_labels(sample=sample)
        disagree = set(pairs.loc[pairs["pass1"] != pairs["pass2"], "item_id"])
        assert disagree <= set(notes["item_id"]), sample


def test_posture_trains_on_annotated_news_only(bundled: LabelledData) -> None:
    rows = bundled.task("posture")
    assert set(rows["id"].str.split("-").str[0]) == {"ag", "bbc"}  # CAMEO never says 'none': no posture rows
    assert set(rows["posture"]) == {"none", "posture"}
    assert bundled.summary()["posture"]["skipped"]["file has no 'none' label (posture not annotated)"] == 1106
