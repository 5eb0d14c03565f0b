"""The published contract: FastAPI's document, with errors described as they really are."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

from app.errors import PROBLEM_MEDIA_TYPE
from app.events.types import TypedEvent

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
WRITE_METHODS = ("post", "put", "patch", "delete")
# Text is stored as UTF-8 in SQLite and PostgreSQL: a NUL character (PostgreSQL refuses it)
# or a lone surrogate (no UTF-8 for it) is refused with 422. JSON Schema says the first as a
# pattern; a lone surrogate has no pattern (ECMA regexes match code points), so it is said
# in words, on every text field of a request body.
NO_NUL = "^[^\\u0000]*$"
TEXT_NOTE = "Text: no NUL character, no lone surrogate (422)."

# The problems an operation can answer, by what it takes.
_IF_MATCH_RESPONSES = {
    "412": "If-Match names an ETag that is no longer current (problem carries the current one)",
    "428": "If-Match is missing (precondition-required)",
}
_IDEMPOTENCY_RESPONSES = {
    "400": "Idempotency-Key is not printable ASCII (invalid-idempotency-key), or the request "
    "is not valid HTTP (malformed-request)",
    "409": "A request with this Idempotency-Key is still running (idempotency-key-in-use, "
    "Retry-After), or the write conflicts with the current state",
    "422": "Idempotency-Key reused with another body, or the request is not valid",
}
_BODY_RESPONSES = {
    "408": "The request body did not arrive within PLENARY_BODY_TIMEOUT_SECONDS",
    "413": "The request body is over PLENARY_MAX_BODY_BYTES",
    "422": "The request is not valid (validation-error, with an `errors` list)",
}
_AUTH_RESPONSES = {
    "401": "No token, or a token that is unknown or revoked",
    "429": "Too many requests with a bad token from this address, or too many writes with "
    "this token (Retry-After)",
}
_WRITE_RESPONSES = {
    "429": "Too many writes with this token, or bad tokens from this address (Retry-After)",
}
_PATH_RESPONSES = {"404": "No such resource, or one of another group"}


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
        _type_events(schema, components)
        anonymous = _operations_open_to_anonymous(app)
        _describe_text_constraints(components)
        _describe_exactly_one_change(components)
        _link_etags_to_if_match(schema.get("paths", {}))
        _link_created_to_item(schema.get("paths", {}))
        for path, item in schema.get("paths", {}).items():
            for method, operation in item.items():
                if operation.get("operationId") in anonymous and operation.get("security"):
                    # `{}`: no credentials is also a way in (public reads, redeeming an
                    # invitation); a token still changes what the caller may see or do.
                    operation["security"] = [{}, *operation["security"]]
                _describe_preconditions(path, method, operation)
                _constrain_query_text(operation)
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


def _add_responses(operation: dict[str, Any], described: dict[str, str]) -> None:
    responses = operation.setdefault("responses", {})
    for code, description in described.items():
        if code not in responses:
            responses[code] = {"description": description}
        elif code == "422":
            responses[code]["description"] = described[code]


def _describe_preconditions(path: str, method: str, operation: dict[str, Any]) -> None:
    """What FastAPI cannot see: If-Match is required (the handler answers 428 itself, so the
    Python type is optional), and the problems each kind of request can meet."""
    headers = {p["name"]: p for p in operation.get("parameters", []) if p.get("in") == "header"}
    if_match = headers.get("If-Match")
    if if_match is not None:
        if_match["required"] = True
        if_match["schema"] = {"type": "string", "minLength": 1, "maxLength": 200}
        _add_responses(operation, _IF_MATCH_RESPONSES)
    key = headers.get("Idempotency-Key")
    if key is not None:
        key["schema"] = {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "pattern": key["schema"].get("pattern", ""),
        }
        _add_responses(operation, _IDEMPOTENCY_RESPONSES)
    if "requestBody" in operation:
        _add_responses(operation, _BODY_RESPONSES)
    if operation.get("security"):
        _add_responses(operation, _AUTH_RESPONSES)
    if method in WRITE_METHODS:
        _add_responses(operation, _WRITE_RESPONSES)
    if "{" in path:
        _add_responses(operation, _PATH_RESPONSES)


def _request_models(components: dict[str, Any]) -> list[dict[str, Any]]:
    # Request bodies are InputModels, which forbid unknown fields; answers never do.
    return [s for s in components.values() if s.get("additionalProperties") is False]


def _constrain_text(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _constrain_text(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and "format" not in node and "enum" not in node:
        if "pattern" in node:
            node.setdefault("allOf", []).append({"pattern": NO_NUL})
        else:
            node["pattern"] = NO_NUL
    for key in ("anyOf", "oneOf", "allOf", "items", "prefixItems"):
        if key in node:
            _constrain_text(node[key])
    if isinstance(node.get("additionalProperties"), dict):
        _constrain_text(node["additionalProperties"])


def _describe_text_constraints(components: dict[str, Any]) -> None:
    for model in _request_models(components):
        has_text = False
        for field in model.get("properties", {}).values():
            before = json.dumps(field)
            _constrain_text(field)
            has_text = has_text or json.dumps(field) != before
        if has_text:
            description = model.get("description", "")
            model["description"] = f"{description}\n\n{TEXT_NOTE}".strip()


def _constrain_query_text(operation: dict[str, Any]) -> None:
    """A text query parameter is refused with a NUL as a body field is (`StorableQuery`)."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query" and "schema" in parameter:
            _constrain_text(parameter["schema"])


