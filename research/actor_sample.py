"""Choose the sentences of the role-annotated sample (data/actors/roles_sample.csv): selection only, seeded.

The labels in roles_sample.csv were written by hand, sentence by sentence; this script only decides which
sentences were put in front of the annotator, and which half each belongs to. Selection uses surface cues, never
the actor matcher (so the sample does not favour what the matcher finds). CAMEO sentences: 45 with a passive cue
("was/were/been ... by") where there are that many, 50 with a reporting verb ("said", "says", "told", "according
to"), others up to 150. News items: 120 AG News World/Business units (the headline for even draws, the body's first
sentence for odd ones) and 30 BBC politics/business lead sentences, half of each with a reporting or passive cue.
Rows alternate dev/test after a seeded shuffle.

Usage: python -m research.actor_sample > /tmp/candidates.csv
"""
from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

import pandas as pd
from newsframe.core.actors.segment import split_sentences

DATA = Path(__file__).resolve().parent.parent / "data"
PASSIVE = re.compile(r"\b(was|were|been|is|are|being)\s+(\w+\s+)?\w+(ed|en)\b.*\bby\b")
SPEECH = re.compile(r"\b(said|says|told|according to|warned|announced)\b")
SEED = 15


def first_sentence(text: str) -> str:
    spans = split_sentences(text)
    return text[spans[0][0]:spans[0][1]] if spans else text


def pick(rng: random.Random, rows: list[tuple[str, str]], n: int, cue: re.Pattern | None, taken: set[str]) -> list:
    pool = [r for r in rows if r[0] not in taken and (cue is None or cue.search(r[1]))]
    chosen = rng.sample(pool, min(n, len(pool)))
    taken.update(r[0] for r in chosen)
    return chosen


def main() -> None:
    rng = random.Random(SEED)
    taken: set[str] = set()
    cameo = pd.read_csv(DATA / "framing" / "cameo.csv")
    rows = list(zip(cameo["id"], cameo["text"]))
    chosen = [("cameo", *r) for r in pick(rng, rows, 45, PASSIVE, taken)]
    chosen += [("cameo", *r) for r in pick(rng, rows, 50, SPEECH, taken)]
    chosen += [("cameo", *r) for r in pick(rng, rows, 150 - len(chosen), None, taken)]  # passive cues are rarer
    news = pd.read_csv(DATA / "framing" / "annotated.csv")
    ag = news[(news["source"] == "ag_news") & news["section"].isin(["World", "Business"])]
    ag_rows = []
    for i, (item, head, body) in enumerate(zip(ag["id"], ag["headline"], ag["body"])):
        ag_rows.append((item, head if i % 2 == 0 else first_sentence(str(body))))
    cue = re.compile(f"{PASSIVE.pattern}|{SPEECH.pattern}")
    chosen += [("ag_news", *r) for r in pick(rng, ag_rows, 60, cue, taken)]
    chosen += [("ag_news", *r) for r in pick(rng, ag_rows, 60, None, taken)]
    bbc = news[(news["source"] == "bbc_news") & news["section"].isin(["politics", "business"])]
    bbc_rows = [(item, first_sentence(str(body))) for item, body in zip(bbc["id"], bbc["body"])]
    chosen += [("bbc_news", *r) for r in pick(rng, bbc_rows, 15, cue, taken)]
    chosen += [("bbc_news", *r) for r in pick(rng, bbc_rows, 15, None, taken)]
    rng.shuffle(chosen)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["n", "split", "corpus", "item_id", "text"])
    for n, (corpus, item, text) in enumerate(chosen):
        writer.writerow([n, "dev" if n % 2 == 0 else "test", corpus, item, " ".join(str(text).split())])


if __name__ == "__main__":
    main()
