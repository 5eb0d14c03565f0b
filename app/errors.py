"""One family of errors, rendered as RFC 9457 problem details."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_TYPE_PREFIX = "urn:plenary:problem:"
PROBLEM_MEDIA_TYPE = "application/problem+json"

logger = logging.getLogger("plenary")


class AppError(Exception):
    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


class BadRequest(AppError):
    pass


class InvalidIdempotencyKey(AppError):
    slug, title = "invalid-idempotency-key", "The Idempotency-Key is not printable ASCII"


class Unauthorized(AppError):
    status, slug, title = 401, "unauthorized", "Authentication required"


class ParticipantInactive(Unauthorized):
    slug, title = "participant-inactive", "The participant of this token is deactivated"


class Forbidden(AppError):
    status, slug, title = 403, "forbidden", "Not allowed for this role"


class NotFound(AppError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(AppError):
    status, slug, title = 409, "conflict", "Conflict with the current state"


class IdempotencyKeyInUse(Conflict):
    slug, title = "idempotency-key-in-use", "A request with this Idempotency-Key is still running"


class InvalidState(Conflict):
    slug, title = "invalid-state", "Not allowed in the current state"


class LastChair(Conflict):
    slug, title = "last-chair", "A group keeps at least one active chair"


class ReportTransmitted(Conflict):
    slug, title = "report-transmitted", "The report has been transmitted and is frozen"


class ConsentRulesFrozen(Conflict):
    slug, title = "consent-rules-frozen", "The consent rules were fixed when the report was adopted"


class StaleBase(Conflict):
    slug, title = "stale-base-version", "The version you edited is no longer the head"


class MergeConflict(Conflict):
    slug, title = "amendment-conflict", "The amendment no longer applies to the current text"


class DuplicateChange(MergeConflict):
    slug, title = "amendment-duplicate", "The section already holds this exact change"


class InvitationUnknown(NotFound):
    slug, title = "invitation-unknown", "No invitation has this code"


class InvitationUsed(Conflict):
    slug, title = "invitation-used", "This invitation has already been redeemed"


class InvitationExpired(Conflict):
    slug, title = "invitation-expired", "This invitation has expired"


class InvitationRevoked(Conflict):
    slug, title = "invitation-revoked", "This invitation was revoked"


class PreconditionFailed(AppError):
    status, slug, title = 412, "precondition-failed", "The resource changed since you read it"


class PayloadTooLarge(AppError):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class Unprocessable(AppError):
    status, slug, title = 422, "unprocessable", "The request cannot be processed"


class PreconditionRequired(AppError):
    status, slug, title = 428, "precondition-required", "This write needs If-Match"


def problem_response(
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": PROBLEM_TYPE_PREFIX + slug,
        "title": title,
        "status": status,
        "detail": detail,
        **jsonable_encoder(extra),
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def render(error: AppError) -> JSONResponse:
    return problem_response(
        status=error.status,
        slug=error.slug,
        title=error.title,
        detail=error.detail,
        headers=error.headers,
        **error.extra,
    )


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
    from app.idempotency import IdempotentReplay, replay_response

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
