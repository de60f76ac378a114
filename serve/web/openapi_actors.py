"""OpenAPI schemas of the ``actors`` part of a prediction (``"actors": true``), beside :mod:`.openapi`."""
from __future__ import annotations

from typing import Any

ROLES = ["source", "target", "mentioned"]


def actor_schemas() -> dict[str, Any]:
    """``Actor``, ``ActorFraming`` and ``ActorSentence`` components."""
    probability = {"type": "number", "minimum": 0, "maximum": 1}
    framing = {"type": "object", "required": ["label", "confidence", "scores"],
               "properties": {"label": {"type": "string", "description": "cautious, confrontational, or none when the "
                                                                         "actor is never a source"},
                              "confidence": {**probability, "nullable": True},
                              "scores": {"type": "object", "nullable": True, "additionalProperties": probability,
                                         "description": "cautious and confrontational, pooled over the source "
                                                        "sentences weighted by posture; null when never a source"}}}
    sentence = {"type": "object", "required": ["start", "end", "role", "framing"],
                "properties": {"start": {"type": "integer", "minimum": 0, "description": "character offset in the text"},
                               "end": {"type": "integer", "minimum": 0},
                               "role": {"type": "string", "enum": ROLES},
                               "framing": {"$ref": "#/components/schemas/ActorFraming"},
                               "cue": {"type": "object", "nullable": True, "required": ["word", "code", "label"],
                                       "properties": {"word": {"type": "string"}, "code": {"type": "string"},
                                                      "label": {"type": "string", "enum": ["cautious", "confrontational"]}},
                                       "description": "the CAMEO event code of the actor's own verb in this sentence "
                                                      "(sources only; null when none is coded)"}}}
    actor = {"type": "object", "required": ["code", "name", "kind", "role", "mentions", "framing", "sentences"],
             "properties": {"code": {"type": "string", "description": "ISO 3166-1 alpha-3 for a country, else the "
                                                                       "CAMEO code (e.g. IGOUNO)"},
                            "name": {"type": "string"},
                            "kind": {"type": "string", "description": "country, igo, ngo or nonstate"},
                            "sector": {"type": "string", "nullable": True},
                            "role": {"type": "string", "enum": ROLES},
                            "mentions": {"type": "integer", "minimum": 1},
                            "framing": {"$ref": "#/components/schemas/ActorFraming"},
                            "sentences": {"type": "array", "items": {"$ref": "#/components/schemas/ActorSentence"}}}}
    return {"Actor": actor, "ActorFraming": framing, "ActorSentence": sentence}
