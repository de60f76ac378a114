"""Actors of a news text and how each is framed (issue 15, core half).

Stable interface (the API, batch, page and trends code against it)::

    from newsframe.core.actors import ActorIndex, extract_actors
    index = ActorIndex.load(directory)      # a compiled dictionary (data/actors); ActorIndex.default() = bundled one
    index.version                           # "sha256:<16 hex>" of the dictionary files: record it with a model
    found = extract_actors(index, text, published=None, score=score_fn)   # published: datetime.date | None

``score_fn(sentences: list[str]) -> list[dict]``, one dict per sentence, each
``{"framing": {"cautious": p, "confrontational": q}, "posture": r}``; it is called once per text with the sentences
that name an actor. ``score=None`` gives roles without framing (every label ``none``). Keyword
``posture_threshold`` (default 0.5; pass the model version's threshold, ``None`` = never) is the posture
probability below which a source is framed ``none``.

``found`` lists the actors in order of first mention::

    {"code": "RUS", "name": "Russia", "kind": "country", "sector": "government" | None,
     "role": "source" | "target" | "mentioned", "mentions": 3,
     "framing": {"label": "cautious" | "confrontational" | "none", "confidence": float | None,
                 "scores": {"cautious": float, "confrontational": float} | None},
     "sentences": [{"start": 0, "end": 57, "role": "source", "framing": {...same shape...},
                    "cue": {"word": "demands", "code": "100", "label": "confrontational"} | None}]}

``start``/``end`` are character offsets into ``text``. ``code`` is ISO 3166-1 alpha-3 for a country (its
government, military, police ... are the country, with ``sector`` saying which) and the CAMEO code otherwise
(``IGOUNO`` United Nations, ``IGOWSTNAT`` NATO, ``PSEREBHMS`` Hamas, ``AFGREB`` Taliban/Afghan rebels).
``kind`` is country, igo, ngo or nonstate. An actor's ``role`` is its strongest over its sentences (source >
target > mentioned). Its ``framing`` pools the sentences where it is the source, weighted by posture (see
``framing``); a sentence's ``framing`` is the sentence's own scores, labelled only where the actor is its source.
A source sentence's ``cue`` is the CAMEO code of the actor's own verb (``verbcue``; None when no rule codes it, and
for a target or mentioned actor): it counts as posture evidence and pulls the source's scores toward its label by
keyword ``cue_weight`` (default ``framing.CUE_WEIGHT``; 0 = the model's scores alone).
Leaders resolve to the country (or organisation) whose office they held on ``published`` (default: today).
"""
from newsframe.core.actors.dictionary import Actor, ActorIndex
from newsframe.core.actors.extract import extract_actors
from newsframe.core.actors.framing import actor_framing, sentence_framing

__all__ = ["Actor", "ActorIndex", "actor_framing", "extract_actors", "sentence_framing"]
