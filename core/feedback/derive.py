"""Current labels derived from the append-only event log, and agreement between annotators.

Rules: an ``undo`` event retracts the event it targets; an annotator's current label for an item and task is their
newest label event not retracted (so undoing a change of mind brings the earlier label back); the item's current
label is the newest current label of any annotator (last word wins). Skips are recorded but are not labels.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Protocol


class Event(Protocol):
    id: int
    kind: str
    annotator: str
    task: str
    label: str | None
    target_id: int | None
    item_key: str


def retracted(events: Iterable[Event]) -> set[int]:
    """Ids of events an undo retracted."""
    return {e.target_id for e in events if e.kind == "undo" and e.target_id is not None}


def current_by_annotator(events: list[Event]) -> dict[tuple[str, str, str], Event]:
    """(task, item_key, annotator) -> the label event that is current, for every triple that has one."""
    gone = retracted(events)
    current: dict[tuple[str, str, str], Event] = {}
    for event in sorted(events, key=lambda e: e.id):
        if event.kind == "label" and event.id not in gone:
            current[(event.task, event.item_key, event.annotator)] = event
    return current


def current_by_item(events: list[Event]) -> dict[tuple[str, str], Event]:
    """(task, item_key) -> the newest current label event of any annotator."""
    best: dict[tuple[str, str], Event] = {}
    for (task, key, _), event in current_by_annotator(events).items():
        if (task, key) not in best or event.id > best[(task, key)].id:
            best[(task, key)] = event
    return best


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters over paired labels; None with no pairs, 1.0 when chance agreement is total."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1.0 - expected)


def agreement(events: list[Event]) -> dict[str, dict[str, float | int | None]]:
    """Per task: items labelled by two or more annotators, raw agreement and Cohen's kappa over their first two.

    The first two annotators of an item (by their first event on it) form the pair, so kappa compares a first and a
    second opinion whoever gave them.
    """
    by_item: dict[tuple[str, str], list[Event]] = {}
    for key, event in current_by_annotator(events).items():
        by_item.setdefault(key[:2], []).append(event)
    pairs: dict[str, list[tuple[str, str]]] = {}
    for (task, _), labelled in by_item.items():
        if len(labelled) >= 2:
            first, second = sorted(labelled, key=lambda e: e.id)[:2]
            pairs.setdefault(task, []).append((str(first.label), str(second.label)))
    result: dict[str, dict[str, float | int | None]] = {}
    for task, task_pairs in sorted(pairs.items()):
        kappa = cohen_kappa(task_pairs)
        result[task] = {"items": len(task_pairs),
                        "agreement": round(sum(a == b for a, b in task_pairs) / len(task_pairs), 4),
                        "kappa": None if kappa is None else round(kappa, 4)}
    return result
