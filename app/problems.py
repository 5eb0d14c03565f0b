"""The exception handlers of the app: every error leaves as RFC 9457 problem+json.

Installed by `create_app`; the error family itself is app/errors.py (a leaf)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import AppError, problem_response, render
from app.idempotency import IdempotentReplay, replay_response

logger = logging.getLogger("plenary")

_HTTP_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Not allowed for this role"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("rate-limited", "Too many writes"),
}


_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def methods_for_path(request: Request) -> list[str]:
    """Every method the routes of the request's path serve. When a URL matches a literal
    path and a template (`/v1/invitations/redeem`, `/v1/invitations/{invitation_id}`), the
    path is the most literal one, as the published contract lists it."""
    path = request.scope["path"]
    by_params: dict[int, set[str]] = {}
    for context in iter_route_contexts(request.app.routes):
        route_methods = getattr(context, "methods", None)
        regex = getattr(context, "path_regex", None) or getattr(context.route, "path_regex", None)
        if route_methods and regex is not None and regex.match(path):
            by_params.setdefault(regex.groups, set()).update(route_methods)
    methods = by_params[min(by_params)] if by_params else set()
    return sorted(methods, key=lambda m: (*_METHOD_ORDER, m).index(m))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(IdempotentReplay)
    async def _replay(_request: Request, exc: IdempotentReplay) -> Response:
        return replay_response(exc)

    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
        return render(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return problem_response(
            status=422,
            slug="validation-error",
            title="The request is not valid",
            detail="; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)[:2000],
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug, title = _HTTP_SLUGS.get(exc.status_code, ("http-error", "HTTP error"))
        detail = exc.detail if isinstance(exc.detail, str) else title
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names the methods of the first route on the path only; a path served
            # by several routes (GET in one, POST in another) supports all of theirs.
            allowed = methods_for_path(request)
            headers["Allow"] = ", ".join(allowed)
            detail = f"{request.method} is not supported here; allowed: {', '.join(allowed)}."
        return problem_response(
            status=exc.status_code, slug=slug, title=title, detail=detail, headers=headers
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unexpected error", exc_info=exc)
        return problem_response(
            status=500,
            slug="internal-error",
            title="Internal server error",
            detail="The server failed to handle this request; nothing was changed.",
        )
