"""Stream-shaped evaluation of the document framing label (cautious / confrontational / none).

Usage: python -m research.stream [--variants shipped,old_sections,...] [--folds 5] [--screen]

Every bundled framing row is split into ``--folds`` outer folds stratified by source x section x label, so each
outer test fold is a held-out split drawn like a stream: all four AG News sections in their natural (equal)
proportions, BBC's five categories in theirs, and the CAMEO sentences. In each outer fold the trainer's own search
chooses the framing and posture settings on the training part (``--screen``: the first setting of each search space,
no search, for quick screens), ``newsframe.train.threshold.cv_threshold`` chooses the posture threshold by CV on the
training part, and the untouched test fold is scored as a user sees it. Figures (``research.stream_report``):
three-way macro-F1 and per-label precision/recall over the news stream (AG + BBC), per section, and the posture-only
figure per source (CAMEO, AG, BBC: posture items only, ``none`` counts as a miss). Writes
research/reports/stream.json (one entry per variant, re-running a variant replaces it) and stream.md.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from newsframe.core.decision import document_labels
from newsframe.train.config import TrainConfig
from newsframe.train.data import LabelledData, load_labelled
from newsframe.train.model import fit_chosen, search
from newsframe.train.threshold import cv_threshold
from newsframe.train.trainer import default_data_files
from sklearn.model_selection import StratifiedKFold

from research.stream_report import figures, render
from research.stream_variants import VARIANTS, Variant

REPO = Path(__file__).resolve().parent.parent
REPORTS = Path(__file__).resolve().parent / "reports"
_SOURCE = {"cameo": "cameo", "ag": "ag_news", "bbc": "bbc_news"}


def stream_frame(paths: list[Path] | None = None, annotated: Path | None = None) -> pd.DataFrame:
    """Every row with a framing label, as ``LabelledData`` rows plus ``source`` and ``section``.

    ``section``: the AG News topic or BBC category from the annotated corpus (``data/framing/annotated.csv``);
    ``cameo`` for CAMEO sentences; ``unknown`` for ids the corpus does not hold (e.g. test fixtures).
    """
    data = load_labelled(paths or default_data_files())
    frame = data.frame[data.frame["framing"].notna()].reset_index(drop=True)
    corpus = pd.read_csv(annotated or REPO / "data" / "framing" / "annotated.csv", dtype=str, usecols=["id", "section"])
    sections = dict(zip(corpus["id"], corpus["section"]))
    prefix = frame["id"].str.split("-", n=1).str[0]
    frame["source"] = prefix.map(_SOURCE).fillna("other")
    frame["section"] = [sections.get(i, "cameo" if s == "cameo" else "unknown") for i, s in zip(frame["id"], frame["source"])]
    return frame


def outer_splits(frame: pd.DataFrame, k: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified by source x section x label: every test fold is a stream-shaped held-out split."""
    strata = frame["source"] + "/" + frame["section"] + "/" + frame["framing"]
    return list(StratifiedKFold(k, shuffle=True, random_state=seed).split(frame, strata))


def _first_setting(config: TrainConfig, task: str) -> dict[str, Any]:
    space = config.tasks[task]
    return {"features": asdict(space.feature_sets[0]), "C": space.C[0], "class_weight": space.class_weight[0],
            "nb_alpha": space.nb_alpha[0]}


def fit_fold(train: LabelledData, config: TrainConfig, variant: Variant, use_search: bool) -> tuple[dict, dict, float, dict]:
    """Pipelines for framing and posture fitted on ``train``, what was chosen, and the threshold."""
    pipelines, chosen = {}, {}
    for task in ("framing", "posture"):
        rows = variant.training_rows(train.task(task), task)
        texts, labels = rows["text"].tolist(), rows[task].tolist()
        if use_search:
            pipelines[task], info = search(task, texts, labels, config, log=lambda _: None)
            chosen[task] = info["chosen"]
        else:
            chosen[task] = _first_setting(config, task)
            pipelines[task] = fit_chosen(task, texts, labels, config, chosen[task])
    if variant.fixed_threshold is not None:
        return pipelines, chosen, variant.fixed_threshold, {"method": "fixed"}
    threshold, info = cv_threshold(variant.threshold_data(train), config, chosen)
    return pipelines, chosen, threshold, info


def run_variant(frame: pd.DataFrame, variant: Variant, k: int = 5, use_search: bool = True,
                log: Callable[[str], None] = print, config: TrainConfig | None = None) -> dict[str, Any]:
    """Out-of-fold document scores for every row, the figures they give, and what each fold chose.

    ``config`` replaces the variant's own search space (tests use the tiny one).
    """
    config = config or variant.config()
    posture, framing, p_conf = np.full(len(frame), np.nan), np.empty(len(frame), dtype=object), np.full(len(frame), np.nan)
    threshold, folds, started = np.full(len(frame), np.nan), [], time.perf_counter()
    for number, (train, test) in enumerate(outer_splits(frame, k)):
        fold_start = time.perf_counter()
        data = LabelledData(frame=frame.iloc[train].reset_index(drop=True))
        pipelines, chosen, cut, info = fit_fold(data, config, variant, use_search)
        texts = variant.scoring_texts(frame["text"].iloc[test].tolist())
        posture[test], framing[test], p_conf[test] = variant.score(pipelines, texts)
        threshold[test] = cut
        folds.append({"fold": number, "threshold": cut, "threshold_search": info,
                      "chosen": {t: {"features": c["features"]["name"], "C": c["C"], "nb_alpha": c.get("nb_alpha")}
                                 for t, c in chosen.items()},
                      "seconds": round(time.perf_counter() - fold_start, 1)})
        log(f"  {variant.name} fold {number}: threshold {cut:.2f} {folds[-1]['chosen']} ({folds[-1]['seconds']} s)")
    predicted = document_labels(framing, posture, None)
    predicted[posture < threshold] = "none"
    result = {"variant": variant.name, "description": variant.description, "protocol": "nested" if use_search else "screen",
              "folds": k, "figures": figures(frame, predicted),
              "figures_at_0.5": figures(frame, document_labels(framing, posture, 0.5)),
              "per_fold": folds, "seconds": round(time.perf_counter() - started, 1)}
    result["_scores"] = pd.DataFrame({"id": frame["id"], "source": frame["source"], "section": frame["section"],
                                      "truth": frame["framing"], "posture": posture.round(6), "p_confrontational": p_conf.round(6),
                                      "framing_two_way": framing, "threshold": threshold, "predicted": predicted})
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="shipped", help=f"comma-separated; known: {', '.join(VARIANTS)}")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--screen", action="store_true", help="no search: each task's first setting (quick screen)")
    parser.add_argument("--out", type=Path, default=REPORTS / "stream")
    args = parser.parse_args()
    frame = stream_frame()
    path = args.out.with_suffix(".json")
    stored = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"variants": {}}
    for name in args.variants.split(","):
        load = os.getloadavg()[0]
        result = run_variant(frame, VARIANTS[name](), args.folds, not args.screen)
        scores = result.pop("_scores")
        scores.to_csv(args.out.parent / f"stream_scores_{name}{'_screen' if args.screen else ''}.csv", index=False)
        result["load_average"] = [round(load, 2), round(os.getloadavg()[0], 2)]
        key = name + (" (screen)" if args.screen else "")
        stored["variants"][key] = result
        path.write_text(json.dumps(stored, indent=2) + "\n", encoding="utf-8")
        args.out.with_suffix(".md").write_text(render(stored), encoding="utf-8")
        print(f"{key}: {json.dumps(result['figures']['summary'])}", flush=True)


if __name__ == "__main__":
    main()
