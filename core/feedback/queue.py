"""The labelling queue in the feedback database: items ``newsframe queue add`` chose, and who is to label what.

An item queued with ``copies=2`` is offered to two different annotators (their labels measure agreement); one with
``copies=1`` to the first who takes it. Whether an annotator is done with an item is derived from the event log
(a current label or a skip not undone, for that task), so undoing on the labelling page puts the item back.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from newsframe.core.feedback import derive
from newsframe.core.feedback.items import Item
from newsframe.core.feedback.models import LABEL, SKIP, UNDO, LabelEvent, QueueItem
from newsframe.core.feedback.store import FeedbackStore
from sqlalchemy import func, select


@dataclass(frozen=True)
class Candidate:
    """An item to queue: how much its label would teach (``priority``, higher first) and the model's suggestions."""

    item: Item
    priority: float
    copies: int
    model_version: str | None
    suggestions: dict[str, Any]


def add(store: FeedbackStore, candidates: list[Candidate]) -> tuple[str, list[QueueItem]]:
    """Queue the candidates whose item is not queued yet; return the batch id and the entries added."""
    batch = f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
    created = dt.datetime.now(dt.timezone.utc)
    with store.session() as session, session.begin():
        keys = [c.item.key for c in candidates]
        taken = set(session.execute(select(QueueItem.item_key).where(QueueItem.item_key.in_(keys))).scalars()) if keys else set()
        added = []
        for candidate in candidates:
            if candidate.item.key in taken:
                continue
            taken.add(candidate.item.key)
            entry = QueueItem(created_at=created, batch=batch, copies=candidate.copies, priority=candidate.priority,
                              model_version=candidate.model_version, suggestions=candidate.suggestions,
                              **candidate.item.columns())
            session.add(entry)
            added.append(entry)
    return batch, added


def queued_keys(store: FeedbackStore) -> set[str]:
    with store.session() as session:
        return set(session.execute(select(QueueItem.item_key)).scalars())


def entry(store: FeedbackStore, queue_id: int) -> QueueItem | None:
    with store.session() as session:
        return session.get(QueueItem, queue_id)


def _state(store: FeedbackStore, task: str) -> tuple[list[QueueItem], dict[str, set[str]], dict[str, set[str]]]:
    """Queue entries in offering order; item_key -> annotators with a current label; item_key -> annotators who skipped."""
    with store.session() as session:
        entries = list(session.execute(select(QueueItem).order_by(QueueItem.priority.desc(), QueueItem.id)).scalars())
        events = list(session.execute(select(LabelEvent).where(LabelEvent.task == task,
                                                               LabelEvent.kind.in_((LABEL, SKIP, UNDO)))
                                      .order_by(LabelEvent.id)).scalars())
    labelled: dict[str, set[str]] = {}
    for (_, key, annotator) in derive.current_by_annotator(events):
        labelled.setdefault(key, set()).add(annotator)
    gone = derive.retracted(events)
    skipped: dict[str, set[str]] = {}
    for event in events:
        if event.kind == SKIP and event.id not in gone:
            skipped.setdefault(event.item_key, set()).add(event.annotator)
    return entries, labelled, skipped


def next_for(store: FeedbackStore, annotator: str, task: str) -> tuple[QueueItem | None, dict[str, int]]:
    """The next entry for ``annotator`` on ``task`` (highest priority first) and their progress.

    Progress: ``labelled`` and ``skipped`` by this annotator, ``remaining`` entries still open to them, ``total``.
    """
    entries, labelled, skipped = _state(store, task)
    mine_labelled = mine_skipped = 0
    open_entries = []
    for queued in entries:
        by = labelled.get(queued.item_key, set())
        if annotator in by:
            mine_labelled += 1
        elif annotator in skipped.get(queued.item_key, set()):
            mine_skipped += 1
        elif len(by) < queued.copies:
            open_entries.append(queued)
    progress = {"labelled": mine_labelled, "skipped": mine_skipped, "remaining": len(open_entries),
                "total": len(entries)}
    return (open_entries[0] if open_entries else None), progress


def size(store: FeedbackStore) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count(QueueItem.id))).scalar() or 0)


def item_of(queued: QueueItem) -> Item:
    """The queued entry's item."""
    return Item(queued.text, queued.headline, queued.body, queued.item_id, queued.source, queued.published)
