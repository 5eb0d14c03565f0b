from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app import visibility
from app.auth import CurrentPrincipal, OptionalPrincipal
from app.clock import utcnow
from app.db import SessionDep
from app.events.schemas import ChainReport, EventPage, EventRead, StreamTicketCreated
from app.events.service import events_after, head_hash, verify_chain
from app.events.tickets import issue_ticket
from app.events.views import event_fields
from app.idempotency import IdempotentRoute, SecretAnswer
from app.pagination import DEFAULT_PAGE, cut, link_next
from app.schemas import MAX_ID, IdPath

router = APIRouter(prefix="/v1", route_class=IdempotentRoute, tags=["events"])
HEAD_HASH_HEADER = "Plenary-Chain-Head"


@router.get("/reports/{report_id}/events", response_model=EventPage)
def list_events(
    report_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: OptionalPrincipal,
    after: Annotated[
        int, Query(ge=0, le=MAX_ID, description="Cursor: events after this event id")
    ] = 0,
    # Event logs run long and are read whole to verify or replay: larger pages than elsewhere.
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many items")] = (
        DEFAULT_PAGE
    ),
) -> EventPage:
    """The report's event log, oldest first, in commit order."""
    report = visibility.get_report(session, report_id=report_id, principal=principal)
    rows = events_after(session, report_id=report.id, after=after, limit=limit + 1)
    rows, next_cursor = cut(rows, limit, lambda e: e.id)
    link_next(request, response, next_cursor)
    attributed = visibility.is_attributed(principal)
    items = [EventRead.model_validate(event_fields(e, attributed=attributed)) for e in rows]
    head = head_hash(session, report_id=report.id)
    response.headers[HEAD_HASH_HEADER] = head
    return EventPage(items=items, next=next_cursor, head_hash=head)


@router.get("/reports/{report_id}/events/verify", response_model=ChainReport)
def verify_events(
    report_id: IdPath, response: Response, session: SessionDep, principal: OptionalPrincipal
) -> ChainReport:
    """Recompute the report's hash chain and name the first event that does not match."""
    report = visibility.get_report(session, report_id=report_id, principal=principal)
    check = verify_chain(session, report_id=report.id)
    response.headers[HEAD_HASH_HEADER] = check.head_hash
    return ChainReport(
        ok=check.ok,
        events=check.count,
        head_hash=check.head_hash,
        first_bad_event_id=check.first_bad_event_id,
        first_bad_seq=check.first_bad_seq,
        reason=check.reason,
    )


@router.post(
    "/reports/{report_id}/stream-tickets",
    response_model=StreamTicketCreated,
    status_code=status.HTTP_201_CREATED,
    dependencies=[SecretAnswer],  # the table keeps only the ticket's hash; so does a replay
)
def create_stream_ticket(
    report_id: IdPath, response: Response, session: SessionDep, principal: CurrentPrincipal
) -> StreamTicketCreated:
    """A ticket for a browser's EventSource: open `stream_url` (the stream with `?ticket=`)
    within 60 seconds, once. The stream shows what the token that asked may see. Ask for a
    new ticket for every (re)connection, passing the last event id as `last_event_id`."""
    report = visibility.get_report(session, report_id=report_id, principal=principal)
    ticket, secret = issue_ticket(session, report_id=report.id, principal=principal, now=utcnow())
    stream_url = f"/v1/reports/{report.id}/stream?ticket={secret}"
    response.headers["Location"] = stream_url
    return StreamTicketCreated(
        ticket=secret, report_id=report.id, expires_at=ticket.expires_at, stream_url=stream_url
    )
