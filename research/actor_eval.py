"""Evaluate actor detection, roles and per-actor framing on the hand-annotated sample (data/actors/roles_sample.csv).

Usage: python -m research.actor_eval --models DIR [--split test|dev|all] [--errors N] [--cue-weight W ...]

Per sentence, the gold actors (code, role, and for sources the posture) are compared with ``extract_actors`` run on
the sentence with its ``published`` date:

- detection: micro precision / recall / F1 over (sentence, actor) pairs, on the exact code and on the country
  level (country-prefixed codes cut to the ISO code: "Afghan rebels" AFGREB counts as AFG, as "the Kremlin" does);
- roles: accuracy over the pairs found by both, overall and on sentences with a passive or a reporting cue;
- framing: macro-F1 (cautious / confrontational / none) of the actor's predicted framing label (``none`` when it is
  not found or not a source) over every gold actor, a gold target or mentioned actor counting as ``none``; and over
  the gold sources alone. Beside each, the document-level baseline, which gives every actor of the sentence the
  sentence's own label (what newsframe answered before actors).

Framing is reported twice, by one command: without the CAMEO verb cue (``cue_weight`` 0, the model's sentence scores
alone) and with it (``--cue-weight``, default the shipped ``CUE_WEIGHT``; several values for a sweep on the dev half).

``--models`` is a models directory (``latest``) or a version directory; without it only detection and roles are
scored. The test half is the one to report; the dev half is the one the rules were built on.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from newsframe.core.actors import ActorIndex, extract_actors
from newsframe.core.actors.framing import CUE_WEIGHT
from sklearn.metrics import f1_score

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "actors" / "roles_sample.csv"
RANK = {"source": 3, "target": 2, "mentioned": 1}
PASSIVE = re.compile(r"\b(was|were|been|is|are|being)\s+(\w+\s+)?\w+(ed|en)\b.*\bby\b")
SPEECH = re.compile(r"\b(said|says|say|told|according to|announced|warned|claimed|stated)\b")
LABELS = ["cautious", "confrontational", "none"]


def parse_gold(cell: str) -> dict[str, tuple[str, str | None]]:
    """"RUS:source:confrontational USA:target" -> {code: (role, posture or None)}."""
    out: dict[str, tuple[str, str | None]] = {}
    for part in cell.split():
        code, role, *posture = part.split(":")
        out[code] = (role, posture[0] if posture else None)
    return out


def country_level(codes: dict[str, tuple[str, str | None]], countries: set[str]) -> dict[str, tuple[str, str | None]]:
    """Merge codes on their country (AFGREB -> AFG); a merged actor keeps its strongest role and that role's posture."""
    out: dict[str, tuple[str, str | None]] = {}
    for code, (role, posture) in codes.items():
        key = code[:3] if code[:3] in countries else code
        if key not in out or RANK[role] > RANK[out[key][0]]:
            out[key] = (role, posture)
    return out


def score_function(models: str) -> tuple[Callable[[list[str]], list[dict[str, Any]]], float, Callable[[str], str]]:
    """(sentence score function, posture threshold, document label function) of the model version at ``models``."""
    from newsframe.serve.predictor import Predictor

    predictor = Predictor.load(models)
    framing = predictor.labels("framing")
    posture_col = predictor.labels("posture").index("posture") if predictor.has_posture else None
    threshold = predictor.none_threshold if predictor.none_threshold is not None else 0.5

    def score(sentences: list[str]) -> list[dict[str, Any]]:
        proba = predictor.predict_proba(sentences)
        post = proba["posture"][:, posture_col] if posture_col is not None else [1.0] * len(sentences)
        return [{"framing": dict(zip(framing, map(float, proba["framing"][i]))), "posture": float(post[i])}
                for i in range(len(sentences))]

    def document_label(text: str) -> str:
        result = score([text])[0]
        if result["posture"] < threshold:
            return "none"
        return max(("cautious", "confrontational"), key=lambda k: result["framing"].get(k, 0.0))

    return score, threshold, document_label


