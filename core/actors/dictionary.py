"""The compiled actor dictionary (``data/actors``): actors, dated phrases, generic agents and verbs, with one
multi-pattern automaton (ahocorasick_rs, Rust's aho-corasick) over every phrase.

``ActorIndex.load(directory)`` reads only the files in ``FILES``; ``index.version`` is a hash of their bytes, so a
model version can record, and later check, the dictionary it was trained or served with.
"""
from __future__ import annotations

import csv
import datetime as dt
import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import ahocorasick_rs
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


class Phrase(NamedTuple):
    """What an automaton key stands for: a name, with its patterns.csv rows (pattern, actor, sector, start, end,
    priority, stem), or an agent sector ("police").

    A name's rows become ``Reading``s only when a text names it (``ActorIndex.readings``): building all 43,000 made a
    third of loading the dictionary, which every ``--actors`` run pays. The rows are plain tuples of strings, which the
    garbage collector stops tracking: the dictionary left ~110,000 tracked objects for every later full collection
    to walk, now ~36,000 (the phrases themselves)."""

    text: str
    rows: tuple[tuple[str, ...], ...] = ()
    agent_sector: str | None = None
    stem: bool = False


def _rows(path: Path) -> list[tuple[str, ...]]:
    """The rows of a compiled CSV file without its header."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return list(map(tuple, csv.reader(handle)))[1:]
    except FileNotFoundError as exc:
        raise DataError(str(path), "actor dictionary file missing (rebuild with python data/actors/build.py)") from exc


@contextmanager
def no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused, for work that allocates many objects and keeps them alive (the dictionary
    load, a batch's actors): the collections they set off walk the same live objects again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ActorIndex:
    """Actors, phrases and verbs of one compiled dictionary, with the automaton that finds the phrases in text."""

    def __init__(self, directory: Path, actors: dict[str, Actor], phrases: dict[str, Phrase],
                 verbs: dict[str, str], version: str) -> None:
        self.directory = directory
        self.actors = actors
        self.phrases = phrases
        self.verbs = verbs
        self.version = version
        self._readings: dict[str, tuple[Reading, ...]] = {}
        # Every match, overlaps included (the matcher picks among them); the contiguous NFA builds in about half the
        # default's time and scans about as fast (BENCHMARKS.md).
        self.keyed = list(phrases.values())  # the automaton's pattern index -> phrase
        self.automaton = ahocorasick_rs.AhoCorasick(list(phrases), matchkind=ahocorasick_rs.MatchKind.Standard,
                                                    implementation=ahocorasick_rs.Implementation.ContiguousNFA)

    @classmethod
    def load(cls, directory: str | Path) -> ActorIndex:
        """Read a compiled dictionary directory (``actors.csv``, ``patterns.csv``, ``agents.csv``, ``verbs.csv``)."""
        with no_collection():
            return cls._read(Path(directory))

    @classmethod
    def _read(cls, directory: Path) -> ActorIndex:
        digest = hashlib.sha256()
        for name in FILES:
            path = directory / name
            if not path.is_file():
                raise DataError(str(path), "actor dictionary file missing (rebuild with python data/actors/build.py)")
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        actors = {code: Actor(code, name, kind, sector or None)
                  for code, name, kind, sector in _rows(directory / "actors.csv")}
        rows = _rows(directory / "patterns.csv")
        if any(len(row) != 7 for row in rows):
            raise DataError(str(directory / "patterns.csv"), "a row without the 7 columns of its header")
        unknown = {row[1] for row in rows} - actors.keys() - {"-"}
        if unknown:
            pattern, actor = next((row[0], row[1]) for row in rows if row[1] in unknown)
            raise DataError(str(directory / "patterns.csv"), f"pattern {pattern!r}: unknown actor {actor!r}")
        for priority in {row[5] for row in rows}:
            int(priority)  # a malformed priority fails the load, not the first text that names its phrase
        grouped: dict[str, tuple[tuple[str, ...], ...]] = {}
        for pattern, group in groupby(rows, key=itemgetter(0)):  # the file lists a pattern's rows together
            grouped[pattern] = grouped.get(pattern, ()) + tuple(group)
        stems = {row[0] for row in rows if row[6] == "1"}
        phrases = {key: Phrase(key, group, None, key in stems) for key, group in grouped.items()}
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

    def readings(self, phrase: Phrase) -> tuple[Reading, ...]:
        """The dated readings of a name, in file order (built on first use)."""
        found = self._readings.get(phrase.text)
        if found is None:  # two threads may both build it: the same tuple
            found = self._readings[phrase.text] = tuple(Reading(actor, sector or None, start, end, int(priority))
                                                        for _, actor, sector, start, end, priority, _ in phrase.rows)
        return found

    def resolve(self, phrase: Phrase, day: dt.date) -> Reading | None:
        """The reading of a name on ``day``: updates.csv rows first, then the 2014 rows; within each, a dated row
        covering the day beats an undated default. None when no row applies (a person not in office then, say)."""
        readings = self.readings(phrase)
        if len(readings) == 1 and not readings[0].dated:
            return None if readings[0].actor == "-" else readings[0]
        day = day.isoformat()
        for priority in (1, 0):
            rows = [r for r in readings if r.priority == priority]
            chosen = next((r for r in rows if r.dated and r.covers(day)), None) or next(
                (r for r in rows if not r.dated), None)
            if chosen is not None:
                return None if chosen.actor == "-" else chosen
        return None
