"""The feedback tables (SQLAlchemy 2 declarative): label events, append-only, and the labelling queue.

Nothing is ever updated or deleted in ``label_events``: an undo is one more event (``kind="undo"``, ``target_id``
naming the event it retracts), and every current label is derived from the log (:mod:`.derive`). The schema is
created and changed only by the Alembic migrations in ``migrations/``, which must match these classes.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

LABEL, UNDO, SKIP = "label", "undo", "skip"
KINDS = (LABEL, UNDO, SKIP)


class UtcDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class ItemColumns:
    """The item an event or queue entry is about (see :class:`newsframe.core.feedback.items.Item`)."""

    item_key: Mapped[str] = mapped_column(String(32), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    headline: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    item_id: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str | None] = mapped_column(String(500))
    published: Mapped[dt.date | None] = mapped_column(Date)


class QueueItem(ItemColumns, Base):
    """An item queued for labelling by ``newsframe queue add``; ``copies`` annotators are to label it (1 or 2)."""

    __tablename__ = "queue_items"
    __table_args__ = (Index("ix_queue_items_item_key", "item_key", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    batch: Mapped[str] = mapped_column(String(64), nullable=False)
    copies: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    priority: Mapped[float] = mapped_column(Float, nullable=False)
    model_version: Mapped[str | None] = mapped_column(String(100))
    suggestions: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


class LabelEvent(ItemColumns, Base):
    """One thing an annotator did: gave a label, skipped an item, or undid an earlier event."""

    __tablename__ = "label_events"
    __table_args__ = (Index("ix_label_events_task_item", "task", "item_key"),
                      Index("ix_label_events_annotator", "annotator"),
                      Index("ix_label_events_created_at", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    annotator: Mapped[str] = mapped_column(String(200), nullable=False)
    task: Mapped[str] = mapped_column(String(64), nullable=False)
    label: Mapped[str | None] = mapped_column(String(200))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("label_events.id"))
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queue_items.id"))
    model_version: Mapped[str | None] = mapped_column(String(100))
    suggestion: Mapped[str | None] = mapped_column(String(200))
    confidence: Mapped[float | None] = mapped_column(Float)

    def record(self) -> dict[str, Any]:
        """The event as the API shows it (JSON types; dates ISO 8601)."""
        return {"id": self.id, "created_at": self.created_at.isoformat(), "kind": self.kind,
                "annotator": self.annotator, "task": self.task, "label": self.label, "target_id": self.target_id,
                "queue_id": self.queue_id,
                "item": {"key": self.item_key, "text": self.text, "headline": self.headline, "body": self.body,
                         "id": self.item_id, "source": self.source,
                         "published": self.published.isoformat() if self.published else None},
                "model": {"version": self.model_version, "suggestion": self.suggestion, "confidence": self.confidence}}
