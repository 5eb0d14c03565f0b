"""The routes of a consent round: answers (consent, stand aside, object), withdrawing an
objection, and what the chair and secretariat do to a round (cancel, close as blocked,
remind). The rules: rounds.py and steering.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from app.amendments import service, views
from app.amendments.models import Amendment, Answer
from app.amendments.schemas import (
    AmendmentRead,
    Objection,
    Reason,
    Signed,
    SignedReason,
    StandAside,
)
from app.auth import Principal
from app.db import SessionDep
from app.etags import IfMatch
from app.idempotency import DeferredCaller, IdempotentRoute, answered
from app.preparing import resolves_its_caller
from app.schemas import IdPath

# No `settle_before_request` here: every route of a round locks its amendment's report,
# which settles that report's due rounds under the lock (lock_amendment), and the answer
# reads nothing else. Settling every report first cost each answer on PostgreSQL a thread
# hop and a statement of its own.
router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["amendments"])

ROUND_CLOSED: dict[int | str, dict[str, Any]] = {
    409: {"description": "The consent round is not open (or the report is frozen)"}
}


def _answer(
    request: Request,
    session: Session,
    amendment: Amendment,
    principal: Principal,
    response: Response,
) -> Response:
    """Every round route's answer: the amendment as the caller sees it, encoded and
    committed in the endpoint's own thread (as a proposal's is), rather than in two more
    thread hops after it returns (FastAPI's check of the return value, then the session
    dependency's commit). The commit still comes before the answer is sent."""
    read = views.write_answer(session, amendment, principal, response)
    return answered(request, views.encoded(read, response, status_code=200))


@router.post(
    "/amendments/{amendment_id}/consent", response_model=AmendmentRead, responses=ROUND_CLOSED
)
@resolves_its_caller
def consent_amendment(
    amendment_id: IdPath,
    body: Signed,
    session: SessionDep,
    caller: DeferredCaller,
    request: Request,
    response: Response,
) -> Response:
    """Consent (or change your answer to consent; on an editorial notice: accept it now).
    The answer that completes unanimity adopts and applies the amendment in this request.
    Signed with your own key (`signature`; 422 signature-invalid, 409 signing-key-missing)."""
    principal = caller.resolve()  # in this thread: no hop of its own (app/preparing.py)
    amendment = service.answer_round(
        session,
        amendment_id=amendment_id,
        principal=principal,
        answer=Answer.consent,
        reason="",
        signature=body.signature,
    )
    return _answer(request, session, amendment, principal, response)


@router.post(
    "/amendments/{amendment_id}/stand-aside", response_model=AmendmentRead, responses=ROUND_CLOSED
)
@resolves_its_caller
def stand_aside_amendment(
    amendment_id: IdPath,
    body: StandAside,
    session: SessionDep,
    caller: DeferredCaller,
    request: Request,
    response: Response,
) -> Response:
    """ "I can live with it": no objection, counted apart from consents. Like a consent, it
    may complete unanimity and apply the amendment."""
    principal = caller.resolve()  # in this thread: no hop of its own (app/preparing.py)
    amendment = service.answer_round(
        session,
        amendment_id=amendment_id,
        principal=principal,
        answer=Answer.stand_aside,
        reason=body.reason,
        signature=body.signature,
    )
    return _answer(request, session, amendment, principal, response)


@router.post(
    "/amendments/{amendment_id}/object", response_model=AmendmentRead, responses=ROUND_CLOSED
)
@resolves_its_caller
def object_amendment(
    amendment_id: IdPath,
    body: Objection,
    session: SessionDep,
    caller: DeferredCaller,
    request: Request,
    response: Response,
) -> Response:
    """One objection blocks the amendment at once. The round stays open until its deadline
    (unless the chair closes it): the objection may be withdrawn or the answer changed. On an
    editorial notice there is nothing to object to: escalate it (409 editorial-notice)."""
    principal = caller.resolve()  # in this thread: no hop of its own (app/preparing.py)
    amendment = service.answer_round(
        session,
        amendment_id=amendment_id,
        principal=principal,
        answer=Answer.object,
        reason=body.reason,
        signature=body.signature,
    )
    return _answer(request, session, amendment, principal, response)


@router.post(
    "/amendments/{amendment_id}/withdraw-objection",
    response_model=AmendmentRead,
    responses={409: {"description": "No objection of yours stands, or the round has ended"}},
)
@resolves_its_caller
def withdraw_objection(
    amendment_id: IdPath,
    body: SignedReason,
    session: SessionDep,
    caller: DeferredCaller,
    request: Request,
    response: Response,
) -> Response:
    """Withdraw your objection (you are pending again), signed as answer `withdraw`. When no
    objection stands any more, a blocked amendment goes back to consent_open with its answers
    kept."""
    principal = caller.resolve()  # in this thread: no hop of its own (app/preparing.py)
    amendment = service.withdraw_objection(
        session,
        amendment_id=amendment_id,
        principal=principal,
        reason=body.reason,
        signature=body.signature,
    )
    return _answer(request, session, amendment, principal, response)


@router.post("/amendments/{amendment_id}/cancel-round", response_model=AmendmentRead)
@resolves_its_caller
def cancel_round(
    amendment_id: IdPath,
    body: Reason,
    session: SessionDep,
    caller: DeferredCaller,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> Response:
    principal = caller.resolve()  # in this thread: no hop of its own (app/preparing.py)
    amendment = service.cancel_round(
        session,
        amendment_id=amendment_id,
        principal=principal,
        reason=body.reason,
        if_match=if_match,
    )
    return _answer(request, session, amendment, principal, response)


@router.post(
    "/amendments/{amendment_id}/close-blocked", response_model=AmendmentRead, responses=ROUND_CLOSED
)
@resolves_its_caller
def close_blocked(
    amendment_id: IdPath,
    body: Reason,
    session: SessionDep,
    caller: DeferredCaller,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> Response:
    """The chair ends an open round as blocked, for good (`consent.closed`)."""
    principal = caller.resolve()  # in this thread: no hop of its own (app/preparing.py)
    amendment = service.close_blocked(
        session,
        amendment_id=amendment_id,
        principal=principal,
        reason=body.reason,
        if_match=if_match,
    )
    return _answer(request, session, amendment, principal, response)


@router.post(
    "/amendments/{amendment_id}/remind",
    response_model=AmendmentRead,
    responses={409: {"description": "The round is not open, or every voter has answered"}},
)
@resolves_its_caller
def remind_voters(
    amendment_id: IdPath,
    session: SessionDep,
    caller: DeferredCaller,
    request: Request,
    response: Response,
) -> Response:
    """Chair or secretariat: a `consent.reminder` event and webhook now, to the voters who
    have not answered (who they are: the tally's `pending_participant_ids`)."""
    principal = caller.resolve()  # in this thread: no hop of its own (app/preparing.py)
    amendment = service.remind_voters(session, amendment_id=amendment_id, principal=principal)
    return _answer(request, session, amendment, principal, response)
