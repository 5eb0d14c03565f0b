"""Reservations and open points (brackets) over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from app.amendments import service as amendments
from app.amendments.service import settle_before_request
from app.auth import CurrentPrincipal, OptionalPrincipal
from app.db import SessionDep
from app.deliberation import reservations, views
from app.deliberation.schemas import (
    BracketsCreate,
    OpenPointKeep,
    OpenPointList,
    OpenPointRead,
    ReservationCreate,
    ReservationList,
    ReservationRead,
)
from app.etags import IfMatch
from app.idempotency import IdempotentRoute
from app.reports import service as reports
from app.reports.models import OpenPointStatus
from app.schemas import IdPath

router = APIRouter(
    prefix="/v1",
    route_class=IdempotentRoute,
    tags=["deliberation"],
    dependencies=[Depends(settle_before_request)],
)


@router.post(
    "/sections/{section_id}/reservations",
    response_model=ReservationRead,
    status_code=status.HTTP_201_CREATED,
)
def record_reservation(
    section_id: IdPath,
    body: ReservationCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> ReservationRead:
    """A voting member's reservation on a paragraph of this section; printed as a footnote
    in the exports, with the member's name only if it chose `attributed`."""
    found = reservations.record_reservation(
        session, section_id=section_id, principal=principal, body=body
    )
    response.headers["Location"] = f"/v1/reservations/{found.id}"
    [read] = views.reservation_views(session, [found], principal)
    return read


@router.get("/reservations/{reservation_id}", response_model=ReservationRead)
def get_reservation(
    reservation_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> ReservationRead:
    found = reservations.get_reservation(
        session, reservation_id=reservation_id, principal=principal
    )
    [read] = views.reservation_views(session, [found], principal)
    return read


@router.post("/reservations/{reservation_id}/withdraw", response_model=ReservationRead)
def withdraw_reservation(
    reservation_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> ReservationRead:
    found = reservations.withdraw_reservation(
        session, reservation_id=reservation_id, principal=principal
    )
    [read] = views.reservation_views(session, [found], principal)
    return read


@router.get("/reports/{report_id}/reservations", response_model=ReservationList)
def list_reservations(
    report_id: IdPath,
    session: SessionDep,
    principal: OptionalPrincipal,
    include_withdrawn: Annotated[bool, Query()] = False,
) -> ReservationList:
    report = reports.get_report(session, report_id=report_id, principal=principal)
    found = reservations.list_reservations(
        session, report=report, include_withdrawn=include_withdrawn
    )
    return ReservationList(items=views.reservation_views(session, found, principal))


@router.post(
    "/sections/{section_id}/brackets",
    response_model=OpenPointRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"description": "Not drafting, an alternative is not open, or it conflicts"},
        428: {"description": "If-Match (the section's ETag) is missing"},
    },
)
def adopt_as_brackets(
    section_id: IdPath,
    body: BracketsCreate,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    if_match: IfMatch = None,
) -> OpenPointRead:
    """The chair adopts two or more alternatives side by side: the section's new version
    holds `[option A / option B]` where they differ, recorded as an open point."""
    point = amendments.adopt_as_brackets(
        session,
        section_id=section_id,
        amendment_ids=body.amendment_ids,
        principal=principal,
        if_match=if_match,
    )
    response.headers["Location"] = f"/v1/open-points/{point.id}"
    return views.open_point_read(point)


@router.get("/reports/{report_id}/open-points", response_model=OpenPointList)
def list_open_points(
    report_id: IdPath,
    session: SessionDep,
    principal: OptionalPrincipal,
    status: OpenPointStatus | None = None,
) -> OpenPointList:
    """Brackets in the text: open ones block transmission; kept ones are options kept on
    purpose; resolved ones were settled by an adopted change."""
    report = reports.get_report(session, report_id=report_id, principal=principal)
    found = reports.list_open_points(session, report=report, status=status)
    return OpenPointList(items=[views.open_point_read(p) for p in found])


@router.get("/open-points/{open_point_id}", response_model=OpenPointRead)
def get_open_point(
    open_point_id: IdPath, session: SessionDep, principal: OptionalPrincipal
) -> OpenPointRead:
    point = reports.get_open_point(session, open_point_id=open_point_id, principal=principal)
    return views.open_point_read(point)


@router.post("/open-points/{open_point_id}/keep", response_model=OpenPointRead)
def keep_open_point(
    open_point_id: IdPath, body: OpenPointKeep, session: SessionDep, principal: CurrentPrincipal
) -> OpenPointRead:
    """The chair records the bracket as options kept on purpose: it no longer blocks
    transmission, and the exports still print it as a bracket."""
    point = reports.keep_open_point(
        session, open_point_id=open_point_id, principal=principal, note=body.note
    )
    return views.open_point_read(point)
