"""Weak labels for unannotated news sentences from the CAMEO verb dictionary (issue 16, try (e)).

The annotated BBC items are each article's lead (``data/build.py: bbc_lead``); the rest of the article, in
``../shared/data/bbc_news/bbc_news.csv``, is unannotated. Its sentences (Bling Fire, as the actor path splits them;
40-400 characters) get a weak label from ``research.cameo_cues``: only cooperation cues -> ``cautious``, only
conflict cues -> ``confrontational`` (both or neither: no framing label); any cue -> ``posture``, none -> ``none``.
A stricter framing label, ``framing_actor``, reads cues as issue 15's actor path does: the CAMEO verb cue of each
actor that is a sentence's source (``newsframe.core.actors``), when all such cues agree.
AG News items have no further text, so only BBC articles give sentences. Research only: the product reads nothing
from ``../shared``.
"""
from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
from newsframe.core.actors import ActorIndex, extract_actors
from newsframe.core.actors.segment import split_sentences

from data.build import BBC_LEAD_MIN
from research.cameo_cues import cue_tokens

REPO = Path(__file__).resolve().parent.parent
BBC_FULL = REPO.parent / "shared" / "data" / "bbc_news" / "bbc_news.csv"


def rest_of_article(text: str) -> str:
    """The paragraphs after the ones the annotated lead was taken from (``data/build.py: bbc_lead``)."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    lead = ""
    for k, paragraph in enumerate(paragraphs):
        lead = f"{lead} {paragraph}".strip()
        if len(lead) >= BBC_LEAD_MIN:
            return "\n".join(paragraphs[k + 1:])
    return ""


def weak_label(sentence: str) -> tuple[str | None, str]:
    """(framing label or None, posture label) from the sentence's CAMEO cues."""
    classes = {token.removeprefix("zzcameo") for token in cue_tokens(sentence)}
    framing = {frozenset({"coop"}): "cautious", frozenset({"conf"}): "confrontational"}.get(frozenset(classes))
    return framing, "posture" if classes else "none"


def actor_cue_label(index: ActorIndex, sentence: str) -> str | None:
    """The label the verb cues of the sentence's source actors agree on (None: no source cue, or they disagree)."""
    labels = {entry["cue"]["label"] for actor in extract_actors(index, sentence) for entry in actor["sentences"]
              if entry["role"] == "source" and entry["cue"]}
    return labels.pop() if len(labels) == 1 else None


@functools.lru_cache(maxsize=1)
def weak_rows(path: Path = BBC_FULL) -> pd.DataFrame:
    """One row per unannotated sentence: ``article`` (the annotated item's id), ``text``, ``framing``, ``posture``,
    ``framing_actor``."""
    bbc = pd.read_csv(path, dtype=str, keep_default_na=False)
    index = ActorIndex.default()
    rows = []
    for category, number, text in zip(bbc["category"], bbc["file_id"], bbc["text"]):
        rest = rest_of_article(text)
        for start, end in split_sentences(rest):
            sentence = rest[start:end]
            if 40 <= len(sentence) <= 400:
                rows.append((f"bbc-{category}-{number}", sentence, *weak_label(sentence),
                             actor_cue_label(index, sentence)))
    return pd.DataFrame(rows, columns=["article", "text", "framing", "posture", "framing_actor"])
