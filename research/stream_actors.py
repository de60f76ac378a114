"""Does actor presence help decide ``none`` on the stream? (issue 16's "try actor presence and roles").

Usage: python -m research.stream_actors [research/reports/stream_scores_shipped_screen.csv]

Each stream row gets its actors from ``newsframe.core.actors`` (roles only, no model): whether any actor is named,
and whether any is the **source** of a sentence. Rules compared on the out-of-fold scores of ``research.stream``,
parameters chosen on the other outer folds (as ``research.stream_rules``):
- ``threshold``: the shipped rule, none below one posture threshold t;
- ``threshold by source``: none below t_s when some actor is a source, below t_n when none is;
- ``threshold by mention``: the same split on whether any actor is named at all;
- ``threshold by verb cue``: the same split on whether a source has a CAMEO verb cue (``core.actors.verbcue``);
- ``threshold + verb-cue pull w``: one threshold, and P(confrontational) pulled by w toward the direction of the
  item's cues, as the actor path pulls a source's sentence (w chosen with t).
"""
from __future__ import annotations

import itertools
import sys

import numpy as np
import pandas as pd

from research.stream_rules import T, load_scores, scored_rule

GROUPS = ("threshold", "threshold by source", "threshold by mention")


def actor_flags(texts: list[str]) -> dict[str, np.ndarray]:
    """Per text: whether it names an actor (``named``), whether an actor is the source of one of its sentences
    (``source``), whether a source has a CAMEO verb cue (``cued``), and the cues' majority direction (``cue_dir``:
    +1 confrontational, -1 cautious, 0 none or a tie)."""
    import datetime as dt

    from newsframe.core.actors import ActorIndex, extract_actors

    index, day = ActorIndex.default(), dt.date(2020, 1, 1)
    named, source, cued = (np.zeros(len(texts), bool) for _ in range(3))
    cue_dir = np.zeros(len(texts), int)
    for i, text in enumerate(texts):
        actors = extract_actors(index, text, day)
        named[i] = bool(actors)
        source[i] = any(a["role"] == "source" for a in actors)
        labels = [s["cue"]["label"] for a in actors for s in a["sentences"] if s.get("cue")]
        cued[i] = bool(labels)
        cue_dir[i] = int(np.sign(labels.count("confrontational") - labels.count("cautious")))
    return {"named": named, "source": source, "cued": cued, "cue_dir": cue_dir}


def label(p: np.ndarray, q: np.ndarray, group: np.ndarray, t_in: float, t_out: float) -> np.ndarray:
    out = np.where(q >= 0.5, "confrontational", "cautious").astype(object)
    out[np.where(group, p < t_in, p < t_out)] = "none"
    return out


W = (0.0, 0.15, 0.3, 0.45, 0.6)


def compare(scores: pd.DataFrame, folds: list[np.ndarray], flags: dict[str, np.ndarray]) -> pd.DataFrame:
    news = scores["source"].isin(["ag_news", "bbc_news"]).to_numpy()
    truth, p, q = scores["truth"].to_numpy(dtype=object), scores["posture"].to_numpy(), scores["p_confrontational"].to_numpy()
    grids = {"threshold": (np.ones(len(p), bool), [(t, t) for t in T]),
             "threshold by source": (flags["source"], list(itertools.product(T, T))),
             "threshold by mention": (flags["named"], list(itertools.product(T, T))),
             "threshold by verb cue": (flags["cued"], list(itertools.product(T, T)))}
    rows = [scored_rule(rule, truth, news, folds, grid,
                        lambda rows, *g, group=group: label(p[rows], q[rows], group[rows], *g))
            for rule, (group, grid) in grids.items()]
    # The verb cue as the actor path uses it: the cues' direction pulls P(confrontational) by w.
    target = (flags["cue_dir"] > 0).astype(float)
    pulled = lambda w: np.where(flags["cue_dir"] != 0, (1 - w) * q + w * target, q)
    rows.append(scored_rule("threshold + verb-cue pull w", truth, news, folds, [(t, w) for t in T for w in W],
                            lambda rows, t, w: label(p[rows], pulled(w)[rows], np.ones(rows.sum(), bool), t, t)))
    return pd.DataFrame(rows)


def main() -> None:
    scores, frame, folds = load_scores(sys.argv[1:])
    flags = actor_flags(frame["text"].tolist())
    news = scores["source"].isin(["ag_news", "bbc_news"]).to_numpy()
    posture = scores["truth"].to_numpy() != "none"
    for name in ("named", "source", "cued"):
        flag = flags[name]
        print(f"news items, actor {name}: {flag[news].mean():.3f}; share framing a posture: with "
              f"{posture[news & flag].mean():.3f}, without {posture[news & ~flag].mean():.3f}")
    print(compare(scores, folds, flags).to_string(index=False))


if __name__ == "__main__":
    main()
