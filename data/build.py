"""Regenerate the bundled training files in data/ from the raw public sources in ../shared/data.

Usage: python data/build.py [--shared ../shared/data]

Writes data/topic/ag_news.csv, data/framing/cameo.csv and data/framing/annotated.csv (the hand-annotated
AG News items of all four sections and BBC articles of all five categories, joined to their text from the raw
sources). Deterministic: the same sources and annotation files give the same bytes.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pandas as pd
from newsframe.core.text import clean_agnews, normalise_for_dedup

HERE = Path(__file__).resolve().parent
AG_TOPICS = {"1": "World", "2": "Sports", "3": "Business", "4": "Sci/Tech"}
CAMEO_FRAMING = {"0": None, "1": "cautious", "2": "cautious", "3": "confrontational", "4": "confrontational"}


def build_ag_news(shared: Path) -> pd.DataFrame:
    """AG News rows with cleaned text and topic names; id = ag-<row index in dev.csv>."""
    with open(shared / "ag_news" / "dev.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return pd.DataFrame({
        "id": [f"ag-{i:05d}" for i in range(len(rows))],
        "headline": [clean_agnews(r[1]) for r in rows],
        "body": [clean_agnews(r[2]) for r in rows],
        "topic": [AG_TOPICS[r[0]] for r in rows],
        "source": "ag_news",
    })


def build_cameo(shared: Path) -> pd.DataFrame:
    """CAMEO PentaClass sentences; classes 1-2 cautious, 3-4 confrontational, 0 no framing label.

    id = cameo-<line index in train.tsv>; repeated sentences (3 in the source) keep their first copy only.
    """
    path = shared / "framing_data" / "cameo_pentaclass_conflibert" / "train.tsv"
    rows = [line.rsplit("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    frame = pd.DataFrame({
        "id": [f"cameo-{i:04d}" for i in range(len(rows))],
        "text": [r[0].strip() for r in rows],
        "framing": [CAMEO_FRAMING[r[1].strip()] for r in rows],
        "cameo_class": [int(r[1]) for r in rows],
        "source": "cameo_pentaclass",
    })
    return frame[~frame["text"].map(normalise_for_dedup).duplicated()].reset_index(drop=True)


ANNOTATIONS = HERE / "framing" / "annotations"
# pass-1 file -> (annotator code, codebook version it was labelled under). A-C split AG World/Business, D annotated
# BBC politics/business (1.0); E, F and G annotated the stream sections: AG Sports, AG Sci/Tech, BBC sport/tech/
# entertainment (1.1).
PASS1_FILES = {"pass1_ag_part1.csv": ("A", "1.0"), "pass1_ag_part2.csv": ("B", "1.0"), "pass1_ag_part3.csv": ("C", "1.0"),
               "pass1_bbc.csv": ("D", "1.0"), "pass1_ag_sports.csv": ("E", "1.1"), "pass1_ag_scitech.csv": ("F", "1.1"),
               "pass1_bbc_stream.csv": ("G", "1.1")}
# blind pass-2 file -> annotator code; each re-annotated a seeded random 300 of pass-1 items without seeing them
PASS2_FILES = {"pass2_blind300.csv": "D", "pass2_blind_stream300.csv": "H"}
# adjudication file -> codebook version the pass-1/pass-2 disagreements it holds were decided under
ADJUDICATION_FILES = {"adjudication.csv": "1.1", "adjudication_stream.csv": "1.2"}
BBC_LEAD_MIN, BBC_LEAD_MAX = 350, 700  # BBC items were judged on title + first ~350-700 characters
ANNOTATED_COLUMNS = ["id", "headline", "body", "framing", "source", "section", "codebook_version", "annotation_pass",
                     "annotator", "blind_recheck", "blind_annotator"]


def bbc_lead(text: str, low: int = BBC_LEAD_MIN, high: int = BBC_LEAD_MAX) -> str:
    """The opening of a BBC article as annotated: whole paragraphs until ``low`` characters, cut at ``high``.

    A cut falls at the last sentence end (or else the last space) before ``high``.
    """
    lead = ""
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        lead = f"{lead} {paragraph}".strip()
        if len(lead) >= low:
            break
    if len(lead) <= high:
        return lead
    cut = lead[:high]
    end = max(cut.rfind(". "), cut.rfind('." '), cut.rfind("? "))
    return cut[: end + 1].strip() if end >= low else cut[: cut.rfind(" ")].strip()


def read_annotations() -> pd.DataFrame:
    """Final label per item: pass 1, or the adjudicated label where a blind pass 2 disagreed with pass 1.

    Also the pass-1 annotator, the blind pass-2 label (``blind_recheck``) and its annotator, codebook version and pass.
    """
    parts = []
    for name, (annotator, version) in PASS1_FILES.items():
        part = pd.read_csv(ANNOTATIONS / name, dtype=str)
        parts.append(part.assign(annotator=annotator, codebook_version=version))
    labels = pd.concat(parts, ignore_index=True).rename(columns={"item_id": "id", "label": "framing"})
    if labels["id"].duplicated().any():
        raise SystemExit(f"items annotated twice in pass 1: {labels.loc[labels['id'].duplicated(), 'id'].tolist()[:5]}")
    blind = pd.concat([pd.read_csv(ANNOTATIONS / name, dtype=str).assign(blind_annotator=code)
                       for name, code in PASS2_FILES.items()], ignore_index=True)
    blind = blind.rename(columns={"item_id": "id", "label": "blind_recheck"})
    missing = set(blind["id"]) - set(labels["id"])
    if missing or blind["id"].duplicated().any():
        raise SystemExit(f"pass-2 items without a pass-1 label, or re-annotated twice: {sorted(missing)[:5]}")
    labels = labels.merge(blind, on="id", how="left")
    labels["annotation_pass"] = "pass1"
    decided = pd.concat([pd.read_csv(ANNOTATIONS / name, dtype=str).assign(version=version)
                         for name, version in ADJUDICATION_FILES.items()], ignore_index=True).set_index("item_id")
    disagree = labels.loc[labels["blind_recheck"].notna() & (labels["blind_recheck"] != labels["framing"]), "id"]
    if set(disagree) != set(decided.index) or decided.index.duplicated().any():
        raise SystemExit("the adjudication files must decide exactly the pass-1/pass-2 disagreements, once each")
    chosen = labels["id"].map(decided["label"])
    labels.loc[chosen.notna(), "codebook_version"] = labels.loc[chosen.notna(), "id"].map(decided["version"])
    labels.loc[chosen.notna(), "annotation_pass"] = "adjudicated"
    labels["framing"] = chosen.fillna(labels["framing"])
    return labels


def build_annotated(shared: Path, ag: pd.DataFrame, others: list[pd.Series]) -> tuple[pd.DataFrame, int]:
    """The annotated framing corpus: id, headline, body, framing, source, section, codebook version, pass, annotators.

    ``section`` is the AG News topic or the BBC category the item was published under. AG rows carry no topic here (they train topic from data/topic/ag_news.csv). Rows whose normalised text
    repeats an earlier row (by id order), or a text in ``others`` (e.g. the CAMEO sentences), are dropped;
    for BBC the normalised lead alone also counts, since some copies differ only in the title.
    """
    bbc = pd.read_csv(shared / "bbc_news" / "bbc_news.csv", dtype=str, keep_default_na=False)
    bbc = pd.DataFrame({"id": "bbc-" + bbc["category"] + "-" + bbc["file_id"], "headline": bbc["title"].str.strip(),
                        "body": bbc["text"].map(bbc_lead), "source": "bbc_news", "section": bbc["category"]})
    ag = ag.rename(columns={"topic": "section"})[["id", "headline", "body", "section"]].assign(source="ag_news")
    texts = pd.concat([ag, bbc], ignore_index=True)
    labels = read_annotations()
    unknown = set(labels["id"]) - set(texts["id"])
    if unknown:
        raise SystemExit(f"annotated ids not found in the sources: {sorted(unknown)[:5]}")
    rows = labels.merge(texts, on="id", how="left").sort_values("id", kind="stable").reset_index(drop=True)
    full = (rows["headline"] + "\n\n" + rows["body"]).map(normalise_for_dedup)
    lead = rows["body"].map(normalise_for_dedup).where(rows["source"] == "bbc_news")
    seen = {normalise_for_dedup(t) for series in others for t in series.dropna()}
    keep = []
    for text, body in zip(full, lead):
        duplicate = text in seen or (isinstance(body, str) and body in seen)
        keep.append(not duplicate)
        seen.update([text] + ([body] if isinstance(body, str) else []))
    kept = rows[keep].reset_index(drop=True)
    return kept[ANNOTATED_COLUMNS], len(rows) - len(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data")
    args = parser.parse_args()
    ag = build_ag_news(args.shared)
    ag.to_csv(HERE / "topic" / "ag_news.csv", index=False, lineterminator="\n")
    cameo = build_cameo(args.shared)
    cameo.to_csv(HERE / "framing" / "cameo.csv", index=False, lineterminator="\n")
    print(f"ag_news: {len(ag)} rows {ag.topic.value_counts().to_dict()}")
    print(f"cameo: {len(cameo)} rows {cameo.framing.value_counts(dropna=False).to_dict()}")
    annotated, dropped = build_annotated(args.shared, ag, [cameo["text"]])
    annotated.to_csv(HERE / "framing" / "annotated.csv", index=False, lineterminator="\n")
    counts = annotated.groupby(["source", "section"])["framing"].value_counts().unstack(fill_value=0)
    print(f"annotated: {len(annotated)} rows ({dropped} duplicate texts dropped)\n{counts.to_string()}")


if __name__ == "__main__":
    main()
