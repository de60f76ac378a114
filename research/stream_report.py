"""Figures and the Markdown report of ``research.stream``: the document label as a user sees it, on a stream."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from newsframe.train.metrics import label_metrics
from sklearn.metrics import f1_score

THREE_WAY = ["cautious", "confrontational", "none"]
POSTURES = ["cautious", "confrontational"]
NEWS = ("ag_news", "bbc_news")
TARGETS = {"stream_macro_f1": 0.80, "precision": 0.70, "posture_item_macro_f1": 0.85}


def _r(value: float) -> float:
    return round(float(value), 4)


def posture_items_f1(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Macro-F1 over cautious and confrontational on posture items; a ``none`` prediction is a miss."""
    return _r(f1_score(truth, predicted, labels=POSTURES, average="macro", zero_division=0))


def figures(frame: pd.DataFrame, predicted: np.ndarray) -> dict[str, Any]:
    """Stream three-way figures (news rows), per source and section, and posture-item macro-F1 per source."""
    truth, predicted = frame["framing"].to_numpy(dtype=object), np.asarray(predicted, dtype=object)
    news = frame["source"].isin(NEWS).to_numpy()
    stream = label_metrics(list(truth[news]), list(predicted[news]), THREE_WAY)
    out: dict[str, Any] = {"stream": {"n": stream["n"], "macro_f1": _r(stream["macro_f1"]), "accuracy": _r(stream["accuracy"]),
                                      "per_label": {k: {m: _r(v[m]) if m != "support" else v[m] for m in v}
                                                    for k, v in stream["per_class"].items()},
                                      "confusion": stream["confusion_matrix"]}}
    out["sections"] = {}
    for (source, section), rows in frame[news].groupby(["source", "section"], sort=True):
        index = rows.index.to_numpy()
        t, p = truth[index], predicted[index]
        out["sections"][f"{source}/{section}"] = {
            "n": len(index), "posture_share": _r((t != "none").mean()),
            "macro_f1": _r(f1_score(t, p, labels=THREE_WAY, average="macro", zero_division=0)),
            "accuracy": _r((t == p).mean()),
            "false_posture": int(((t == "none") & (p != "none")).sum()), "missed_posture": int(((t != "none") & (p == "none")).sum()),
            "wrong_direction": int(((t != "none") & (p != "none") & (t != p)).sum())}
    out["posture_items"] = {}
    for source in sorted(frame["source"].unique()):
        mask = (frame["source"] == source).to_numpy() & np.isin(truth, POSTURES)
        if mask.any():
            out["posture_items"][source] = {"n": int(mask.sum()), "macro_f1": posture_items_f1(truth[mask], predicted[mask]),
                                            "none_rate": _r((predicted[mask] == "none").mean())}
    out["summary"] = {"stream_macro_f1": out["stream"]["macro_f1"],
                      "precision_cautious": out["stream"]["per_label"]["cautious"]["precision"],
                      "precision_confrontational": out["stream"]["per_label"]["confrontational"]["precision"],
                      **{f"posture_items_{s}": v["macro_f1"] for s, v in out["posture_items"].items()}}
    return out


def _met(value: float, target: float) -> str:
    return f"**{value:.3f}**" if value >= target else f"{value:.3f}"


def render(stored: dict[str, Any]) -> str:
    """The Markdown report over every stored variant (targets in bold when met)."""
    variants = stored.get("variants", {})
    lines = ["# Stream-shaped evaluation of the document framing label", "",
             "Written by `python -m research.stream` (see its docstring for the protocol). Each row of the data is scored",
             "once, by models trained without it (outer folds stratified by source x section x label). `none` = posture",
             "below the threshold. Figures in bold meet the issue-16 targets (stream three-way macro-F1 >= 0.80, precision",
             ">= 0.70 for cautious and confrontational, posture-item macro-F1 >= 0.85 per source).", "",
             "## Summary", "",
             "| variant | protocol | stream macro-F1 | P cautious | P confrontational | CAMEO | AG | BBC | at 0.5: stream | thresholds |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, v in variants.items():
        s, half = v["figures"]["summary"], v["figures_at_0.5"]["summary"]
        cuts = sorted({round(f["threshold"], 2) for f in v["per_fold"]})
        lines.append(f"| {name} | {v['protocol']} ({v['folds']} folds) | {_met(s['stream_macro_f1'], 0.80)} | "
                     f"{_met(s['precision_cautious'], 0.70)} | {_met(s['precision_confrontational'], 0.70)} | "
                     + " | ".join(_met(s.get(f"posture_items_{src}", float("nan")), 0.85) for src in ("cameo", "ag_news", "bbc_news"))
                     + f" | {half['stream_macro_f1']:.3f} | {', '.join(f'{c:.2f}' for c in cuts)} |")
    for name, v in variants.items():
        f = v["figures"]
        lines += ["", f"## {name}", "", f"{v['description']}. Protocol: {v['protocol']}, {v['folds']} outer folds, "
                  f"{v['seconds']:.0f} s (load average {v.get('load_average', '?')}).", "",
                  f"Stream (AG + BBC news, n={f['stream']['n']}): macro-F1 {f['stream']['macro_f1']:.3f}, accuracy "
                  f"{f['stream']['accuracy']:.3f}.", "",
                  "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        lines += [f"| {k} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |"
                  for k, m in f["stream"]["per_label"].items()]
        lines += ["", "| true \\ predicted | " + " | ".join(THREE_WAY) + " |", "|---|---|---|---|"]
        lines += [f"| {label} | " + " | ".join(str(c) for c in row) + " |" for label, row in zip(THREE_WAY, f["stream"]["confusion"])]
        lines += ["", "Posture items only (document label; `none` is a miss):", "",
                  "| source | n | macro-F1 | share labelled none |", "|---|---|---|---|"]
        lines += [f"| {src} | {m['n']} | {m['macro_f1']:.3f} | {m['none_rate']:.3f} |" for src, m in f["posture_items"].items()]
        lines += ["", "Per section:", "", "| section | n | posture share | three-way macro-F1 | accuracy | false posture | "
                  "missed posture | wrong direction |", "|---|---|---|---|---|---|---|---|"]
        lines += [f"| {sec} | {m['n']} | {m['posture_share']:.2f} | {m['macro_f1']:.3f} | {m['accuracy']:.3f} | "
                  f"{m['false_posture']} | {m['missed_posture']} | {m['wrong_direction']} |" for sec, m in f["sections"].items()]
        chosen = [f"fold {c['fold']}: threshold {c['threshold']:.2f}, framing {c['chosen']['framing']['features']} "
                  f"C={c['chosen']['framing']['C']}, posture {c['chosen']['posture']['features']} C={c['chosen']['posture']['C']}"
                  for c in v["per_fold"]]
        lines += ["", "Chosen per outer fold: " + "; ".join(chosen) + "."]
    return "\n".join(lines) + "\n"
