"""Inter-annotator agreement between annotation pass 1 and a blind pass 2, for each re-annotated sample of 300 items.

Usage: python data/framing/agreement.py

Two samples: ``world_business`` (300 AG World/Business items, re-annotated by D) and ``stream`` (110 AG Sports,
110 AG Sci/Tech and 80 BBC sport/tech/entertainment items, re-annotated by H). Reads data/framing/annotations/,
writes data/framing/agreement.json (one entry per sample) and rewrites the agreement section of data/README.md
(between the ``<!-- agreement:start -->`` and ``<!-- agreement:end -->`` markers).
Deterministic: the same annotation files give the same bytes.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.metrics import cohen_kappa_score, confusion_matrix

HERE = Path(__file__).resolve().parent
ANNOTATIONS = HERE / "annotations"
README = HERE.parent / "README.md"
LABELS = ["cautious", "confrontational", "none"]
START, END = "<!-- agreement:start -->", "<!-- agreement:end -->"
PASS1 = {"pass1_ag_part1.csv": "A", "pass1_ag_part2.csv": "B", "pass1_ag_part3.csv": "C", "pass1_bbc.csv": "D",
         "pass1_ag_sports.csv": "E", "pass1_ag_scitech.csv": "F", "pass1_bbc_stream.csv": "G"}
# sample name -> (blind pass-2 file, its annotator, what was sampled)
SAMPLES = {
    "world_business": ("pass2_blind300.csv", "D", "seeded random sample of the AG News World/Business pass-1 items"),
    "stream": ("pass2_blind_stream300.csv", "H", "pandas `.sample(n, random_state=16)`: 110 AG Sports (E), 110 AG "
               "Sci/Tech (F), 80 BBC sport/tech/entertainment (G)"),
}


def paired_labels(annotations: Path = ANNOTATIONS, sample: str = "world_business") -> pd.DataFrame:
    """One row per re-annotated item of ``sample``: id, pass-1 annotator, pass-1 label, pass-2 label."""
    first = pd.concat([pd.read_csv(annotations / name, dtype=str).assign(annotator=code) for name, code in PASS1.items()])
    second = pd.read_csv(annotations / SAMPLES[sample][0], dtype=str)
    pairs = second.rename(columns={"label": "pass2"}).merge(first.rename(columns={"label": "pass1"}), on="item_id", how="left")
    if pairs["pass1"].isna().any():
        raise ValueError("pass-2 items without a pass-1 label")
    return pairs[["item_id", "annotator", "pass1", "pass2"]].sort_values("item_id").reset_index(drop=True)


def _kappa(a: pd.Series, b: pd.Series) -> float:
    return round(float(cohen_kappa_score(a, b)), 4)


def agreement(pairs: pd.DataFrame) -> dict[str, Any]:
    """Cohen's kappa (3 labels, posture yes/no, and direction where both saw a posture) and the confusion table."""
    posture1, posture2 = pairs["pass1"] != "none", pairs["pass2"] != "none"
    both = posture1 & posture2
    table = confusion_matrix(pairs["pass1"], pairs["pass2"], labels=LABELS)
    return {
        "n": int(len(pairs)),
        "kappa": _kappa(pairs["pass1"], pairs["pass2"]),
        "observed_agreement": round(float((pairs["pass1"] == pairs["pass2"]).mean()), 4),
        "kappa_posture": _kappa(posture1, posture2),
        "kappa_direction": {"n": int(both.sum()), "kappa": _kappa(pairs.loc[both, "pass1"], pairs.loc[both, "pass2"])},
        "per_pass1_annotator": {
            code: {"n": int(len(group)), "kappa": _kappa(group["pass1"], group["pass2"])}
            for code, group in pairs.groupby("annotator")
        },
        "labels": LABELS,
        "confusion": {"rows": "pass 1", "columns": "pass 2 (blind)", "counts": table.tolist()},
    }


def markdown(results: dict[str, dict[str, Any]]) -> str:
    """The datasheet section: one block of figures and a confusion table per sample."""
    lines = ["Computed by `python data/framing/agreement.py` (sklearn `cohen_kappa_score`). In each sample the blind",
             "annotator did not see the pass-1 labels.", ""]
    for sample, result in results.items():
        name, code, drawn = SAMPLES[sample]
        lines += [f"### Sample `{sample}`: {result['n']} items re-annotated by {code} (`{name}`)", "",
                  f"Drawn as: {drawn}.", "", *_sample_lines(result), ""]
    return "\n".join(lines).rstrip("\n")


def _sample_lines(result: dict[str, Any]) -> list[str]:
    lines = [
        "| measure | value |", "|---|---|",
        f"| Cohen's kappa, 3 labels | **{result['kappa']:.3f}** |",
        f"| observed agreement | {result['observed_agreement']:.1%} |",
        f"| kappa, posture vs none | {result['kappa_posture']:.3f} |",
        f"| kappa, cautious vs confrontational (n={result['kappa_direction']['n']} items both passes saw a posture in) "
        f"| {result['kappa_direction']['kappa']:.3f} |",
    ]
    for code, item in result["per_pass1_annotator"].items():
        lines.append(f"| kappa, pass-1 annotator {code} vs pass 2 (n={item['n']}) | {item['kappa']:.3f} |")
    lines += ["", "Confusion (rows: pass 1, columns: blind pass 2):", "",
              "| pass 1 \\ pass 2 | " + " | ".join(LABELS) + " |", "|---" * (len(LABELS) + 1) + "|"]
    for label, row in zip(LABELS, result["confusion"]["counts"]):
        lines.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
    return lines


def all_agreement(annotations: Path = ANNOTATIONS) -> dict[str, dict[str, Any]]:
    """``agreement`` for every sample, by sample name."""
    return {sample: agreement(paired_labels(annotations, sample)) for sample in SAMPLES}


def write_section(readme: Path, body: str) -> None:
    """Replace the text between the agreement markers (or append a marked section if there are none)."""
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    block = f"{START}\n{body}\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + "## Agreement\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main() -> None:
    result = all_agreement()
    (HERE / "agreement.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    write_section(README, markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
