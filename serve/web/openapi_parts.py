"""Small builders shared by the OpenAPI modules (``openapi``, ``openapi_actors``, ``openapi_feedback``)."""
from __future__ import annotations

from typing import Any


def ref(name: str) -> dict[str, str]:
    """A reference to a schema of ``components.schemas``."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """A response (or request body) of JSON with ``schema``."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error(description: str) -> dict[str, Any]:
    """A response holding the ``{"error": {...}}`` shape."""
    return json_body(ref("Error"), description)
