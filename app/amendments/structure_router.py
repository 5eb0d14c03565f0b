"""The route of structural amendments (issue 32). Once proposed, a structural amendment is
an amendment like any other: read, put on the floor, adopted, rejected, withdrawn,
escalated and answered through the routes of `router.py` and `rounds_router.py`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response, status

from app.amendments import service, views
from app.amendments.deadlines import settle_before_request
from app.amendments.schemas import AmendmentRead
from app.amendments.structure_schemas import StructureCreate
from app.auth import CurrentPrincipal
from app.config import diff_timeout
from app.db import SessionDep
from app.idempotency import IdempotentRoute
from app.schemas import IdPath

router = APIRouter(
    prefix="/v1",
    route_class=IdempotentRoute,
    tags=["amendments"],
    dependencies=[Depends(settle_before_request)],
)


@router.post(
    "/reports/{report_id}/structural-amendments",
    response_model=AmendmentRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"description": "What it touches changed since its base (both sides shown)"},
        422: {"description": "Not an operation on this outline"},
    },
)
def propose_structural_amendment(
    report_id: IdPath,
    body: StructureCreate,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> AmendmentRead:
    """Propose a structural amendment: insert, delete, move, split, merge or rename
    sections, or one text change across neighbouring sections (`operation`). It is decided
    like any amendment: on the floor while drafting; after adoption an editorial notice or a
    consent round."""
    amendment = service.propose_structure(
        session,
        report_id=report_id,
        principal=principal,
        body=body,
        timeout=diff_timeout(request),
    )
    response.headers["Location"] = f"/v1/amendments/{amendment.id}"
    return views.write_answer(session, amendment, principal, response)
