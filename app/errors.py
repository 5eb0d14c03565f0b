"""One family of errors, rendered as RFC 9457 problem details.

A leaf: it imports nothing of the app. The handlers that turn exceptions into problem
responses are installed where the app is assembled (app/problems.py, from create_app)."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

PROBLEM_TYPE_PREFIX = "urn:plenary:problem:"
PROBLEM_MEDIA_TYPE = "application/problem+json"


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


T = TypeVar("T")


def present(value: T | None, detail: str) -> T:
    """`value`, or NotFound(detail) when it is None. For a row read by the id another row
    holds (rows are not deleted, so this does not happen), said as a check that holds under
    `python -O` rather than an `assert`."""
    if value is None:
        raise NotFound(detail)
    return value


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


class OutlineConflict(MergeConflict):
    slug, title = "structure-conflict", "The outline changed where this amendment applies"


class OpenBrackets(Conflict):
    slug, title = "open-brackets", "The report still holds open brackets"


class InvitationUnknown(NotFound):
    slug, title = "invitation-unknown", "No invitation has this code"


class InvitationUsed(Conflict):
    slug, title = "invitation-used", "This invitation has already been redeemed"


class InvitationExpired(Conflict):
    slug, title = "invitation-expired", "This invitation has expired"


class InvitationRevoked(Conflict):
    slug, title = "invitation-revoked", "This invitation was revoked"


class PartApproved(Conflict):
    slug, title = "part-approved", "Approved by the plenary: it changes only through amendments"


class PartsNotApproved(Conflict):
    slug, title = "parts-not-approved", "Some parts are neither approved nor left out"


class StageNotAllowed(Conflict):
    slug, title = "stage-not-allowed", "The part cannot move to this stage from where it stands"


class SectionHasDraftingGroup(Conflict):
    slug, title = "section-has-drafting-group", "Another drafting group holds this section"


class SigningKeyMissing(Conflict):
    slug, title = "signing-key-missing", "You have no signing key registered"


class KeyEndorsementRequired(Conflict):
    slug, title = (
        "key-endorsement-required",
        "A new signing key needs the current key's endorsement (or a new invitation)",
    )


class EditorialNotice(Conflict):
    slug, title = (
        "editorial-notice",
        "An editorial change after adoption applies only after every member's chance to object",
    )


class SessionRequired(InvalidState):
    slug, title = "session-required", "A decision of the group is taken in a session in progress"


class PreconditionFailed(AppError):
    status, slug, title = 412, "precondition-failed", "The resource changed since you read it"


class PayloadTooLarge(AppError):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class Unprocessable(AppError):
    status, slug, title = 422, "unprocessable", "The request cannot be processed"


class SignatureInvalid(Unprocessable):
    slug, title = "signature-invalid", "The answer's signature does not verify"


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
