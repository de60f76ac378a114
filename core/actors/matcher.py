"""Find actor mentions in text: every dictionary phrase at once (Aho-Corasick), on word boundaries, longest match
first, with case rules for names, then generic agents joined to the country that qualifies them ("Russian troops",
"Iraq's foreign minister", "the president of France").

Case rules: dictionary names must start with a capital in the text ("Turkey", not "turkey"); names of at most three
letters (acronyms: "US", "UN", "EU", "U.S.") must be upper case ("us" is a pronoun). Generic agents ("police",
"foreign minister") match in any case.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from newsframe.core.actors.dictionary import NONSTATE_SECTORS, ActorIndex, Phrase

# A stemmed phrase may carry a demonym or plural ending ("Russia" -> "Russian(s)", "Iraq" -> "Iraqi(s)", not
# "Indian" -> "Indiana"); a stopped one only a plural "s" when its last word looks like a demonym ("Afghans").
_STEM_TAIL = re.compile(r"(?:ANS|AN|IS|I|ES|S|NS|N)(?![A-Z])")
_DEMONYM_END = ("AN", "I", "ER", "ESE", "ISH")
_JOINERS = {"OF", "IN", "FOR", "FROM"}
_POSSESSIVE = re.compile(r"^\s*'S?\s*$")
_SPACE_ONLY = re.compile(r"^(?:\s+|-)$")  # "Russian troops", "Russian-backed"; not "NEW YORK - Investors"
_WORDS = re.compile(r"[\s-]+")
_PARTICLES = {"al", "el", "ad", "as", "an", "ash", "at", "az", "ul", "de", "du", "da", "la", "le", "van", "von", "bin",
              "ibn", "ben", "abu"}


@dataclass
class Mention:
    """One mention: its span in the text, and either an actor (code, sector) or a bare agent sector."""

    start: int
    end: int
    actor: str | None
    sector: str | None
    agent: bool = False


_STRAIGHTEN = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-",
                             "\u2012": "-", "\u2013": "-"})


def normalise(text: str) -> str:
    """Upper-case the text keeping its length (so offsets carry over), straightening quotes and dashes."""
    if text.isascii() and "`" not in text:
        return text.upper()  # nothing to straighten, and ASCII capitals keep the length
    upper = text.translate(_STRAIGHTEN).upper()
    if len(upper) == len(text):
        return upper
    out = []  # a character whose capital is longer ("ß" -> "SS") stays as it is
    for ch in text:
        if ch in "\u2019\u2018`\u02bc":
            ch = "'"
        elif ch in "\u2010\u2011\u2012\u2013":
            ch = "-"
        up = ch.upper()
        out.append(up if len(up) == 1 else ch)
    return "".join(out)


def _case_ok(surface: str, phrase: Phrase) -> bool:
    if phrase.agent_sector is not None:
        return True
    if sum(map(str.isalpha, surface)) <= 3:
        return all(c.isupper() for c in surface if c.isalpha())
    if surface[:1].isupper() or surface[:1].isdigit():
        return True
    words = _WORDS.split(surface)  # "al-Qaeda", "bin Laden", "von der Leyen": a particle, then a capital
    return words[0] in _PARTICLES and any(w[:1].isupper() for w in words[1:])


def candidates(index: ActorIndex, text: str, norm: str) -> list[tuple[int, int, Phrase]]:
    """Every dictionary phrase in ``text`` on word boundaries, as (start, end, phrase), overlaps included."""
    found = []
    size = len(norm)
    keyed = index.keyed
    # Most hits are inside a word ("US" in "BUSINESS"): the word-boundary tests (str.isalnum) run inline.
    for key, start, end in index.automaton.find_matches_as_indexes(norm, overlapping=True):
        phrase = keyed[key]
        if start > 0 and norm[start - 1].isalnum() and norm[start].isalnum():
            continue
        if end < size and norm[end].isalnum():
            if phrase.stem:
                tail = _STEM_TAIL.match(norm, end)
                end = tail.end() if tail else end  # no ending fits: the word goes on, no match
            elif norm[end] == "S" and phrase.text.endswith(_DEMONYM_END):
                end += 1
            if end < size and norm[end].isalnum():
                continue
        if not _case_ok(text[start:end], phrase):
            continue
        found.append((start, end, phrase))
    return found


def longest_first(found: list[tuple[int, int, Phrase]]) -> list[tuple[int, int, Phrase]]:
    """Non-overlapping matches, longer ones first, then leftmost; returned in text order."""
    chosen: list[tuple[int, int, Phrase]] = []
    taken: list[tuple[int, int]] = []
    for start, end, phrase in sorted(found, key=lambda m: (-(m[1] - m[0]), m[0])):
        if any(start < e and s < end for s, e in taken):
            continue
        chosen.append((start, end, phrase))
        taken.append((start, end))
    return sorted(chosen, key=lambda m: m[0])


def find_mentions(index: ActorIndex, text: str, day: dt.date) -> list[Mention]:
    """Actor and agent mentions of ``text`` in order, names resolved on ``day``, agents joined to their country."""
    norm = normalise(text)
    mentions: list[Mention] = []
    for start, end, phrase in longest_first(candidates(index, text, norm)):
        if phrase.agent_sector is not None:
            mentions.append(Mention(start, end, None, phrase.agent_sector, agent=True))
            continue
        reading = index.resolve(phrase, day)
        if reading is not None:
            mentions.append(Mention(start, end, reading.actor, reading.sector))
    return join_agents(index, norm, mentions)


def join_agents(index: ActorIndex, norm: str, mentions: list[Mention]) -> list[Mention]:
    """Merge a country name and the agent it qualifies into one mention of that country with the agent's sector.

    "Russian troops", "Russia's foreign minister", "U.S. President Joe Biden" (country, agent, name), "the president
    of France": the country keeps the mention, the agent gives the sector unless the name already has one.
    """
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        m = mentions[i]
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if m.actor and nxt and nxt.agent and _country(index, m.actor) and _adjacent(norm, m.end, nxt.start):
            merged = Mention(m.start, nxt.end, m.actor, m.sector or nxt.sector)
            after = mentions[i + 2] if i + 2 < len(mentions) else None
            if after and after.actor == m.actor and _SPACE_ONLY.match(norm[nxt.end:after.start]):
                merged = Mention(m.start, after.end, m.actor, after.sector or merged.sector)  # "U.S. President Biden"
                i += 1
            out.append(merged)
            i += 2
            continue
        if m.agent and nxt and nxt.actor and _country(index, nxt.actor):
            between = norm[m.end:nxt.start].split()
            if len(between) <= 2 and between[:1] and between[0] in _JOINERS and all(w == "THE" for w in between[1:]):
                out.append(Mention(m.start, nxt.end, nxt.actor, nxt.sector or m.sector))  # "the president of France"
                i += 2
                continue
        out.append(m)
        i += 1
    return [_nonstate(index, m) for m in out]


def _nonstate(index: ActorIndex, m: Mention) -> Mention:
    """A country mention whose sector is not the state becomes that sector's actor ("Afghan rebels" -> AFGREB)."""
    if m.actor and m.sector in NONSTATE_SECTORS and _country(index, m.actor):
        return Mention(m.start, m.end, m.actor + NONSTATE_SECTORS[m.sector], m.sector)
    return m


def _country(index: ActorIndex, code: str) -> bool:
    actor = index.actors.get(code)
    return actor is not None and actor.kind == "country"


def _adjacent(norm: str, end: int, start: int) -> bool:
    gap = norm[end:start]
    return bool(_SPACE_ONLY.match(gap) or _POSSESSIVE.match(gap))
