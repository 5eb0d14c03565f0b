"""The route a request goes to is remembered per method and path shape (app/route_lookup.py):
that is right only while every path of one shape goes to one route. Checked over the whole
route table, and through HTTP: requests that differ in their ids or words after one of
their shape was routed still get their own route's answer."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Route

from app.route_lookup import RouteLookup, _shape
from tests.factories import make_room, ok

_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
# What a path parameter may be written as in a request: ids in every form the id convertor
# takes (signs, leading zeros, past the database's range) and a word.
_VALUES = ("1", "42", "007", "+3", "-1", "2147483648", "redeem", "x9")


def _templates(routes: list[BaseRoute]) -> set[tuple[str, str]]:
    """(method, path template) of every route, included routers' routes too."""
    found: set[tuple[str, str]] = set()
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found |= _templates(inner.routes)
        elif isinstance(route, Route) or hasattr(route, "methods"):
            for method in getattr(route, "methods", None) or {"GET"}:
                found.add((method, route.path))  # type: ignore[attr-defined]
    return found


def _scope(app: FastAPI, method: str, path: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "app": app}


def test_every_path_of_a_shape_goes_to_one_route(app: FastAPI) -> None:
    lookup = app.router.middleware_stack
    assert isinstance(lookup, RouteLookup)
    templates = _templates(app.router.routes)
    assert len(templates) > 100
    for method, template in sorted(templates):
        for value in _VALUES:
            path = _PARAM.sub(value, template)
            shaped = _shape(path)
            first = lookup.first_full_match(_scope(app, method, path))
            assert first == lookup.first_full_match(_scope(app, method, shaped)), (
                method,
                path,
                shaped,
            )


def test_requests_of_one_shape_get_their_own_answers(client: TestClient) -> None:
    room = make_room(client)
    chair = room.chair.headers
    group = ok(client.get(f"/v1/groups/{room.group_id}", headers=chair))
    assert group["id"] == room.group_id
    # The same shape with another id: that id's answer (404), not the remembered one's.
    missing = client.get(f"/v1/groups/{room.group_id + 1000}", headers=chair)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    # An id past the range is refused by that route (422), as before.
    assert client.get("/v1/groups/2147483648", headers=chair).status_code == 422
    # A method the path does not take is still a 405, after the path's shape was routed.
    assert client.put("/healthz").status_code == 405
    assert client.put("/healthz").status_code == 405
