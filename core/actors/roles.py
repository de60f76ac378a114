"""Who acts and who is acted upon in one sentence: rules over token positions and verb cues.

A sentence's actors get one role each: ``source`` (acts or speaks), ``target`` (acted upon, spoken to or about) or
``mentioned`` (a place, a background). The rules, in order:

1. An agency dateline ("WASHINGTON (Reuters) - ") names where the story was filed: its places are not actors.
2. Introductory phrases ("In Kyiv, ...", "Last week, ...", "Speaking in Moscow, ...") only mention.
3. Reported speech: an actor that speaks ("Russia said ...", "..., Lavrov told reporters", "according to NATO",
   "Lavrov and Kerry said") is the source; every other actor of the sentence is what it speaks to or about
   (target), unless it is a place. When the speaker is no actor ("officials said", "witnesses said"), the reported
   clause is read on its own.
4. Passive voice and "by" agents ("Yemen was attacked by Saudi forces", "proposals announced by the minister"): the
   actors of the ``by`` phrase are sources, the subject the target.
5. Active voice: actors before the clause's first verb are sources, after it targets ("Yemen rejected a U.S.
   request"), except after a place preposition ("in", "at", "near", ...), which only mentions.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from functools import partial
from itertools import repeat
from typing import NamedTuple

from newsframe.core.actors.cues import (AUX, BE, BY_PHRASE_END, CLAUSE_BREAKS, COMMON_VERBS, DATELINE, DETERMINERS,
                                        INDEFINITE, INTRO_STARTS, IRREGULAR_PARTICIPLES, PLACE_ADJECTIVES, PLACE_PREPS,
                                        REPORTING)

try:
    from newsframe.core.actors import _tokens as compiled
except ImportError:  # a source tree used without building: the Python tokeniser below
    compiled = None

ROLE_RANK = {"source": 3, "target": 2, "mentioned": 1}
_TOKEN = re.compile(r"\w+(?:\.\w+)*\.?|[^\w\s]")
_SUBORDINATORS = {"TILL", "UNTIL", "UNLESS", "IF", "WHEN", "AFTER", "BEFORE", "AS", "SINCE", "WHERE", "WHETHER"}
_TIME_WORDS = {"ON", "LAST", "THIS", "EARLIER", "LATER", "LATE", "YESTERDAY", "TODAY", "TONIGHT", "MONDAY", "TUESDAY",
               "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY", "WEEK", "NIGHT", "THAT", "IN", "A", "STATEMENT",
               "ALSO", "AGAIN", "REPORTEDLY", "HAS", "HAVE", "HAD"}


class Token(NamedTuple):
    start: int
    end: int
    word: str  # upper case, without a final full stop
    capital: bool  # written with a capital first letter
    title_case: bool  # in a sentence written in title case (a headline)
    mention: int | None  # index of the mention covering it


_MAKE = partial(tuple.__new__, Token)  # a Token from its fields' tuple, without Token.__new__'s Python call


def tokenize(sentence: str, spans: Sequence[tuple[int, int, bool]] = ()) -> list[Token]:
    """The tokens of ``sentence``, each with the index of the mention span (``spans``: (start, end, reportable),
    offsets within the sentence) that overlaps it, the last such span when several do.

    Compiled (``_tokens.role_tokens``) where the package is built, else :func:`tokenize_python`: the same tokens.
    """
    if compiled is not None:
        return compiled.role_tokens(sentence, spans, _MAKE)
    return tokenize_python(sentence, spans)


def tokenize_python(sentence: str, spans: Sequence[tuple[int, int, bool]] = ()) -> list[Token]:
    """:func:`tokenize` in Python. Tokens are tuples assembled by ``zip`` and ``map``, with no Python call per token:
    token objects built in Python cost more than the role rules themselves."""
    bounds = [m.span() for m in _TOKEN.finditer(sentence)]
    upper = sentence.upper()
    if len(upper) == len(sentence):  # one upper-case character per character: slices of ``upper`` line up
        words = [upper[s:e].rstrip(".") or "." for s, e in bounds]
    else:
        words = [sentence[s:e].upper().rstrip(".") or "." for s, e in bounds]
    capitals = [sentence[s].isupper() for s, _ in bounds]
    long_words = [c for w, c in zip(words, capitals) if w[:1].isalpha() and len(w) > 3]
    title = bool(long_words) and sum(long_words) / len(long_words) > 0.6
    mentions: list[int | None] = [None] * len(bounds)
    ends = [e for _, e in bounds]
    for i, (start, end, _) in enumerate(spans):
        k = bisect_right(ends, start)  # the first token ending after the span starts
        while k < len(bounds) and bounds[k][0] < end:
            mentions[k] = i
            k += 1
    return list(map(_MAKE, zip([s for s, _ in bounds], ends, words, capitals, repeat(title), mentions)))


def dateline_end(sentence: str) -> int:
    """Length of an agency dateline at the start of ``sentence`` ("ABIDJAN (Reuters) - "), 0 when there is none."""
    m = DATELINE.match(sentence)
    return m.end() if m else 0


def assign_roles(sentence: str, spans: Sequence[tuple[int, int, bool]], verbs: Mapping[str, str]) -> list[str | None]:
    """The role of each mention of ``sentence``.

    ``spans``: (start, end, reportable) per mention, offsets within the sentence; reportable is False for a generic
    agent with no country ("police", "officials"), which can act but is not reported. Returns, per mention,
    "source", "target", "mentioned" or None (a dateline place, not an actor mention at all).
    """
    tokens = tokenize(sentence, spans)
    roles: list[str | None] = ["mentioned"] * len(spans)
    skip = dateline_end(sentence)
    for i, (start, _, _) in enumerate(spans):
        if start < skip:
            roles[i] = None
    body = [t for t in tokens if t.start >= skip]
    clause = body[_intro_length(body):]
    speakers, content = _speech(clause, spans, verbs)
    if speakers:
        for i, first in _first_tokens(clause).items():
            roles[i] = "source" if i in speakers else "mentioned" if _after_place(clause, i, first) else "target"
        return roles
    _clause_roles(content if content is not None else clause, roles, verbs)
    return roles


def _clause_roles(clause: list[Token], roles: list[str | None], verbs: Mapping[str, str]) -> None:
    verb = _main_verb(clause, verbs)
    passive = verb is not None and _is_passive(clause, verb)
    # A "by" agent acts in a passive clause, or inside the subject ("troops backed by gunships stormed ..."); after
    # an active verb it belongs to the object ("aid to parts of Yemen controlled by Houthi rebels").
    agents = {i for i, (at, be) in _by_agents(clause).items()
              if passive or verb is None or at < verb or (be and not _subordinate(clause, verb, at))}
    for i, pos in _first_tokens(clause).items():
        if i in agents:
            roles[i] = "source"
        elif _after_place(clause, i, pos) or verb is None:
            roles[i] = "mentioned"
        elif pos < verb:
            roles[i] = "target" if passive else "source"
        else:
            roles[i] = "target"


def _first_tokens(tokens: Sequence[Token]) -> dict[int, int]:
    """Mention -> position of its first token, in order of first appearance."""
    first: dict[int, int] = {}
    for k, tok in enumerate(tokens):
        if tok.mention is not None and tok.mention not in first:
            first[tok.mention] = k
    return first


def _intro_length(tokens: Sequence[Token]) -> int:
    """Tokens of introductory phrases ending in a comma ("In September, ...", "Last week, ...", "Speaking ...,")."""
    n = 0
    while n < len(tokens):
        first = tokens[n]
        if first.mention is not None or first.word == "ACCORDING" or not (
                first.word in INTRO_STARTS or (first.word.endswith("ING") and first.word.isalpha())):
            break
        comma = next((k for k, t in enumerate(tokens[n:n + 14]) if t.word == ","), None)
        if comma is None:
            break
        n += comma + 1
    return n


def _is_verb(tokens: Sequence[Token], k: int, verbs: Mapping[str, str]) -> bool:
    """Is token ``k`` a verb: a CAMEO verb form, an auxiliary, a common news verb or a past form in -ed, used as a
    verb ("the Kremlin warned") and not as a noun ("a U.S. request", "the attack")?"""
    tok = tokens[k]
    word = tok.word
    if tok.mention is not None:
        return False
    if word in AUX:
        return True
    if k and tok.capital and not tok.title_case:
        return False  # "the New York Stock Exchange": a capital inside running text starts a name, not a verb
    past = (word.endswith("ED") and len(word) > 4 and word.isalpha()) or word in IRREGULAR_PARTICIPLES
    if not (past or word in COMMON_VERBS or word in REPORTING or word in verbs):
        return False
    prev = tokens[k - 1] if k else None
    if prev is None:
        return False  # a headline's first word is its subject
    if word.endswith("S") and not past and all(not t.word[:1].isalnum() for t in tokens[k + 1:]):
        return False  # "Russia Ukraine peace talks": a last word in -s is a plural noun
    if prev.word in DETERMINERS or prev.word == "TO":
        return False
    if prev.mention is not None:
        j = k - 1
        while j >= 0 and tokens[j].mention is not None:
            j -= 1
        det = tokens[j].word if j >= 0 else ""
        if det in INDEFINITE or (det == "THE" and not (past or word.endswith("S") or word in COMMON_VERBS)):
            return False
    return True


def _main_verb(tokens: Sequence[Token], verbs: Mapping[str, str]) -> int | None:
    return next((k for k in range(len(tokens)) if _is_verb(tokens, k, verbs)), None)


def _is_participle(word: str) -> bool:
    return (word.endswith(("ED", "EN", "WN")) and word.isalpha()) or word in IRREGULAR_PARTICIPLES


def _is_passive(tokens: Sequence[Token], verb: int) -> bool:
    """"was attacked", "has been criticised", "is to be moved" (not "were holding", "has maintained")."""
    word = tokens[verb].word
    k = verb + 1
    if word in {"HAS", "HAVE", "HAD"}:
        if k >= len(tokens) or tokens[k].word != "BEEN":
            return False
    elif word not in BE:
        return False
    while k < len(tokens) and (tokens[k].word in BE | {"NOT", "ALSO", "TO", "BE", "NOW", "JUST"}
                               or tokens[k].word.endswith("LY")):
        k += 1
    return k < len(tokens) and _is_participle(tokens[k].word)


def _subordinate(tokens: Sequence[Token], verb: int, at: int) -> bool:
    """Does a subordinate clause start between the main verb and position ``at``?"""
    return any(t.word in CLAUSE_BREAKS or t.word in _SUBORDINATORS for t in tokens[verb + 1:at])


def _by_agents(tokens: Sequence[Token]) -> dict[int, tuple[int, bool]]:
    """Mentions in a "by" phrase after a participle ("attacked by Saudi forces"): the position of its "by", and
    whether a form of "be" leads the participle (a passive clause of its own, wherever it stands)."""
    agents: dict[int, tuple[int, bool]] = {}
    for j, tok in enumerate(tokens):
        if tok.word != "BY" or j == 0 or not _is_participle(tokens[j - 1].word):
            continue
        be = any(t.word in BE for t in tokens[max(j - 4, 0):j - 1])
        for nxt in tokens[j + 1:]:
            if nxt.mention is None and nxt.word in BY_PHRASE_END:
                break
            if nxt.mention is not None:
                agents.setdefault(nxt.mention, (j, be))
    return agents


def _speech(clause: list[Token], spans: Sequence[tuple[int, int, bool]],
            verbs: Mapping[str, str]) -> tuple[set[int], list[Token] | None]:
    """(speaking actors, reported clause to read alone when the speaker is no actor) of a reported-speech clause."""
    for k, tok in enumerate(clause):
        if tok.word == "ACCORDING" and k + 1 < len(clause) and clause[k + 1].word == "TO":
            end = next((j for j in range(k + 2, len(clause)) if clause[j].word == ","), len(clause))
            found = {t.mention for t in clause[k + 2:end] if t.mention is not None and spans[t.mention][2]}
            if found:
                return found, None
            return set(), clause[:k] + clause[end + 1:]
        if tok.mention is not None or tok.word not in REPORTING:
            continue
        before = clause[:k]
        if not any(_is_verb(clause, j, verbs) and clause[j].word not in AUX for j in range(k)):  # "X and Y said"
            found = {t.mention for t in before if t.mention is not None and spans[t.mention][2]}
            if found:
                return found, None
            rest = k + 1
            while rest < len(clause) and clause[rest].word in _TIME_WORDS:
                rest += 1
            return set(), clause[rest:]
        comma = max((j for j in range(max(k - 12, 0), k) if clause[j].word in {",", "\u201d", "\""}), default=None)
        if comma is None or any(_is_verb(clause, j, verbs) and (clause[j].word in COMMON_VERBS or _is_participle(
                clause[j].word)) for j in range(comma + 1, k)):
            continue  # "..., X attacked Y and said": a clause, not a speaker's noun phrase ("..., the chain said")
        after = k + 1
        while after < len(clause) and (clause[after].word in _TIME_WORDS or clause[after].mention is not None
                                       or clause[after].capital):
            after += 1
        if after < len(clause) and clause[after].word not in {",", ".", "”", "\"", "!"}:
            continue  # not an attribution ("..., officials said on Tuesday." / "..., say Fatah sources, if ...")
        found = {t.mention for t in clause[comma + 1:after] if t.mention is not None and spans[t.mention][2]}
        if found:
            return found, None
        return set(), clause[:comma] + clause[after + 1:]
    return set(), None


def _after_place(tokens: Sequence[Token], mention: int, first: int) -> bool:
    """Is the mention (its first token at ``first``) the object of a place preposition ("in Kiev", "at the U.N.",
    "in the Argentine capital, Buenos Aires")?"""
    k = first - 1
    while k >= 0 and tokens[k].word in PLACE_ADJECTIVES and tokens[k].mention is None:
        k -= 1
    if k >= 0 and tokens[k].word in PLACE_PREPS:
        return True
    if k >= 0 and tokens[k].word == ",":
        last = max(j for j, t in enumerate(tokens) if t.mention == mention)
        follow = tokens[last + 1].word if last + 1 < len(tokens) else "."
        if follow in {",", ".", ")", ";"} or follow in PLACE_PREPS:
            for j in range(k - 1, max(k - 6, -1), -1):
                if tokens[j].word in PLACE_PREPS:
                    return True
                if tokens[j].word in CLAUSE_BREAKS:
                    break
    return False