def _describe_exactly_one_change(components: dict[str, Any]) -> None:
    """A proposal or a draft revision gives its wording as `text` or as `patch`, exactly one
    (the other absent or null): the model validator says so in Python, this in the contract."""
    for model in _request_models(components):
        properties = model.get("properties", {})
        if "text" in properties and "patch" in properties:
            model["oneOf"] = [
                {
                    "required": ["text"],
                    "properties": {"text": {"type": "string"}, "patch": {"type": "null"}},
                },
                {
                    "required": ["patch"],
                    "properties": {"patch": {"type": "string"}, "text": {"type": "null"}},
                },
            ]


ETAG_HEADER = {
    "description": "The resource's strong ETag: send it back as If-Match to change it",
    "schema": {"type": "string"},
}


def _link_etags_to_if_match(paths: dict[str, Any]) -> None:
    """OpenAPI links from each read or write of a report, section or amendment to every write
    of the same resource that takes If-Match: the id carries over and the answer's ETag
    becomes the If-Match. A client (and schemathesis's stateful phase) can then chain
    read -> write -> write as a person would, instead of guessing an ETag."""
    writes: dict[str, list[str]] = {}  # the resource's path prefix -> operation ids
    for path, item in paths.items():
        for operation in item.values():
            names = {p["name"] for p in operation.get("parameters", [])}
            if "If-Match" in names:
                writes.setdefault(_resource_of(path), []).append(operation["operationId"])
    for path, item in paths.items():
        resource = _resource_of(path)
        if resource not in writes:
            continue
        parameter = resource.rsplit("{", 1)[1].rstrip("}")
        for method, operation in item.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            is_read = method == "get" and path == resource
            if not (is_read or "If-Match" in names):
                continue
            ok = [c for c in operation.get("responses", {}) if c.startswith("2")]
            for code in ok:
                response = operation["responses"][code]
                response.setdefault("headers", {})["ETag"] = ETAG_HEADER
                links = response.setdefault("links", {})
                for target in writes[resource]:
                    links[f"{target}_with_etag"] = {
                        "operationId": target,
                        "parameters": {
                            f"path.{parameter}": f"$request.path.{parameter}",
                            "header.If-Match": "$response.header.ETag",
                        },
                        "description": "The same resource, with the ETag just answered",
                    }


def _resource_of(path: str) -> str:
    """`/v1/amendments/{amendment_id}/adopt` -> `/v1/amendments/{amendment_id}`."""
    parts = path.split("/")
    for index, part in enumerate(parts):
        if part.startswith("{"):
            return "/".join(parts[: index + 1])
    return path


def _link_created_to_item(paths: dict[str, Any]) -> None:
    """OpenAPI links from each creation (`POST .../reports` -> 201 with an `id`) to every
    operation on the created item (`/v1/reports/{report_id}` and below)."""
    for path, item in paths.items():
        created = item.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        segments = path.rstrip("/").split("/")
        # `.../reports/import` creates a report too
        collection = segments[-2] if segments[-1] == "import" else segments[-1]
        parameter = f"{collection.removesuffix('s')}_id"
        prefix = f"/v1/{collection}/{{{parameter}}}"
        links = created.setdefault("links", {})
        for target_path, target_item in paths.items():
            if target_path != prefix and not target_path.startswith(prefix + "/"):
                continue
            for operation in target_item.values():
                links[f"{operation['operationId']}_of_created"] = {
                    "operationId": operation["operationId"],
                    "parameters": {f"path.{parameter}": "$response.body#/id"},
                    "description": "The item just created",
                }


def _operations_open_to_anonymous(app: FastAPI) -> set[str]:
    """Operation ids whose route never demands a token (no `current_principal`, nor a
    `idempotency.deferred_caller_claiming`, among its dependencies): FastAPI marks every route that
    reads the bearer scheme as secured."""
    from fastapi.dependencies.models import Dependant
    from fastapi.routing import APIRoute, iter_route_contexts

    from app.auth import current_principal
    from app.idempotency import deferred_caller_claiming

    demanding = (current_principal, deferred_caller_claiming)

    def demands_token(dependant: Dependant) -> bool:
        return any(d.call in demanding or demands_token(d) for d in dependant.dependencies)

    open_ids = set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and not demands_token(route.dependant):
            open_ids.add(route.name)  # the operation id (app.main._operation_id)
    return open_ids


def _type_events(schema: dict[str, Any], components: dict[str, Any]) -> None:
    """Events as a union discriminated by `type` (app/events/types.py): in the event log's
    pages, and named as the `data:` of the stream."""
    union = TypeAdapter(TypedEvent).json_schema(ref_template="#/components/schemas/{model}")
    components.update(union.pop("$defs"))
    components["TypedEvent"] = {
        "title": "TypedEvent",
        "description": "An event: `type` names it and decides the shape of `payload`.",
        **union,
    }
    page = components.get("EventPage", {}).get("properties", {})
    if "items" in page:
        page["items"]["items"] = {"$ref": "#/components/schemas/TypedEvent"}
    stream = schema.get("paths", {}).get("/v1/reports/{report_id}/stream", {}).get("get")
    if stream is not None:
        ok = stream["responses"]["200"]
        ok["description"] += " (the `data:` of each message is a TypedEvent)"
        ok["x-event-schema"] = {"$ref": "#/components/schemas/TypedEvent"}
