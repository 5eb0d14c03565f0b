"""The published contract: FastAPI's document, with errors described as they really are."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.errors import PROBLEM_MEDIA_TYPE

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details. Extra members depend on the `type`.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "Stable URI naming the kind of problem"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {"type": "object"},
            "description": "Validation errors (for type ...:validation-error)",
        },
    },
    "additionalProperties": True,
}

_PROBLEM_REF = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def install_openapi(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        components["Problem"] = PROBLEM_SCHEMA
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                for code in list(responses):
                    if code[0] in "45":
                        responses[code]["content"] = _PROBLEM_REF
                responses.setdefault(
                    "4XX",
                    {"description": "Client error (problem details)", "content": _PROBLEM_REF},
                )
                responses.setdefault(
                    "5XX",
                    {"description": "Server error (problem details)", "content": _PROBLEM_REF},
                )
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]
