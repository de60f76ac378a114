"""Framing and posture experiments: feature sets, class weights, calibration, auxiliary sources, cross-domain.

Usage (from the repository root; single process):
    python -m research.framing                 # every stage, then the report
    python -m research.framing --stage aux     # one stage (others are kept from the last run)

Writes research/reports/framing_experiments.json (all figures) and reports/framing_experiments.md (tables).
Every figure is 5-fold stratified CV (folds stratified by source x label, seed 0) unless a table says otherwise.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from research import corpus
from newsframe.train.config import FeatureSet

from research.cv import (
    Clf,
    feature_builder,
    fit_score,
    lexicon_preprocessor,
    macro_f1,
    oof_scores,
    plain_word_features,
    roc_auc,
    stratified_splits,
    with_c,
)
from research.report import write_markdown

REPORTS = Path(__file__).resolve().parent / "reports"
RESULTS = REPORTS / "framing_experiments.json"
CS = (0.3, 1.0, 3.0)
WORD = FeatureSet("word12")
CHAR = FeatureSet("char25", word_ngram=None, char_ngram=(2, 5), min_df=2)
BOTH = FeatureSet("word12+char25", char_ngram=(2, 5), min_df=2)
FEATURE_SETS = [
    WORD, CHAR, BOTH,
    replace(WORD, name="word12 cues", preprocess="cues"),
    replace(WORD, name="word12 headline2", preprocess="headline2"),
    replace(BOTH, name="word12+char25 cues", preprocess="cues"),
    replace(BOTH, name="word12+char25 headline2", preprocess="headline2"),
    replace(BOTH, name="word12+char25 headline3", preprocess="headline3"),
    replace(BOTH, name="word12+char25 headline2+cues", preprocess="headline2+cues"),
    replace(BOTH, name="word13+char25 headline2", word_ngram=(1, 3), preprocess="headline2"),
    replace(BOTH, name="word12+char36 headline2", char_ngram=(3, 6), preprocess="headline2"),
]


def _row(name: str, scores: dict[str, float], **extra: Any) -> dict[str, Any]:
    return {"name": name, **extra, **{k: round(v, 4) for k, v in scores.items()}}


def _mean_sources(row: dict[str, Any]) -> float:
    return sum(row[s] for s in corpus.SOURCES if s in row) / sum(s in row for s in corpus.SOURCES)


def best_over_c(frame: pd.DataFrame, features: Callable, clfs: list[Clf], splits, label: str = "framing",
                extra: pd.DataFrame | None = None) -> tuple[Clf, dict[str, float], dict[str, float]]:
    """Out-of-fold scores for every variant; the variant with the best mean per-source macro-F1."""
    scored = {clf: macro_f1(frame, label, p) for clf, p in oof_scores(frame, label, features, clfs, splits, extra).items()}
    best = max(scored, key=lambda c: (_mean_sources(scored[c]), scored[c]["all"]))
    return best, scored[best], {clf.name: round(s["all"], 4) for clf, s in scored.items()}


def stage_baseline(framing: pd.DataFrame, results: dict) -> None:
    """Plain word TF-IDF + logistic regression: each source alone, and the combined corpus."""
    rows = []
    for source in corpus.SOURCES:
        part = framing[framing["source"] == source].reset_index(drop=True)
        proba = oof_scores(part, "framing", plain_word_features, [Clf("lr")], stratified_splits(part, "framing"))
        rows.append(_row(f"trained and tested on {source} only", macro_f1(part, "framing", proba[Clf("lr")])))
    proba = oof_scores(framing, "framing", plain_word_features, [Clf("lr")], stratified_splits(framing, "framing"))
    rows.append(_row("trained on the combined corpus", macro_f1(framing, "framing", proba[Clf("lr")])))
    results["baseline"] = rows


def stage_features(framing: pd.DataFrame, results: dict) -> None:
    """Feature sets on the combined corpus with the product classifier (best C of CS per row)."""
    splits, rows = stratified_splits(framing, "framing"), []
    for fs in FEATURE_SETS:
        started = time.perf_counter()
        best, scores, by_c = best_over_c(framing, feature_builder(fs), with_c([Clf()], CS), splits)
        rows.append(_row(fs.name, scores, feature_set=asdict(fs), C=best.C, by_C=by_c, seconds=round(time.perf_counter() - started, 1)))
        print(rows[-1], flush=True)
    results["features"] = rows


def best_feature_set(results: dict) -> FeatureSet:
    """The feature set with the best mean per-source macro-F1 in the features stage."""
    row = max(results["features"], key=lambda r: (_mean_sources(r), r["all"]))
    raw = dict(row["feature_set"])
    raw.update({k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})
    return FeatureSet(**raw)


def stage_classifier(framing: pd.DataFrame, results: dict) -> None:
    """Class weights x calibration x C on the best feature set."""
    fs, splits = best_feature_set(results), stratified_splits(framing, "framing")
    clfs = [Clf(C=c, class_weight=w, calibration=m) for c in CS for w in (None, "balanced") for m in ("sigmoid", "isotonic")]
    scored = oof_scores(framing, "framing", feature_builder(fs), clfs, splits)
    results["classifier"] = [_row(clf.name, macro_f1(framing, "framing", p), feature_set=fs.name, C=clf.C,
                                  class_weight=clf.class_weight, calibration=clf.calibration) for clf, p in scored.items()]


def best_clf(results: dict) -> Clf:
    """The classifier variant with the best mean per-source macro-F1 in the classifier stage."""
    row = max(results["classifier"], key=lambda r: (_mean_sources(r), r["all"]))
    return Clf(C=row["C"], class_weight=row["class_weight"], calibration=row["calibration"])


def stage_aux(framing: pd.DataFrame, results: dict) -> None:
    """Each auxiliary source as extra training rows and as lexicon-cue features, against the best setup."""
    fs, clf, splits = best_feature_set(results), best_clf(results), stratified_splits(framing, "framing")
    clfs = with_c([clf], CS)
    rows = [_row("none (best setup)", *best_over_c(framing, feature_builder(fs), clfs, splits)[1:2], use="-")]
    for name in corpus.AUX_SOURCES:
        extra = corpus.aux_rows(name)
        best, scores, _ = best_over_c(framing, feature_builder(fs), clfs, splits, extra=extra)
        rows.append(_row(f"{name}: {len(extra)} extra rows", scores, use="rows", C=best.C))
        print(rows[-1], flush=True)
        high, low = corpus.derive_lexicon(corpus.aux_binary(name))
        prep = lexicon_preprocessor(fs.preprocess, {f"{name}1": high, f"{name}0": low})
        best, scores, _ = best_over_c(framing, feature_builder(fs, prep), clfs, splits)
        rows.append(_row(f"{name}: lexicon cue tokens (2 x 60 words)", scores, use="features", C=best.C))
        print(rows[-1], flush=True)
    results["aux"] = rows


def stage_sources(framing: pd.DataFrame, results: dict) -> None:
    """The best setup trained within each source alone, and cross-domain (headlines <-> CAMEO sentences)."""
    fs, clf = best_feature_set(results), best_clf(results)
    shipped = replace(BOTH, name="word12+char25 headline2+cues", preprocess="headline2+cues")
    setups = {"baseline (plain word TF-IDF + LR)": (plain_word_features, [Clf("lr")]),
              f"best ({fs.name}, {clf.name})": (feature_builder(fs), [clf]),
              # what the default search ships (every nested outer fold chose it): NB-scaled LinearSVC
              f"shipped ({shipped.name}, LinearSVC C=0.3 NB alpha=0.3)": (feature_builder(shipped), [Clf(C=0.3, nb_alpha=0.3)])}
    within, cross = [], []
    for setup, (features, clfs) in setups.items():
        for source in corpus.SOURCES:
            part = framing[framing["source"] == source].reset_index(drop=True)
            proba = oof_scores(part, "framing", features, clfs, stratified_splits(part, "framing"))[clfs[0]]
            within.append(_row(f"{source} alone", macro_f1(part, "framing", proba), setup=setup))
        headlines = framing[framing["source"] != "cameo"].reset_index(drop=True)
        cameo = framing[framing["source"] == "cameo"].reset_index(drop=True)
        for name, train, test in (("headlines (AG+BBC) -> CAMEO", headlines, cameo), ("CAMEO -> headlines (AG+BBC)", cameo, headlines)):
            proba = fit_score(train, test, "framing", features, clfs)[clfs[0]]
            cross.append(_row(name, macro_f1(test, "framing", proba), setup=setup, n_train=len(train), n_test=len(test)))
    results["within_source"], results["cross_domain"] = within, cross


def stage_nb(framing: pd.DataFrame, results: dict) -> None:
    """Naive-Bayes feature scaling (``NBLinearSVC``) x C on the shipped framing features: a screen, plain 5-fold CV."""
    fs, splits = replace(BOTH, name="word12+char25 headline2+cues", preprocess="headline2+cues"), stratified_splits(framing, "framing")
    clfs = [Clf(C=c, nb_alpha=a) for c in CS for a in (None, 0.03, 0.1, 0.3, 1.0)]
    scored = oof_scores(framing, "framing", feature_builder(fs), clfs, splits)
    results["nb"] = [_row(clf.name, macro_f1(framing, "framing", p), feature_set=fs.name, C=clf.C, nb_alpha=clf.nb_alpha)
                     for clf, p in scored.items()]


def stage_posture(posture: pd.DataFrame, results: dict) -> None:
    """Posture detector (none vs any posture) on AG+BBC: ROC AUC and macro-F1 by CV."""
    splits, rows = stratified_splits(posture, "posture"), []
    for fs in (WORD, BOTH, replace(BOTH, name="word12+char25 headline2", preprocess="headline2"),
               replace(BOTH, name="word12+char25 headline2+cues", preprocess="headline2+cues")):
        clfs = [Clf(C=c, class_weight=w) for c in CS for w in (None, "balanced")]
        for clf, proba in oof_scores(posture, "posture", feature_builder(fs), clfs, splits).items():
            auc, f1 = roc_auc(posture, "posture", proba), macro_f1(posture, "posture", proba)
            rows.append({"name": f"{fs.name} / {clf.name}", "feature_set": asdict(fs), "C": clf.C, "class_weight": clf.class_weight,
                         **{f"auc_{k}": round(v, 4) for k, v in auc.items()}, **{f"f1_{k}": round(v, 4) for k, v in f1.items()}})
        print(rows[-1], flush=True)
    results["posture"] = rows


def stage_posture_cameo(everything: pd.DataFrame, results: dict) -> None:
    """Should CAMEO sentences (all with a posture, none without) join the posture training rows? AG+BBC scored."""
    posture, fs = posture_frame(everything), replace(BOTH, name="word12+char25 headline2+cues", preprocess="headline2+cues")
    cameo = everything[everything["source"] == "cameo"].assign(posture="posture")[["text", "posture"]]
    rows = []
    for name, extra in (("AG + BBC rows only", None), (f"plus {len(cameo)} CAMEO rows as 'posture' (training folds)", cameo)):
        proba = oof_scores(posture, "posture", feature_builder(fs), [Clf(C=0.3)], stratified_splits(posture, "posture"), extra)[Clf(C=0.3)]
        auc, f1 = roc_auc(posture, "posture", proba), macro_f1(posture, "posture", proba)
        rows.append({"name": name, **{f"auc_{k}": round(v, 4) for k, v in auc.items()}, **{f"f1_{k}": round(v, 4) for k, v in f1.items()}})
    results["posture_cameo"] = rows


def posture_frame(framing: pd.DataFrame) -> pd.DataFrame:
    """AG+BBC rows with a none / posture label (CAMEO has no 'none' rows)."""
    rows = framing[framing["source"] != "cameo"].copy()
    rows["posture"] = rows["framing"].where(rows["framing"] == "none", "posture")
    return rows.reset_index(drop=True)


STAGES = ("baseline", "features", "classifier", "aux", "sources", "posture", "posture_cameo", "nested", "gap", "gap2", "nb",
          "nested_framing")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=STAGES, action="append", help="run only these stages (default: all)")
    args = parser.parse_args(argv)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    everything = corpus.framing_corpus()
    framing = everything[everything["framing"] != "none"].reset_index(drop=True)
    for stage in args.stage or STAGES:
        started = time.perf_counter()
        print(f"stage {stage} ...", flush=True)
        if stage == "nested":
            from research.nested import stage_nested
            stage_nested(framing, posture_frame(everything), results)
        elif stage == "nested_framing":
            from research.nested import stage_nested_framing
            stage_nested_framing(framing, results)
        elif stage == "posture":
            stage_posture(posture_frame(everything), results)
        elif stage in ("gap", "gap2"):
            from research import gap
            getattr(gap, f"stage_{stage}")(framing, results)
        elif stage == "posture_cameo":
            stage_posture_cameo(everything, results)
        else:
            globals()[f"stage_{stage}"](framing, results)
        results.setdefault("seconds", {})[stage] = round(time.perf_counter() - started, 1)
        results = save_stage(results, stage)
    write_markdown(results, everything, REPORTS / "framing_experiments.md")


def save_stage(results: dict, stage: str) -> dict:
    """Merge this run's ``stage`` into the results on disk (other runs may have written other stages)."""
    REPORTS.mkdir(exist_ok=True)
    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    keys = {"sources": ("within_source", "cross_domain"), "gap": ("gap_screen", "gap_features", "gap_nested"),
            "gap2": ("gap_nested_features",), "nested_framing": ("nested",)}.get(stage, (stage,))
    stored.update({k: results[k] for k in keys})
    stored.setdefault("seconds", {})[stage] = results["seconds"][stage]
    RESULTS.write_text(json.dumps(stored, indent=1) + "\n", encoding="utf-8")
    return stored


if __name__ == "__main__":
    main()
