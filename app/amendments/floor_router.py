"""Routes of the floor under the chair's control: queue, take off, defer (floor_queue.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from app.amendments import service, views
from app.amendments.deadlines import settle_before_request
from app.amendments.schemas import AmendmentRead, Reason
from app.auth import CurrentPrincipal
from app.db import SessionDep
from app.etags import IfMatch
from app.idempotency import IdempotentRoute
from app.schemas import IdPath

router = APIRouter(
    prefix="/v1",
    route_class=IdempotentRoute,
    tags=["amendments"],
    dependencies=[Depends(settle_before_request)],
)


@router.post("/amendments/{amendment_id}/queue", response_model=AmendmentRead)
def queue_for_floor(
    amendment_id: IdPath, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> AmendmentRead:
    """The chair queues a proposed amendment for the floor (POST /v1/meetings/{id}/floor/next
    calls the head of the queue)."""
    amendment = service.queue_amendment(session, amendment_id=amendment_id, principal=principal)
    return views.write_answer(session, amendment, principal, response)


@router.post("/amendments/{amendment_id}/take-off", response_model=AmendmentRead)
def take_off_floor(
    amendment_id: IdPath,
    body: Reason,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> AmendmentRead:
    """The chair takes the amendment off the floor, undecided (back to proposed); the floor
    shows the reason."""
    amendment = service.take_off_floor(
        session,
        amendment_id=amendment_id,
        principal=principal,
        reason=body.reason,
        if_match=if_match,
    )
    return views.write_answer(session, amendment, principal, response)


@router.post("/amendments/{amendment_id}/defer", response_model=AmendmentRead)
def defer_amendment(
    amendment_id: IdPath,
    body: Reason,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    if_match: IfMatch = None,
) -> AmendmentRead:
    """The chair defers the amendment on the floor: off it, and last in the queue."""
    amendment = service.defer_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        reason=body.reason,
        if_match=if_match,
    )
    return views.write_answer(session, amendment, principal, response)
