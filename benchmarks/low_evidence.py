"""Measure how accuracy falls with the evidence a short text carries; this chose the ``low_evidence`` rule.

For each task of a trained version, the chosen configuration (from its manifest) is refitted on the trainer's
own training split only, and every held-out row is scored whole and cut to its first 1..8 words (short
headlines are the case that matters). Accuracy is printed by ``known_terms`` (distinct known word unigrams, what
the rule uses) and, for comparison, by the sum of |contributions| toward the predicted label.

    python benchmarks/low_evidence.py --models /tmp/fm      # a version trained with the default config
"""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from typing import Any

import numpy as np
from newsframe.core.artifacts import resolve_version
from newsframe.core.fast.task import Document, FastTask
from newsframe.train.config import config_from_dict
from newsframe.train.data import load_labelled
from newsframe.train.model import fit_chosen
from newsframe.train.trainer import default_data_files, held_out_split

CUTS = (1, 2, 3, 4, 5, 6, 8)
KNOWN_BUCKETS = ("0", "1", "2", "3", "4", "5", "6-9", "10+")


def known_bucket(known: int) -> str:
    """Table row for a known_terms count."""
    return str(known) if known <= 5 else ("6-9" if known < 10 else "10+")


def measure(task: FastTask, texts: list[str], labels: list[str]) -> list[dict[str, Any]]:
    """One record per (held-out text, cut): known terms, evidence mass, correctness."""
    records = []
    for text, label in zip(texts, labels):
        words = text.split()
        for cut in (*CUTS, None):
            if cut is not None and cut >= len(words):
                continue
            doc = Document(" ".join(words[:cut]) if cut else text)
            row = task.features(doc)
            proba = task.calibration.proba(task.decision(row))
            predicted = task.classes[int(proba.argmax())]
            contrib, _ = task.contributions(row, predicted)
            explanation = task.explain_row(row, predicted, 0, doc)
            records.append({"cut": cut or "full", "known": explanation["known_terms"], "mass": float(np.abs(contrib).sum()),
                            "correct": predicted == label, "confidence": float(proba.max())})
    return records


def table(records: list[dict[str, Any]], key: str, order: list[Any]) -> list[str]:
    """Accuracy and mean confidence per value of ``key``."""
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        groups[r[key]].append(r)
    lines = [f"  {key:>8} {'n':>6} {'accuracy':>9} {'mean conf':>10}"]
    for value in order:
        rows = groups.get(value, [])
        if rows:
            lines.append(f"  {value!s:>8} {len(rows):>6} {np.mean([r['correct'] for r in rows]):>9.3f} "
                         f"{np.mean([r['confidence'] for r in rows]):>10.3f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", required=True, help="a models directory or version directory (its manifest gives the config)")
    args = parser.parse_args()
    manifest = json.loads((resolve_version(args.models) / "manifest.json").read_text(encoding="utf-8"))
    config = config_from_dict(manifest["config"])
    data = load_labelled(default_data_files())
    print(f"model {manifest['version']}: refitting each task on its training split; held-out rows cut to {CUTS} words")
    for name, info in manifest["tasks"].items():
        rows = data.task(name)
        x_train, x_test, y_train, y_test = held_out_split(rows["text"].tolist(), rows[name].tolist(), config)
        task = FastTask.from_pipeline(fit_chosen(name, x_train, y_train, config, info["search"]["chosen"]))
        records = measure(task, x_test, y_test)
        for r in records:
            r["known_bucket"] = known_bucket(r["known"])
        masses = np.array([r["mass"] for r in records])
        edges = np.quantile(masses, np.linspace(0, 1, 9)[1:-1])
        for r in records:
            r["mass_octile"] = int(np.searchsorted(edges, r["mass"], side="right")) + 1
        majority = max(set(y_test), key=y_test.count)
        rate = y_test.count(majority) / len(y_test)
        print(f"\n{name}: {len(x_test)} held-out rows, {len(records)} scored texts; majority-class rate {rate:.3f}")
        print("\n".join(table(records, "cut", [*CUTS, "full"])))
        print("\n".join(table(records, "known_bucket", list(KNOWN_BUCKETS))))
        print("\n".join(table(records, "mass_octile", list(range(1, 9)))))
        print("  mass octile edges: " + ", ".join(f"{e:.3f}" for e in edges))


if __name__ == "__main__":
    main()
