"""Text normalisation shared by data preparation, training and scoring."""
from __future__ import annotations

import html
import re

_NUMERIC_ENTITY = re.compile(r" ?#(\d{1,5});")
_NAMED_LEFTOVER = re.compile(r" ?\b(quot|amp|lt|gt);")
_TAGS = re.compile(r"<[^>]{0,300}>")
_SPACES = re.compile(r"\s+")
_NAMED = {"quot": '"', "amp": "&", "lt": "<", "gt": ">"}


def clean_agnews(text: str) -> str:
    """Undo the AG News escaping: ``#39;`` entities, ``quot;`` leftovers, ``\\`` line breaks, HTML tags."""
    text = text.replace("\\", " ")
    text = _NUMERIC_ENTITY.sub(lambda m: chr(int(m.group(1))), text)
    text = _NAMED_LEFTOVER.sub(lambda m: " " + _NAMED[m.group(1)], text)
    text = html.unescape(text)
    text = _TAGS.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def join_text(headline: str | None, body: str | None) -> str:
    """The single string a model reads: headline, then body, separated by a blank line."""
    parts = [p.strip() for p in (headline, body) if isinstance(p, str) and p.strip()]
    return "\n\n".join(parts)


def normalise_for_dedup(text: str) -> str:
    """A comparison key for duplicate detection: case-folded, whitespace collapsed, trimmed."""
    return _SPACES.sub(" ", text).strip().casefold()
