"""What a label is attached to: one news item, keyed by its normalised model text.

The key is the same whichever way the text arrived (``text``, or ``headline``/``body`` joined as in training), so a
label given over HTTP, a queued item and a row of the bundled data meet on it (``train --feedback`` relies on that).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from newsframe.core.schema import model_text
from newsframe.core.text import normalise_for_dedup


def item_key(text: str) -> str:
    """sha256 (hex, 32 characters) of the case-folded, whitespace-collapsed model text."""
    return hashlib.sha256(normalise_for_dedup(text).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Item:
    """A news item as given: its model text plus the optional fields the caller sent."""

    text: str
    headline: str | None = None
    body: str | None = None
    id: str | None = None
    source: str | None = None
    published: dt.date | None = None

    @classmethod
    def of(cls, headline: str | None = None, body: str | None = None, text: str | None = None,
           **extra: Any) -> Item:
        """Build from headline/body or text (the model-text rule of :func:`newsframe.core.schema.model_text`)."""
        joined = model_text(headline, body, text)
        if not joined:
            raise ValueError("the item has no text (headline, body and text all empty)")
        return cls(joined, headline if text is None else None, body if text is None else None, **extra)

    @property
    def key(self) -> str:
        return item_key(self.text)

    def columns(self) -> dict[str, Any]:
        """The item's database columns."""
        return {"item_key": self.key, "text": self.text, "headline": self.headline, "body": self.body,
                "item_id": self.id, "source": self.source, "published": self.published}
