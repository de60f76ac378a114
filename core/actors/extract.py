"""``extract_actors``: a text's actors in order of first mention, each with its role, mentions, framing and the
sentences it appears in (see the package docstring for the result's shape)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from newsframe.core.actors.dictionary import ActorIndex
from newsframe.core.actors.framing import CUE_WEIGHT, actor_framing, sentence_framing
from newsframe.core.actors.matcher import Mention, find_mentions
from newsframe.core.actors.roles import ROLE_RANK, assign_roles
from newsframe.core.actors.segment import split_sentences
from newsframe.core.actors.verbcue import Cue, verb_cue

_ROLE = itemgetter(1)  # the role of a (mention, role) pair
ScoreFn = Callable[[list[str]], Sequence[dict[str, Any]]]


SentenceRoles = tuple[tuple[int, int], list[tuple[Mention, str]], list[tuple[int, int]]]


def sentence_roles(index: ActorIndex, text: str, day: dt.date) -> list[SentenceRoles]:
    """Per sentence with actors: its span, (mention, role) for each reportable actor mention in it, and the spans
    (within the sentence) of all its mentions, generic agents included."""
    mentions = find_mentions(index, text, day)
    out: list[SentenceRoles] = []
    if not any(m.actor for m in mentions):
        return out  # no actor: no sentence to split
    pos = 0
    for start, end in split_sentences(text):
        local = []
        while pos < len(mentions) and mentions[pos].start < end:
            if mentions[pos].start >= start:
                local.append(mentions[pos])
            pos += 1
        if not any(m.actor for m in local):
            continue
        spans = [(m.start - start, m.end - start, m.actor is not None) for m in local]
        roles = assign_roles(text[start:end], spans, index.verbs)
        found = [(m, role) for m, role in zip(local, roles) if m.actor is not None and role is not None]
        if found:
            out.append(((start, end), found, [(s, e) for s, e, _ in spans]))
    return out


def day_of(published: dt.date | None) -> dt.date:
    """The day leaders are resolved on: ``published`` (a datetime counts by its date), else today."""
    return published.date() if isinstance(published, dt.datetime) else published or dt.date.today()


def extract_actors(index: ActorIndex, text: str, published: dt.date | None = None, score: ScoreFn | None = None,
                   *, posture_threshold: float | None = 0.5, cue_weight: float = CUE_WEIGHT,
                   sentences: list[SentenceRoles] | None = None, scores: Sequence[dict[str, Any] | None] | None = None,
                   detail: bool = True) -> list[dict[str, Any]]:
    """The actors of ``text`` (see the package docstring). ``published`` dates the leaders (default: today);
    ``score`` scores the sentences that name an actor, in one call (None: roles only, every framing ``none``);
    ``cue_weight`` is how far a source's CAMEO verb cue pulls its sentence's framing (0: the model alone);
    ``sentences``: ``sentence_roles(index, text, day)`` and ``scores``: their scores (None for a sentence not
    scored), when the caller has them already (batch scoring scores a whole chunk's sentences in one model call);
    ``score`` is then not called.

    ``detail=False`` is what the actors file needs: each actor without its ``sentences``, and ``score`` given only
    the sentences with a source (:func:`scored_sentences`), the only ones an actor's framing reads.
    """
    per_sentence = sentence_roles(index, text, day_of(published)) if sentences is None else sentences
    sentence_scores: list[dict[str, Any] | None] = [None] * len(per_sentence)
    if scores is not None:
        if len(scores) != len(per_sentence):
            raise ValueError(f"{len(scores)} scores given for {len(per_sentence)} sentences")
        sentence_scores = list(scores)
    elif score is not None:
        wanted = range(len(per_sentence)) if detail else scored_sentences(per_sentence)
        answered = list(score([text[s:e] for (s, e), _, _ in (per_sentence[n] for n in wanted)])) if wanted else []
        if len(answered) != len(wanted):
            raise ValueError(f"score function returned {len(answered)} results for {len(wanted)} sentences")
        for n, one in zip(wanted, answered):
            sentence_scores[n] = one
    actors: dict[str, dict[str, Any]] = {}
    cues: dict[tuple[int, str], Cue | None] = {}  # (sentence, actor) -> the cue of its first coded source mention
    for n, ((start, end), found, spans) in enumerate(per_sentence):
        roles: dict[str, str] = {}
        for mention, role in found:
            if role == "source" and cues.get((n, mention.actor)) is None:
                own = (mention.start - start, mention.end - start)
                cues[(n, mention.actor)] = verb_cue(text[start:end], own, [x for x in spans if x != own], index.verbs)
            entry = actors.setdefault(mention.actor, {"mentions": 0, "sectors": [], "sentences": [],
                                                      "first": mention.start})
            entry["mentions"] += 1
            if mention.sector:
                entry["sectors"].append(mention.sector)
            if ROLE_RANK[role] > ROLE_RANK.get(roles.get(mention.actor, ""), 0):
                roles[mention.actor] = role
        for code, role in roles.items():
            actors[code]["sentences"].append((n, start, end, role))
    result = []
    for code, entry in sorted(actors.items(), key=lambda item: item[1]["first"]):
        actor = index.actor(code)
        roles_of = [role for _, _, _, role in entry["sentences"]]
        role = max(roles_of, key=lambda r: ROLE_RANK[r])
        scores_of = [sentence_scores[n] for n, _, _, _ in entry["sentences"]]
        cue_of = [cues.get((n, code)) if r == "source" else None for n, _, _, r in entry["sentences"]]
        out = {
            "code": code, "name": actor.name, "kind": actor.kind,
            "sector": actor.sector or _common(entry["sectors"]),
            "role": role, "mentions": entry["mentions"],
            "framing": actor_framing(scores_of, roles_of, posture_threshold,
                                     [c.label if c else None for c in cue_of], cue_weight),
        }
        if detail:
            out["sentences"] = [{"start": s, "end": e, "role": r,
                                 "framing": sentence_framing(sentence_scores[n], r, posture_threshold,
                                                             cue.label if cue else None, cue_weight),
                                 "cue": cue.as_dict() if cue else None}
                                for (n, s, e, r), cue in zip(entry["sentences"], cue_of)]
        result.append(out)
    return result


def scored_sentences(per_sentence: Sequence[SentenceRoles]) -> list[int]:
    """Indices of the sentences in which some actor is the source: the sentences an actor's framing pools."""
    return [n for n, (_, found, _) in enumerate(per_sentence) if "source" in map(_ROLE, found)]


def _common(sectors: list[str]) -> str | None:
    """The sector the actor's mentions name most often (first named wins a tie), None when none names one."""
    if not sectors:
        return None
    return max(dict.fromkeys(sectors), key=sectors.count)
