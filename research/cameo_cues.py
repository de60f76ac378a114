"""CAMEO verb-dictionary cues: verbs and verb + object phrases whose CAMEO event root says cooperation or conflict.

Source: ``../shared/data/cameo_dictionaries/CAMEO.2.0.txt`` (PETRARCH2, openeventdata/petrarch2 commit
676801cd9cb2924bbbad09f86d15c9323e7097bf, MIT). Two kinds of entries are used, matched on plain lowercased words
(PETRARCH matches on a parse tree; plain text finds only part of what it would):
- a verb block with its own code (``--- ACCUSE [112] ---``): every verb form of the block;
- a pattern ``- * WORD ... [code]`` of literal words in any block: a verb form of the block followed, within two
  words, by those words ("impose ... sanctions").
Roots 03-08 (intent to cooperate .. yield) are ``coop``, 09-20 (investigate .. mass violence) ``conf``; 01-02
(statements, appeals) are left out, as the CAMEO sentence data leaves them without a framing label.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from newsframe.core.text import headline2_cues

DICTIONARY = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cameo_dictionaries" / "CAMEO.2.0.txt"
HEADER = re.compile(r"^---\s+(\S+)\s+\[([^\]]+)\]\s+---")
PATTERN = re.compile(r"^-\s+\*\s+([A-Z_ ]+?)\s*\[([0-9:]+)\]")
WORD = re.compile(r"[a-z]+")


def root_class(code: str) -> str | None:
    """``coop`` / ``conf`` / None for a CAMEO code such as ``112``, ``0344`` or ``042:043`` (first code counts)."""
    digits = code.split(":")[0]
    if not digits[:2].isdigit():
        return None
    root = int(digits[:2])
    return "coop" if 3 <= root <= 8 else "conf" if 9 <= root <= 20 else None


def verb_forms(line: str) -> list[str]:
    """The forms of one verb line: ``SPEED {SPEEDING SPEEDS SPED }`` as written, else regular inflections."""
    head, _, braces = line.partition("{")
    base = head.split("#")[0].strip().lstrip("+").lower()
    if not base or not re.fullmatch(r"[a-z]+", base):
        return []  # multi-word and special entries are left out
    if braces:
        return [base, *(w.lower() for w in braces.split("}")[0].split() if w.isalpha())]
    stem = base.removesuffix("e")
    plural = base[:-1] + "ies" if base.endswith("y") and base[-2:-1] not in "aeiou" else (
        base + "es" if base.endswith(("s", "x", "z", "ch", "sh")) else base + "s")
    past = base + "d" if base.endswith("e") else (base[:-1] + "ied" if base.endswith("y") and base[-2:-1] not in "aeiou" else base + "ed")
    return [base, plural, past, stem + "ing"]


@functools.lru_cache(maxsize=1)
def compile_cues(path: Path = DICTIONARY) -> tuple[dict[str, str], dict[str, list[tuple[tuple[str, ...], str]]]]:
    """(verb form -> class, verb form -> [(object words, class)]) from the dictionary's verb section."""
    verbs: dict[str, str] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    block_class, forms, in_verbs = None, [], False
    for raw in path.read_text(encoding="latin-1").splitlines():
        line = raw.rstrip()
        if "VERB PATTERNS" in line:
            in_verbs = True
            continue
        if not in_verbs or not line or line.startswith("#"):
            continue
        header = HEADER.match(line)
        if header:
            block_class, forms = root_class(header.group(2)), []
            continue
        if line.startswith("-"):
            pattern = PATTERN.match(line)
            cls = root_class(pattern.group(2)) if pattern else None
            if cls and "_" not in pattern.group(1):
                words = tuple(w.lower() for w in pattern.group(1).split())
                for form in forms:
                    phrases.setdefault(form, []).append((words, cls))
            continue
        new = verb_forms(line)
        forms += new
        if block_class:
            for form in new:
                verbs.setdefault(form, block_class)
    return verbs, phrases


def cue_tokens(text: str) -> list[str]:
    """``zzcameocoop`` / ``zzcameoconf`` per verb or phrase cue found in ``text``."""
    verbs, phrases = compile_cues()
    words = WORD.findall(text.lower())
    out = []
    for i, word in enumerate(words):
        if word in verbs:
            out.append(f"zzcameo{verbs[word]}")
        for objects, cls in phrases.get(word, ()):
            window = words[i + 1:i + 3 + len(objects)]
            if any(tuple(window[j:j + len(objects)]) == objects for j in range(3)):
                out.append(f"zzcameo{cls}")
                break
    return out


def headline2_cues_cameo(text: str) -> str:
    """The shipped preprocessor (headline twice, negation and hedge cues) plus the CAMEO cue tokens."""
    return " ".join([headline2_cues(text), *cue_tokens(text)])
