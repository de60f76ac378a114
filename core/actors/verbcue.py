"""The CAMEO verb cue of a source: the event code of the predicate its mention governs, as an event coder reads it.

Event coders (PETRARCH) code the source actor's own verb with the CAMEO verb dictionary; the code's root says
cooperation (01-08) or conflict (09-20). This module reads the same dictionary (``ActorIndex.verbs``: verb form ->
code, ``---`` when the verb codes nothing alone) on plain tokens, without a parse, with one rule per sentence and
source mention:

1. **Passive agent** ("Ukraine was attacked by Russian drones"): a mention right after ``by`` (determiners between
   allowed) takes the nearest coded verb in the three words before ``by``.
2. **Otherwise the first coded word after the mention**, up to :data:`WINDOW` words and the clause's end (``;``,
   ``:``, ``?``, ``!``, "but", "while", "whereas"), skipping the mention's own words, words the dictionary does not
   know and other actors ("Moscow has handed Washington a list of demands": ``DEMANDS`` 100). Verb forms double as
   headline nouns ("Russia Pushes Demands", "calls for peace"), which is what headlines need. A verb that codes
   nothing alone (``---``: "presented", "carried out", "launched") is the predicate: only its object, the next
   :data:`OBJECT_WINDOW` words, can still give the cue ("presented its demands", "carried out attacks"), as CAMEO's
   verb + object patterns do, or a participle after a comma ("maintained a cautious stance, calling for peace":
   the same subject's next predicate). A word in a place, time or topic phrase (:data:`_PHRASE_PREPS`, three words
   back: "the most critical voice in the conflict") is no predicate of the source. Capitalised words inside a sentence that is not a title-case headline are names
   ("Stock Exchange", "Line of Control"), not verbs.
3. **Statements are not postures**: a root-01 word (say, tell, state, talks: "make a public statement") is read
   past; the reported clause is the speaker's own only when a pronoun takes it up before any other actor is named
   ("Russia said it would attack": ``ATTACK`` 190 is Russia's; "Russia said Ukraine attacked": no cue for Russia,
   the attack is Ukraine's; "China said talks went well": no cue).
4. **Reducing** ("suspended aid", "cut ties", "reduced humanitarian aid"): a ``---`` verb that stops or reduces
   (:data:`REDUCING`) turns a cooperative object into CAMEO root 16, reduce relations (``160``, confrontational).
5. **Negation and rejection** (:data:`_NEGATION`: "not", "won't", "refused", "rejected", "declined"): the first
   dictionary word in the next :data:`OBJECT_WINDOW` + 1 words decides. Refusing a cooperative or uncoded predicate
   or object ("won't accept any deal", "will not lift the embargo", "rejected the dialogue offer") is CAMEO root 12,
   reject (``120``, confrontational); a negated conflict or statement ("did not attack", "denied attacking",
   "declined to comment") gives no cue.

The cue's label is ``cautious`` for roots 02-08 (appeal, intent to cooperate, consult, cooperate, aid, yield) and
``confrontational`` for roots 09-20 (investigate, demand, disapprove, reject, threaten, protest, ... fight).
A speaker at the end of its quote (", Lavrov said") gets no cue: the quote comes before it.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

try:
    from newsframe.core.actors import _tokens as compiled
except ImportError:  # a source tree used without building: the Python tokeniser below
    compiled = None

WINDOW = 12
OBJECT_WINDOW = 4
_TOKEN = re.compile(r"\w+(?:[.'’]\w+)*|[^\w\s]")
_CLAUSE_END = {";", ":", "?", "!", "BUT", "WHILE", "WHEREAS"}
_NEGATION = {"NOT", "NO", "NEVER", "WON'T", "WON’T", "DON'T", "DON’T", "DOESN'T", "DOESN’T", "DIDN'T", "DIDN’T",
             "CAN'T", "CAN’T", "CANNOT", "ISN'T", "ISN’T", "WOULDN'T", "WOULDN’T", "NOR", "REFUSED", "REFUSES",
             "REFUSE", "FAILED", "FAILS", "REJECT", "REJECTS", "REJECTED", "REJECTING", "DENY", "DENIES", "DENIED",
             "DECLINE", "DECLINES", "DECLINED", "REFUSING"}
REDUCING = {f"{stem}{end}" for stem in ("REDUCE", "SUSPEND", "HALT", "STOP", "FREEZE", "SLASH", "CURB", "CUT")
            for end in ("", "S", "D", "ED", "ING")} | {"STOPPED", "STOPPING", "CUTTING", "FROZE", "FROZEN"}
_STATEMENTS = {"ACCORDING"}  # "according to": attribution, though CAMEO's ACCORD codes 060
_PRONOUNS = {"IT", "HE", "SHE", "THEY", "WE", "I"}
_PHRASE_PREPS = {"IN", "AT", "ON", "DURING", "AMID", "AMONG", "OVER", "ABOUT", "BETWEEN", "WITHIN", "ACROSS", "AFTER",
                 "BEFORE", "SINCE", "INTO", "NEAR", "INSIDE", "THROUGHOUT"}
_BY_FILLERS = {"THE", "A", "AN", "ITS", "THEIR", "HIS", "HER"}
_STATEMENT_ROOT = 1
_POSSESSIVE = ("'S", "’S")


@dataclass(frozen=True)
class Cue:
    """A coded word: ``word`` as written, its CAMEO ``code``, the ``label`` its root gives, offsets in the sentence."""
    word: str
    code: str
    label: str
    start: int
    end: int

    def as_dict(self) -> dict[str, object]:
        return {"word": self.word, "code": self.code, "label": self.label}


def root_of(code: str) -> int | None:
    """The CAMEO root (1-20) of a code such as ``100``, ``0344`` or ``041:041`` (first code counts); None for ``---``."""
    digits = code.split(":")[0]
    return int(digits[:2]) if digits[:2].isdigit() and 1 <= int(digits[:2]) <= 20 else None


def label_of(root: int) -> str | None:
    """``cautious`` (02-08), ``confrontational`` (09-20) or None (01, statements)."""
    if root == _STATEMENT_ROOT:
        return None
    return "cautious" if root <= 8 else "confrontational"


def sentence_tokens(sentence: str) -> tuple[list[tuple[int, int, str]], list[int], bool]:
    """(start, end, word) per token, the word upper-cased without a possessive ``'s``; the tokens' end offsets; and
    whether the sentence is in title case (a headline: most words of four letters or more capitalised).

    Compiled (``_tokens.cue_tokens``) where the package is built, else :func:`sentence_tokens_python`: the same.
    """
    if compiled is not None:
        return compiled.cue_tokens(sentence)
    return sentence_tokens_python(sentence)


def sentence_tokens_python(sentence: str) -> tuple[list[tuple[int, int, str]], list[int], bool]:
    """:func:`sentence_tokens` in Python."""
    bounds = [m.span() for m in _TOKEN.finditer(sentence)]
    upper = sentence.upper()
    if len(upper) == len(sentence):  # one upper-case character per character: slices of ``upper`` line up
        words = [upper[s:e] for s, e in bounds]
    else:
        words = [sentence[s:e].upper() for s, e in bounds]
    words = [w[:-2] if w.endswith(_POSSESSIVE) else w for w in words]
    long_words = [sentence[s] for (s, e), w in zip(bounds, words) if w[:1].isalpha() and e - s > 3]
    title = bool(long_words) and sum(c.isupper() for c in long_words) / len(long_words) > 0.6
    return [(s, e, w) for (s, e), w in zip(bounds, words)], [e for _, e in bounds], title


def _overlapping(tokens: Sequence[tuple[int, int, str]], ends: list[int], span: tuple[int, int]) -> list[int]:
    """Indices of the tokens that overlap ``span`` (tokens in order, ``ends`` their end offsets)."""
    k = bisect_right(ends, span[0])  # the first token ending after the span starts
    found = []
    while k < len(tokens) and tokens[k][0] < span[1]:
        found.append(k)
        k += 1
    return found


def verb_cue(sentence: str, source: tuple[int, int], others: Sequence[tuple[int, int]],
             verbs: Mapping[str, str]) -> Cue | None:
    """The verb cue of the source mention at ``source`` (offsets in ``sentence``); ``others`` are the sentence's
    other mention spans (any actor or agent), ``verbs`` the dictionary's form -> code. None when no rule codes it."""
    tokens, ends, title = sentence_tokens(sentence)
    inside = _overlapping(tokens, ends, source)
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    taken = {i for span in others for i in _overlapping(tokens, ends, span)}

    def other(i: int) -> bool:
        return i in taken

    def name(i: int) -> bool:
        return i > 0 and not title and sentence[tokens[i][0]].isupper()

    def coded(i: int) -> tuple[str, int] | None:
        if name(i):
            return None
        if any(tokens[j][2] in _PHRASE_PREPS for j in range(max(i - 3, last + 1), i)):
            return None  # in a place, time or topic phrase
        code = verbs.get(tokens[i][2])
        root = root_of(code) if code else None
        return (code, root) if code and root else None

    def cue(i: int, code: str, label: str) -> Cue:
        s, e, _ = tokens[i]
        return Cue(sentence[s:e], code, label, s, e)

    def negated(at: int) -> Cue | None:
        for i in range(at + 1, min(at + 2 + OBJECT_WINDOW, len(tokens))):
            if tokens[i][2] in _CLAUSE_END or other(i):
                return None
            hit = coded(i)
            if hit is not None:
                return cue(i, "120", "confrontational") if label_of(hit[1]) == "cautious" else None
            if verbs.get(tokens[i][2]) == "---" and not name(i):
                return cue(i, "120", "confrontational")
        return None

    before = first - 1
    while before >= 0 and tokens[before][2] in _BY_FILLERS:
        before -= 1
    if before >= 0 and tokens[before][2] == "BY":  # rule 1: passive agent
        for i in range(before - 1, max(before - 4, -1), -1):
            hit = coded(i)
            if hit and label_of(hit[1]):
                return cue(i, hit[0], label_of(hit[1]))
        return None
    reported = reducing = object_mode = taken_up = False
    stop = min(last + 1 + WINDOW, len(tokens))
    i = last
    while i + 1 < stop:
        i += 1
        word = tokens[i][2]
        if word in _CLAUSE_END:
            return None
        if word == "," and object_mode and i + 1 < len(tokens) and tokens[i + 1][2].endswith("ING"):
            stop = min(i + 2, len(tokens))  # "..., calling for peace": the participle only
            continue
        if other(i):
            if reported:
                return None  # rule 3: the reported clause has its own subject (rules: the module docstring)
            continue
        if word in _NEGATION:
            return negated(i)  # rule 5
        if word in _STATEMENTS:
            reported = True
            continue
        if reported and word in _PRONOUNS:
            taken_up = True
            continue
        hit = coded(i)
        if hit is None:
            if verbs.get(word) == "---" and not name(i):
                stop = min(stop, i + 1 + OBJECT_WINDOW)  # the predicate: its object only
                reducing, object_mode = word in REDUCING, True
            continue
        label = label_of(hit[1])
        if label is None:
            reported = True
            continue
        if reported and not taken_up:
            continue  # the reported clause's own subject acts
        if reducing and label == "cautious":
            return cue(i, "160", "confrontational")  # rule 4
        return cue(i, hit[0], label)
    return None
