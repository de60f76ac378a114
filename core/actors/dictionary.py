"""The compiled actor dictionary (``data/actors``): actors, dated phrases, generic agents and verbs, with one
multi-pattern automaton (pyahocorasick) over every phrase.

``ActorIndex.load(directory)`` reads only the files in ``FILES``; ``index.version`` is a hash of their bytes, so a
model version can record, and later check, the dictionary it was trained or served with.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import NamedTuple
from pathlib import Path

import ahocorasick

from newsframe.core.errors import DataError

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data" / "actors"
FILES = ("actors.csv", "patterns.csv", "agents.csv", "verbs.csv")
# Sectors that are not the state, with their CAMEO code: "Afghan rebels" is its own actor, AFGREB; "Afghan police"
# is Afghanistan (sector police).
NONSTATE_SECTORS = {"rebels": "REB", "armed group": "UAF", "opposition": "OPP", "business": "BUS", "media": "MED",
                    "civilians": "CVL", "labour": "LAB", "education": "EDU", "health": "HLH", "refugees": "REF",
                    "agriculture": "AGR", "human rights": "HRI", "environment": "ENV", "development": "DEV",
                    "criminals": "CRM", "ngo": "NGO", "religious": "REL", "radicals": "RAD", "moderates": "MOD",
                    "party": "PTY", "militant": "REB"}


@dataclass(frozen=True)
class Actor:
    """One reportable actor: a country, an international or non-governmental organisation, or a non-state group."""

    code: str
    name: str
    kind: str
    sector: str | None


class Reading(NamedTuple):
    """One dated reading of a phrase: the actor and sector it names between ``start`` and ``end`` (ISO dates,
    inclusive; "" = open), from updates.csv (priority 1) or the 2014 dictionaries (0)."""

    actor: str
    sector: str | None
    start: str
    end: str
    priority: int

    def covers(self, day: str) -> bool:
        """Does the reading hold on ``day`` (ISO text: ISO dates compare as strings)?"""
        return (not self.start or self.start <= day) and (not self.end or day <= self.end)

    @property
    def dated(self) -> bool:
        return bool(self.start or self.end)


@dataclass(frozen=True)
class Phrase:
    """What an automaton key stands for: actor readings (a name) or an agent sector ("police")."""

    text: str
    readings: tuple[Reading, ...] = ()
    agent_sector: str | None = None
    stem: bool = False


def _rows(path: Path) -> list[list[str]]:
    """The rows of a compiled CSV file without its header."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))[1:]
    except FileNotFoundError as exc:
        raise DataError(str(path), "actor dictionary file missing (rebuild with python data/actors/build.py)") from exc


class ActorIndex:
    """Actors, phrases and verbs of one compiled dictionary, with the automaton that finds the phrases in text."""

    def __init__(self, directory: Path, actors: dict[str, Actor], phrases: dict[str, Phrase],
                 verbs: dict[str, str], version: str) -> None:
        self.directory = directory
        self.actors = actors
        self.phrases = phrases
        self.verbs = verbs
        self.version = version
        self.automaton = ahocorasick.Automaton()
        for key, phrase in phrases.items():
            self.automaton.add_word(key, phrase)
        self.automaton.make_automaton()

    @classmethod
    def load(cls, directory: str | Path) -> ActorIndex:
        """Read a compiled dictionary directory (``actors.csv``, ``patterns.csv``, ``agents.csv``, ``verbs.csv``)."""
        directory = Path(directory)
        digest = hashlib.sha256()
        for name in FILES:
            path = directory / name
            if not path.is_file():
                raise DataError(str(path), "actor dictionary file missing (rebuild with python data/actors/build.py)")
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        actors = {code: Actor(code, name, kind, sector or None)
                  for code, name, kind, sector in _rows(directory / "actors.csv")}
        readings: dict[str, list[Reading]] = {}
        stems: set[str] = set()
        for pattern, actor, sector, start, end, priority, stem in _rows(directory / "patterns.csv"):
            if actor not in actors and actor != "-":
                raise DataError(str(directory / "patterns.csv"), f"pattern {pattern!r}: unknown actor {actor!r}")
            readings.setdefault(pattern, []).append(Reading(actor, sector or None, start, end, int(priority)))
            if stem == "1":
                stems.add(pattern)
        phrases = {key: Phrase(key, tuple(rs), stem=key in stems) for key, rs in readings.items()}
        for pattern, sector in _rows(directory / "agents.csv"):
            if pattern not in phrases:  # a name beats a generic agent of the same spelling
                phrases[pattern] = Phrase(pattern, agent_sector=sector)
        verbs = {form: code for form, _, code in _rows(directory / "verbs.csv")}
        return cls(directory, actors, phrases, verbs, "sha256:" + digest.hexdigest()[:16])

    @classmethod
    def default(cls) -> ActorIndex:
        """The dictionary bundled with the source checkout (``data/actors``)."""
        return cls.load(DEFAULT_DIR)

    def actor(self, code: str) -> Actor:
        """The actor of ``code``; a country's non-state sector missing from actors.csv ("SYRREF", Syrian refugees)
        is named after the country and the sector."""
        found = self.actors.get(code)
        if found is not None:
            return found
        country = self.actors.get(code[:3])
        sector = next((name for name, cameo in NONSTATE_SECTORS.items() if cameo == code[3:6]), None)
        if country is None or country.kind != "country" or sector is None:
            raise KeyError(code)
        return Actor(code, f"{country.name} {sector}", "nonstate", sector)

    def resolve(self, phrase: Phrase, day: dt.date) -> Reading | None:
        """The reading of a name on ``day``: updates.csv rows first, then the 2014 rows; within each, a dated row
        covering the day beats an undated default. None when no row applies (a person not in office then, say)."""
        if len(phrase.readings) == 1 and not phrase.readings[0].dated:
            return None if phrase.readings[0].actor == "-" else phrase.readings[0]
        day = day.isoformat()
        for priority in (1, 0):
            rows = [r for r in phrase.readings if r.priority == priority]
            chosen = next((r for r in rows if r.dated and r.covers(day)), None) or next(
                (r for r in rows if not r.dated), None)
            if chosen is not None:
                return None if chosen.actor == "-" else chosen
        return None
