"""Choose what to label next: the items whose labels would teach the model most, near-duplicates removed.

Priority is uncertainty sampling on the two judgements the framing model makes: whether the text frames a posture
at all (``posture``, when the version has it) and which one (``framing``). With ``p`` the posture probability,
``u(q) = 1 - |2q - 1|`` the uncertainty of a two-way probability ``q``, and ``c`` the framing probability of
``confrontational``:

    priority = max(u(p), p * u(c))          (without a posture model: u(c))

so a text that surely frames no posture is not worth a framing label, however unsure the framing model is about it.
Items are taken in priority order, skipping any whose normalised text was already taken or queued and any whose
word 3-shingles overlap a taken item's by ``duplicate_jaccard`` or more (wire copies, lightly edited rewrites).
A share of the chosen items (``second_share``, at least one when any) is queued for two annotators.
"""
from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from newsframe.core.errors import ConfigError, DataError
from newsframe.core.feedback import FeedbackStore, Item
from newsframe.core.feedback import queue as work_queue
from newsframe.core.schema import is_missing, text_of
from newsframe.core.tables import read_table
from newsframe.core.text import normalise_for_dedup
from newsframe.serve.predictor import Predictor

DUPLICATE_JACCARD = 0.6  # a one-word edit of a 17-word sentence shares 12 of 18 word 3-shingles (0.67)
SECOND_SHARE = 0.1
_WORD = re.compile(r"\w+")


def uncertainty(q: np.ndarray) -> np.ndarray:
    """1 at q = 0.5, 0 at q = 0 or 1."""
    return 1.0 - np.abs(2.0 * np.asarray(q, dtype=float) - 1.0)


def priorities(confrontational: np.ndarray, posture: np.ndarray | None) -> np.ndarray:
    """The formula of the module docstring, per item."""
    framing = uncertainty(confrontational)
    if posture is None:
        return framing
    posture = np.asarray(posture, dtype=float)
    return np.maximum(uncertainty(posture), posture * framing)


def shingles(text: str, n: int = 3) -> frozenset[str]:
    """Word n-grams of the normalised text (the words themselves for texts shorter than n words)."""
    words = _WORD.findall(normalise_for_dedup(text))
    if len(words) < n:
        return frozenset(words)
    return frozenset(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))


def choose(texts: list[str], priority: np.ndarray, size: int, taken_keys: set[str] | None = None,
           duplicate_jaccard: float = DUPLICATE_JACCARD) -> tuple[list[int], int]:
    """Indices of up to ``size`` texts by falling priority, near-duplicates skipped; and how many were skipped."""
    seen: set[str] = set()
    keys = set(taken_keys or ())
    chosen: list[int] = []
    chosen_shingles: list[frozenset[str]] = []
    duplicates = 0
    for i in np.argsort(-np.asarray(priority), kind="stable"):
        if len(chosen) >= size:
            break
        normal = normalise_for_dedup(texts[i])
        if normal in seen:
            duplicates += 1
            continue
        own = shingles(texts[i])
        if any(own and len(own & other) / len(own | other) >= duplicate_jaccard for other in chosen_shingles):
            duplicates += 1
            continue
        seen.add(normal)
        if Item(texts[i]).key in keys:
            continue
        chosen.append(int(i))
        chosen_shingles.append(own)
    return chosen, duplicates


@dataclass(frozen=True)
class QueueSummary:
    rows: int
    no_text: int
    queued: int
    doubled: int
    duplicates: int
    already: int
    batch: str

    def line(self) -> str:
        return (f"queued {self.queued} items ({self.doubled} for two annotators) from {self.rows} rows, batch "
                f"{self.batch}; skipped {self.duplicates} near-duplicates, {self.already} already queued, "
                f"{self.no_text} rows without text")


def _items(path: Path) -> tuple[list[Item], int, int]:
    """The file's items (rows without text left out and counted) and its row count."""
    frame = read_table(path)
    texts, no_text = text_of(frame, path)
    items = []
    for position, (index, text) in enumerate(texts.items()):
        if isinstance(no_text[index], str):  # the reason it has no text (None or NaN otherwise)
            continue
        row = frame.loc[index]
        extra: dict[str, object] = {}
        for column in ("id", "source"):
            if column in frame.columns and not is_missing(row[column]):
                extra[column] = str(row[column])
        if "published" in frame.columns and not is_missing(row["published"]):
            try:
                extra["published"] = np.datetime64(str(row["published"])[:10], "D").astype(object)
            except ValueError:
                raise DataError(str(path), f"not a date: {str(row['published'])[:40]!r} (expected YYYY-MM-DD)",
                                row=position + 1, column="published") from None
        headline = row["headline"] if "headline" in frame.columns and not is_missing(row["headline"]) else None
        body = row["body"] if "body" in frame.columns and not is_missing(row["body"]) else None
        items.append(Item(text, headline, body, **extra))  # type: ignore[arg-type]
    return items, len(frame), int(no_text.map(lambda reason: isinstance(reason, str)).sum())


def queue_file(path: str | Path, predictor: Predictor, store: FeedbackStore, size: int,
               second_share: float = SECOND_SHARE, seed: int = 0) -> QueueSummary:
    """Score ``path`` and queue its ``size`` most useful items (see the module docstring)."""
    if size < 1:
        raise ConfigError(f"--size: expected a positive integer, got {size}")
    if not 0.0 <= second_share <= 1.0:
        raise ConfigError(f"--second-share: expected a share from 0 to 1, got {second_share}")
    items, rows, no_text = _items(Path(path))
    texts = [item.text for item in items]
    proba = predictor.predict_proba(texts)
    framing_labels = predictor.labels("framing")
    confrontational = proba["framing"][:, framing_labels.index("confrontational")] if texts else np.empty(0)
    posture = proba["posture"][:, predictor.labels("posture").index("posture")] if "posture" in proba else None
    priority = priorities(confrontational, posture)
    taken = work_queue.queued_keys(store) | {key for (_, key) in store.current_by_item()}
    chosen, duplicates = choose(texts, priority, size, taken)
    already = len({item.key for item in items} & taken)
    doubled = set(random.Random(seed).sample(range(len(chosen)), min(len(chosen), math.ceil(second_share * len(chosen)))))
    candidates = []
    for rank, i in enumerate(chosen):
        suggestions = {"framing": {"label": framing_labels[int(proba["framing"][i].argmax())],
                                   "confidence": round(float(proba["framing"][i].max()), 6)},
                       "posture": None if posture is None else round(float(posture[i]), 6)}
        candidates.append(work_queue.Candidate(items[i], float(priority[i]), 2 if rank in doubled else 1,
                                               predictor.version, suggestions))
    batch, added = work_queue.add(store, candidates)
    return QueueSummary(rows, no_text, len(added), sum(1 for a in added if a.copies == 2), duplicates, already, batch)
