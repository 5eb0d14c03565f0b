"""The route a request goes to, remembered per method and path shape.

FastAPI's router tries every route in order until one matches the whole request, and each
included router tries each of its routes with some bookkeeping of its own: a request for a
route late in the list (amendments, consents, events) paid for a regular-expression match
and that bookkeeping on every route before it. Which route matches first is a function of
the method and the path's shape (its segments, each run of digits an id may be written
with standing for any: every path convertor here treats `5` and `0`, `+5` and `+0` alike),
so it is found by the usual scan once per shape and remembered; a later request of that
shape is checked against that route only (it must still match fully) and handed to it as
the router would have. Anything else (no full match, a 405, a redirect, a lifespan or
websocket event) goes through the router as before.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import (  # the router's own steps for a route it selected
    APIRouter,
    _apply_router_form_limits,
    _update_scope,
)
from fastapi.telemetry._api import _route_selected
from starlette._utils import get_route_path
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

# A path segment an id or a number may fill: its digits stand for any (the sign kept, since
# `{n:int}` refuses one that `{n:id}` accepts).
_NUMBER = re.compile(r"(?<=/)([-+]?)[0-9]+(?=/|$)")
# Shapes remembered at most (a path can carry a free text segment, a file name or a code);
# past it the memory starts again.
_KEPT = 4096


def _shape(path: str) -> str:
    return _NUMBER.sub(r"\g<1>0", path)


class RouteLookup:
    """The router's entry point (`install`): a remembered route first, else the router."""

    def __init__(self, router: APIRouter, app: ASGIApp) -> None:
        self.router = router
        self.app = app  # the router's own dispatch
        self._first: dict[tuple[str, str], int | None] = {}
        self._routes = len(router.routes)

    def first_full_match(self, scope: Scope) -> int | None:
        """The index of the first route matching `scope` fully, as the router's scan finds
        it (None: none does)."""
        for index, route in enumerate(self.router.routes):
            match, _child = route.matches(scope)
            if match == Match.FULL:
                return index
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        routes = self.router.routes
        if len(routes) != self._routes:  # a route added since: remember afresh
            self._first.clear()
            self._routes = len(routes)
        key = (scope["method"], _shape(get_route_path(scope)))
        if key in self._first:
            index = self._first[key]
        else:
            index = self.first_full_match(scope)
            if len(self._first) >= _KEPT:
                self._first.clear()
            self._first[key] = index
        if index is not None:
            route = routes[index]
            match, child_scope = route.matches(scope)
            if match == Match.FULL:
                # As the router does with the first route that matches fully.
                _apply_router_form_limits(scope, self.router.form_limits)
                scope.setdefault("router", self.router)
                _update_scope(scope, child_scope)
                path: Any = getattr(route, "path_format", None)
                _route_selected(scope=scope, path=path, mount=isinstance(route, Mount))
                await route.handle(scope, receive, send)
                return
        await self.app(scope, receive, send)


def install(router: APIRouter) -> RouteLookup:
    """Put the lookup in front of `router`'s dispatch (once its routes are all included)."""
    lookup = RouteLookup(router, router.middleware_stack)
    router.middleware_stack = lookup
    return lookup
