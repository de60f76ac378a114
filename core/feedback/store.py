"""The feedback store: append label, skip and undo events; read the log and the labels derived from it.

One store per process (the app factory, a CLI command); it is safe across ``fork`` (gunicorn's preloaded app):
the first use in a new process drops the connections inherited from the parent.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Sequence
from typing import Any

from newsframe.core.feedback import derive
from newsframe.core.feedback.database import open_engine
from newsframe.core.feedback.items import Item
from newsframe.core.feedback.models import LABEL, SKIP, UNDO, LabelEvent
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session


class EventNotFound(LookupError):
    """No event has that id."""


class CannotUndo(ValueError):
    """The event is an undo itself, or was undone already."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class FeedbackStore:
    """Label events in one database (see :mod:`newsframe.core.feedback.database` for the URL).

    ``open`` connects and migrates at once; ``deferred`` waits for the first use (a server that is never sent
    feedback creates no database file), and then raises the same ConfigError if the database cannot be used.
    """

    def __init__(self, engine: Engine | None = None, url: str | None = None) -> None:
        self._engine, self._url = engine, url
        self._pid = os.getpid()
        self._lock = threading.Lock()

    @classmethod
    def open(cls, url: str) -> FeedbackStore:
        """Open (and migrate) the database at ``url``; ConfigError if it cannot be used."""
        return cls(open_engine(url))

    @classmethod
    def deferred(cls, url: str) -> FeedbackStore:
        """A store that opens (and migrates) ``url`` on first use."""
        return cls(url=url)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = open_engine(str(self._url))
        return self._engine

    @property
    def opened(self) -> bool:
        return self._engine is not None

    @property
    def url(self) -> str:
        """The URL without its password (for logs and reports)."""
        return (self._engine.url if self._engine is not None else make_url(str(self._url))).render_as_string(hide_password=True)

    def session(self) -> Session:
        engine = self.engine
        if os.getpid() != self._pid:  # forked: the parent's pooled connections must not be shared
            engine.dispose(close=False)
            self._pid = os.getpid()
        return Session(engine, expire_on_commit=False)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    def _append(self, event: LabelEvent) -> LabelEvent:
        with self.session() as session, session.begin():
            session.add(event)
        return event

    def add_label(self, item: Item, task: str, label: str, annotator: str, *, model_version: str | None = None,
                  suggestion: str | None = None, confidence: float | None = None,
                  queue_id: int | None = None) -> LabelEvent:
        """Append a label event (the caller has checked task and label; see :mod:`.tasks`)."""
        return self._append(LabelEvent(created_at=now(), kind=LABEL, annotator=annotator, task=task, label=label,
                                       queue_id=queue_id, model_version=model_version, suggestion=suggestion,
                                       confidence=confidence, **item.columns()))

    def skip(self, item: Item, task: str, annotator: str, queue_id: int | None = None) -> LabelEvent:
        """Record that ``annotator`` passed over an item (the queue stops offering it to them)."""
        return self._append(LabelEvent(created_at=now(), kind=SKIP, annotator=annotator, task=task,
                                       queue_id=queue_id, **item.columns()))

    def undo(self, event_id: int) -> LabelEvent:
        """Retract a label or skip event by appending an undo event (same annotator, task and item).

        The check and the append are one transaction; on PostgreSQL the target row is locked, so two concurrent undos
        of one event cannot both succeed.
        """
        with self.session() as session, session.begin():
            target = session.execute(select(LabelEvent).where(LabelEvent.id == event_id)
                                     .with_for_update()).scalar_one_or_none()
            if target is None:
                raise EventNotFound(f"no feedback event with id {event_id}")
            if target.kind == UNDO:
                raise CannotUndo(f"event {event_id} is an undo; label again instead of undoing an undo")
            done = session.execute(select(LabelEvent.id).where(LabelEvent.kind == UNDO,
                                                               LabelEvent.target_id == event_id)).first()
            if done is not None:
                raise CannotUndo(f"event {event_id} was already undone (by event {done[0]})")
            columns = {c: getattr(target, c) for c in ("item_key", "text", "headline", "body", "item_id", "source",
                                                       "published", "annotator", "task", "queue_id")}
            event = LabelEvent(created_at=now(), kind=UNDO, target_id=event_id, **columns)
            session.add(event)
        return event

    def events(self, task: str | None = None, annotator: str | None = None, since: dt.datetime | None = None,
               until: dt.datetime | None = None, after_id: int = 0, kinds: Sequence[str] | None = None) -> list[LabelEvent]:
        """Events in id order, filtered (``since`` inclusive, ``until`` exclusive)."""
        query = select(LabelEvent).where(LabelEvent.id > after_id).order_by(LabelEvent.id)
        if task is not None:
            query = query.where(LabelEvent.task == task)
        if annotator is not None:
            query = query.where(LabelEvent.annotator == annotator)
        if since is not None:
            query = query.where(LabelEvent.created_at >= since)
        if until is not None:
            query = query.where(LabelEvent.created_at < until)
        if kinds is not None:
            query = query.where(LabelEvent.kind.in_(list(kinds)))
        with self.session() as session:
            return list(session.execute(query).scalars())

    def current(self, task: str | None = None, annotator: str | None = None, since: dt.datetime | None = None,
                until: dt.datetime | None = None) -> list[LabelEvent]:
        """Each annotator's current label per item and task, in event order; the time range applies to those events."""
        labels = derive.current_by_annotator(self.events(task, annotator))
        return sorted((e for e in labels.values() if (since is None or e.created_at >= since)
                       and (until is None or e.created_at < until)), key=lambda e: e.id)

    def current_by_item(self, task: str | None = None, up_to: int | None = None) -> dict[tuple[str, str], LabelEvent]:
        """(task, item_key) -> the item's current label, from events up to id ``up_to`` (all when None)."""
        events = self.events(task)
        if up_to is not None:
            events = [e for e in events if e.id <= up_to]
        return derive.current_by_item(events)

    def agreement(self) -> dict[str, Any]:
        """Per task: doubly-labelled items, raw agreement and Cohen's kappa (:func:`.derive.agreement`)."""
        return derive.agreement(self.events(kinds=(LABEL, UNDO)))

    def last_event_id(self) -> int:
        with self.session() as session:
            return int(session.execute(select(func.max(LabelEvent.id))).scalar() or 0)
