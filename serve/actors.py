"""Actors of a text and how each is framed: the model version's actor dictionary, and its sentences scored by the
version's own framing and posture models.

The dictionary a version uses travels with it: the trainer copies the compiled dictionary into the version's
``actors/`` directory (hashed in the manifest like every file), so a version answers the same actors wherever it is
served. A version written before that has no ``actors`` entry in its manifest and uses the dictionary bundled with
the package (``data/actors``).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from newsframe.core.actors import ActorIndex, extract_actors
from newsframe.core.actors.dictionary import no_collection
from newsframe.core.actors.extract import ScoreFn, day_of, scored_sentences, sentence_roles
from newsframe.core.artifacts import ModelVersion

if TYPE_CHECKING:
    from newsframe.serve.predictor import Predictor

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def actor_index(model: ModelVersion) -> ActorIndex:
    """The actor dictionary of ``model``: its own copy (manifest ``actors.dir``) or, for older versions, the bundled one."""
    entry = model.manifest.get("actors")
    if isinstance(entry, dict) and entry.get("dir"):
        return ActorIndex.load(model.path / str(entry["dir"]))
    return ActorIndex.default()


def parse_date(value: Any) -> dt.date | None:
    """A publication date from a cell or field: a date/datetime/Timestamp, or text starting ``YYYY-MM-DD``.

    Anything else (missing, unparseable) is ``None``: leaders then resolve to the office they hold today.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


class ActorScorer:
    """Finds a text's actors with one version's dictionary and frames them with that version's sentence scores."""

    def __init__(self, predictor: Predictor, index: ActorIndex | None = None) -> None:
        self.predictor = predictor
        self.index = index if index is not None else actor_index(predictor.model)
        self._framing = predictor.labels("framing") if "framing" in predictor.model.tasks else None
        self._posture = predictor.labels("posture").index("posture") if predictor.has_posture else None
        self._tasks = ("framing", "posture")  # what a sentence's scores are read for: the topic model is not run
        predictor.fast_model(self._tasks)  # built now, before a pool forks, not in each worker

    def sentence_scores(self, sentences: list[str]) -> list[dict[str, Any]]:
        """Per sentence: ``{"framing": {label: p}, "posture": r}``, all sentences in one ``predict_proba`` call.

        Without a posture model every sentence counts as framing a posture (``r = 1``).
        """
        if not sentences:
            return []
        proba = self.predictor.predict_proba(sentences, self._tasks)
        framing = proba["framing"]
        posture = proba["posture"][:, self._posture] if self._posture is not None else None
        return [{"framing": {label: float(p) for label, p in zip(self._framing, framing[i])},
                 "posture": 1.0 if posture is None else float(posture[i])} for i in range(len(sentences))]

    def find(self, text: str, published: dt.date | None = None) -> list[dict[str, Any]]:
        """The actors of ``text`` in order of first mention, each with role, mentions, framing and sentences.

        A version without a framing model finds actors and roles only (every framing ``none``).
        """
        return self._extract(text, published, self.sentence_scores if self._framing is not None else None)

    def find_many(self, texts: Sequence[str], published: Sequence[dt.date | None],
                  detail: bool = True) -> list[list[dict[str, Any]]]:
        """``find`` of each text, with the sentences of all the texts scored in one ``predict_proba`` call.

        What batch scoring uses: one model call per text cost more than the scoring itself. The results are
        ``find``'s: the model scores each sentence on its own, whatever the batch. ``detail=False`` (the actors
        file): actors without their ``sentences``, and only the sentences with a source scored (see
        ``extract_actors``).
        """
        with no_collection():  # a batch's tuples stay alive to its end: collections would walk them repeatedly
            days = [day_of(day) for day in published]
            per_text = [sentence_roles(self.index, text, day) for text, day in zip(texts, days)]
            wanted = [range(len(sentences)) if detail else scored_sentences(sentences) for sentences in per_text]
            flat = None
            if self._framing is not None:
                flat = iter(self.sentence_scores([text[sentences[n][0][0]:sentences[n][0][1]]
                                                  for text, sentences, ns in zip(texts, per_text, wanted) for n in ns]))
            found = []
            for text, day, sentences, ns in zip(texts, days, per_text, wanted):
                scores: list[dict[str, Any] | None] | None = None
                if flat is not None:
                    scores = [None] * len(sentences)
                    for n in ns:
                        scores[n] = next(flat)
                found.append(self._extract(text, day, None, sentences, scores, detail))
            return found

    def _extract(self, text: str, day: dt.date | None, score: ScoreFn | None, sentences: list[Any] | None = None,
                 scores: list[dict[str, Any] | None] | None = None, detail: bool = True) -> list[dict[str, Any]]:
        # The version's own posture threshold, so an actor's `none` means what the document's `none` means (a
        # version without one: extract_actors' default).
        threshold = self.predictor.none_threshold
        options = {} if threshold is None else {"posture_threshold": threshold}
        return extract_actors(self.index, text, published=day, score=score, sentences=sentences, scores=scores,
                              detail=detail, **options)
