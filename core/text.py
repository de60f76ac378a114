"""Text normalisation shared by data preparation, training and scoring."""
from __future__ import annotations

import html
import re
from typing import Callable

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


# --- Registered text preprocessors ----------------------------------------------------------------------
# A FeatureSet may name one of these; it becomes the TfidfVectorizer's ``preprocessor``. A custom
# preprocessor replaces sklearn's own lowercasing, so every function here lowercases. They are pure
# str -> str functions so that ``build_analyzer()`` reproduces them exactly wherever the vectoriser goes.

NEGATORS = frozenset("not no never cannot without nor neither n't refuses refused refuse declines declined".split())
HEDGES = frozenset(
    "may might could possibly perhaps probably reportedly allegedly apparently likely unlikely considers "
    "considering consider mulls mulling weighs weighing eyes hopes hope expected expects seeks seeking "
    "suggests suggested would should appears seems tentative cautious caution cautiously wary".split()
)
HEDGE_TOKEN, NEGATION_PREFIX = "zzhedge", "neg_"
NEGATION_SCOPE = 3  # words after a negator that are marked
_WORD_OR_PUNCT = re.compile(r"n't|\w+(?:'\w+)?|[.,;:!?()\"\n]")
_BREAKS = frozenset('.,;:!?()"\n')


def _headline_body(text: str) -> tuple[str, str]:
    """Split model text (see ``join_text``) into headline and body; text without a blank line is all body."""
    head, sep, body = text.partition("\n\n")
    return (head, body) if sep else ("", text)


def headline_weighted(text: str, times: int = 2) -> str:
    """Lowercased text with the headline written ``times`` times, so headline words weigh more."""
    head, body = _headline_body(text.lower())
    return "\n\n".join([head] * times + [body]) if head else body


def mark_cues(text: str) -> str:
    """Lowercase; prefix the few words after a negator with ``neg_``; add one ``zzhedge`` token per hedge word."""
    out, scope, hedges = [], 0, 0
    for token in _WORD_OR_PUNCT.findall(text.lower().replace("\u2019", "'")):
        if token in _BREAKS:
            scope = 0
            out.append(token)
            continue
        hedges += token in HEDGES
        if token in NEGATORS or token.endswith("n't"):
            out.append(token)
            scope = NEGATION_SCOPE
        elif scope:
            out.append(NEGATION_PREFIX + token)
            scope -= 1
        else:
            out.append(token)
    return " ".join(out + [HEDGE_TOKEN] * hedges)


def headline2(text: str) -> str:
    """``headline_weighted`` with the headline twice."""
    return headline_weighted(text, 2)


def headline3(text: str) -> str:
    """``headline_weighted`` with the headline three times."""
    return headline_weighted(text, 3)


def headline2_cues(text: str) -> str:
    """Headline twice, then negation and hedge cues (see ``mark_cues``)."""
    head, body = _headline_body(text)
    return mark_cues(f"{head}\n\n{head}\n\n{body}" if head else body)


PREPROCESSORS = {"lower": str.lower, "headline2": headline2, "headline3": headline3, "cues": mark_cues,
                 "headline2+cues": headline2_cues}


def get_preprocessor(name: str | None) -> Callable[[str], str] | None:
    """The registered preprocessor called ``name`` (None for sklearn's default lowercasing)."""
    if name is None:
        return None
    try:
        return PREPROCESSORS[name]
    except KeyError:
        raise KeyError(f"unknown preprocess {name!r}; known: {', '.join(PREPROCESSORS)}") from None