def evaluate(frame: pd.DataFrame, index: ActorIndex, score=None, threshold: float = 0.5,
             document_label: Callable[[str], str] | None = None, errors: int = 0,
             cue_weight: float = CUE_WEIGHT) -> dict[str, Any]:
    """All figures for the rows of ``frame`` (see the module docstring); ``cue_weight`` 0 = no verb cue."""
    countries = {c for c, a in index.actors.items() if a.kind == "country"}
    counts = {level: Counter() for level in ("exact", "country")}
    role_hits: dict[str, Counter] = {"all": Counter(), "passive": Counter(), "speech": Counter()}
    y_true: list[str] = []  # gold sources only
    y_pred: list[str] = []
    y_doc: list[str] = []
    all_true: list[str] = []  # every gold actor: a target or a mentioned actor is framed "none"
    all_pred: list[str] = []
    all_doc: list[str] = []
    shown = 0
    for row in frame.itertuples():
        found = extract_actors(index, row.text, published=dt.date.fromisoformat(row.published), score=score,
                               posture_threshold=threshold, cue_weight=cue_weight)
        pred = {a["code"]: (a["role"], a["framing"]["label"]) for a in found}
        gold = parse_gold(row.actors)
        for level in counts:
            g = gold if level == "exact" else country_level(gold, countries)
            p = pred if level == "exact" else country_level(pred, countries)
            counts[level]["tp"] += len(set(g) & set(p))
            counts[level]["fp"] += len(set(p) - set(g))
            counts[level]["fn"] += len(set(g) - set(p))
            if level != "country":
                continue
            cues = (["all"] + (["passive"] if PASSIVE.search(row.text) else [])
                    + (["speech"] if SPEECH.search(row.text) else []))
            for code in set(g) & set(p):
                for cue in cues:
                    role_hits[cue]["n"] += 1
                    role_hits[cue]["ok"] += g[code][0] == p[code][0]
            doc = document_label(row.text) if document_label and g else None
            for code, (role, posture) in g.items():
                framed = p[code][1] if code in p and p[code][0] == "source" else "none"
                all_true.append(posture if role == "source" else "none")
                all_pred.append(framed)
                all_doc.append(doc if doc is not None else "none")
                if role == "source":
                    y_true.append(posture)
                    y_pred.append(framed)
                    y_doc.append(doc if doc is not None else "none")
            if errors and shown < errors and ({k: v[0] for k, v in g.items()} != {k: v[0] for k, v in p.items()}):
                shown += 1
                print(f"[{row.n} {row.split}] {row.text}\n   gold {dict(g)}\n   pred {dict(p)}")
    result: dict[str, Any] = {"sentences": len(frame)}
    for level, c in counts.items():
        precision = c["tp"] / max(c["tp"] + c["fp"], 1)
        recall = c["tp"] / max(c["tp"] + c["fn"], 1)
        result[f"detection_{level}"] = {"precision": precision, "recall": recall,
                                        "f1": 2 * precision * recall / max(precision + recall, 1e-9),
                                        "gold": c["tp"] + c["fn"], "predicted": c["tp"] + c["fp"]}
    result["roles"] = {cue: {"accuracy": h["ok"] / max(h["n"], 1), "n": h["n"]} for cue, h in role_hits.items()}
    if score is not None:
        def f1(true: list[str], pred: list[str]) -> float:
            return f1_score(true, pred, labels=LABELS, average="macro", zero_division=0)

        result["framing"] = {"macro_f1": f1(y_true, y_pred), "n": len(y_true), "gold": dict(Counter(y_true)),
                             "predicted": dict(Counter(y_pred))}
        result["framing_all"] = {"macro_f1": f1(all_true, all_pred), "n": len(all_true),
                                 "gold": dict(Counter(all_true)), "predicted": dict(Counter(all_pred))}
        if document_label is not None:
            result["framing_document_baseline"] = {"macro_f1": f1(y_true, y_doc)}
            result["framing_all_document_baseline"] = {"macro_f1": f1(all_true, all_doc)}
    return result


def report(result: dict[str, Any]) -> str:
    lines = [f"sentences: {result['sentences']}"]
    for level in ("exact", "country"):
        d = result[f"detection_{level}"]
        lines.append(f"detection ({level} code): precision {d['precision']:.3f}  recall {d['recall']:.3f}  "
                     f"F1 {d['f1']:.3f}  (gold {d['gold']}, predicted {d['predicted']})")
    for cue, r in result["roles"].items():
        lines.append(f"role accuracy ({cue}): {r['accuracy']:.3f}  (n={r['n']} actors found in both)")
    if "framing" in result:
        for key, what in (("framing_all", "every gold actor (targets, mentioned = none)"), ("framing", "gold sources")):
            f = result[key]
            lines.append(f"per-actor framing macro-F1 over {what}: {f['macro_f1']:.3f}  (n={f['n']}, "
                         f"gold {f['gold']}, predicted {f['predicted']})")
            if f"{key}_document_baseline" in result:
                lines.append(f"  baseline, every actor gets the sentence's own label: "
                             f"{result[key + '_document_baseline']['macro_f1']:.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", help="models directory or version directory (framing needs it)")
    parser.add_argument("--split", choices=["test", "dev", "all"], default="test")
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--errors", type=int, default=0, help="print this many sentences whose roles differ")
    parser.add_argument("--cue-weight", type=float, nargs="+", default=[CUE_WEIGHT],
                        help="verb-cue weight(s) to report beside the model alone (default: the shipped weight)")
    args = parser.parse_args(argv)
    frame = pd.read_csv(args.sample, keep_default_na=False, dtype=str)
    if args.split != "all":
        frame = frame[frame["split"] == args.split]
    index = ActorIndex.default()
    score, threshold, document_label = score_function(args.models) if args.models else (None, 0.5, None)
    print(f"split: {args.split}  dictionary: {index.version}  models: {args.models or '-'}  "
          f"posture threshold: {threshold}")
    if score is not None:
        score = cached(score)
    if score is not None:
        print("without the CAMEO verb cue (the model's sentence scores alone):")
    print(report(evaluate(frame, index, score, threshold, document_label, args.errors, cue_weight=0.0)))
    if score is None:
        return
    for weight in args.cue_weight:
        result = evaluate(frame, index, score, threshold, None, 0, cue_weight=weight)
        print(f"with the CAMEO verb cue, weight {weight}:")
        print("\n".join(line for line in report(result).splitlines() if line.startswith("per-actor")))


def cached(score: Callable[[list[str]], list[dict[str, Any]]]) -> Callable[[list[str]], list[dict[str, Any]]]:
    """``score`` remembering each sentence's answer (the runs with and without the cue score the same sentences)."""
    memo: dict[str, dict[str, Any]] = {}

    def run(sentences: list[str]) -> list[dict[str, Any]]:
        missing = [s for s in dict.fromkeys(sentences) if s not in memo]
        if missing:
            memo.update(zip(missing, score(missing)))
        return [memo[s] for s in sentences]

    return run


if __name__ == "__main__":
    main()
