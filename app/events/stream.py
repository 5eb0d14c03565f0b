"""GET /v1/reports/{id}/stream: Server-Sent Events with resume after a dropped connection."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from app import visibility
from app.auth import Principal, bearer_scheme, principal_from_header
from app.clock import utcnow
from app.errors import BadRequest
from app.events.broker import Broker, Feed, StoredEvent
from app.events.models import Event
from app.events.standing import Reader, ReportStandings, Standings, Unknown
from app.events.tickets import redeem_ticket
from app.events.views import event_fields
from app.schemas import IdPath, StorableQuery

router = APIRouter(prefix="/v1", tags=["events"])
BACKLOG_PAGE = 500


HEARTBEAT = b": heartbeat\n\n"


class Unchecked:
    """A stream whose standing nothing can change (the settings' admin token)."""


UNCHECKED = Unchecked()
# Sent before a stream ends because its reader's view changed (app/events/standing.py).
VIEW_CHANGED = b": access changed: reconnect to be authorized afresh\n\n"


def sse_message(event: StoredEvent, *, attributed: bool) -> bytes:
    """Serialized and encoded once per event and view, however many subscribers receive it."""
    cached = event.messages.get(attributed)
    if cached is None:
        cached = event.messages[attributed] = _format(event, attributed=attributed).encode()
    return cached


def _format(event: StoredEvent, *, attributed: bool) -> str:
    body = json.dumps(
        event_fields(event, attributed=attributed), ensure_ascii=False, separators=(",", ":")
    )
    return f"id: {event.id}\nevent: {event.type}\ndata: {body}\n\n"


LastEventIdHeader = Annotated[
    str | None,
    Header(
        alias="Last-Event-ID",
        max_length=40,
        description="Resume after this event id: exactly the missed events follow",
    ),
]
TicketQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        description="A stream ticket (POST .../stream-tickets), for a browser's EventSource, "
        "which cannot send Authorization. Never put a token in a URL.",
    ),
    StorableQuery,
]
LastEventIdQuery = Annotated[
    str | None,
    Query(
        alias="last_event_id",
        max_length=40,
        description="As the Last-Event-ID header (which wins), for a page that reconnects "
        "with a new EventSource and a fresh ticket",
    ),
    StorableQuery,
]


STREAM_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "text/event-stream: `id:` event id, `event:` type, `data:` JSON",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    },
    400: {"description": "Last-Event-ID is not an event of this report"},
    401: {"description": "Unknown or revoked token; unknown, used or expired ticket"},
}


@router.get(
    "/reports/{report_id}/stream",
    dependencies=[Depends(bearer_scheme)],
    response_class=StreamingResponse,
    responses=STREAM_ANSWERS,
)
async def stream_report(
    report_id: IdPath,
    request: Request,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    last_event_id: LastEventIdHeader = None,
    ticket: TicketQuery = None,
    last_event_id_query: LastEventIdQuery = None,
) -> StreamingResponse:
    """Follow a report live. A stream may last hours, so it holds no database session: access
    is checked once, then events are read in short transactions as they are committed."""
    broker: Broker = request.app.state.broker
    if ticket is not None and authorization:
        raise BadRequest("Send a token or a ticket, not both.")
    start_seq, attributed, reader = await run_in_threadpool(
        _authorize,
        request,
        report_id,
        authorization,
        last_event_id if last_event_id is not None else last_event_id_query,
        ticket,
    )
    heartbeat = float(request.app.state.settings.stream_heartbeat_seconds)
    return StreamingResponse(
        _follow(
            broker,
            report_id,
            start_seq,
            heartbeat,
            _Reader(request.app.state.stream_standings, reader, attributed),
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _authorize(
    request: Request,
    report_id: int,
    authorization: str | None,
    last_event_id: str | None,
    ticket: str | None,
) -> tuple[int, bool, Reader | Unchecked]:
    """Where the stream starts, whether it is attributed, and whose standing it follows: a
    stored token's, the public's (no token), or nobody's (the settings' admin token, which
    no roster change ends)."""
    database = request.app.state.database
    # A ticket is spent on use: that is a write.
    with database.session(write=ticket is not None) as session:
        principal: Principal | None
        if ticket is not None:
            principal = redeem_ticket(session, secret=ticket, report_id=report_id, now=utcnow())
        else:
            principal = principal_from_header(session, authorization, request.app.state.settings)
        report = visibility.get_report(session, report_id=report_id, principal=principal)
        start_seq = 0
        if last_event_id is not None and last_event_id.strip() != "":
            value = last_event_id.strip()
            seq = None
            if value.isdigit() and len(value) < 19:
                seq = session.scalar(
                    select(Event.seq).where(Event.id == int(value), Event.report_id == report.id)
                )
            if seq is None and value != "0":
                raise BadRequest(
                    f"Last-Event-ID {value[:40]!r} is not an event of report {report.id}.",
                )
            start_seq = seq or 0
        reader: Reader | Unchecked = UNCHECKED
        if principal is None or principal.token_id is not None:
            reader = None if principal is None else principal.token_id
        return start_seq, visibility.is_attributed(principal), reader


def _messages(events: list[StoredEvent], attributed: bool) -> bytes:
    if len(events) == 1:  # the live case: the shared bytes themselves, no copy
        return sse_message(events[0], attributed=attributed)
    return b"".join(sse_message(e, attributed=attributed) for e in events)


class _Reader:
    """A stream's reader: the view it was opened with, and what it may see now."""

    def __init__(self, standings: Standings, reader: Reader | Unchecked, attributed: bool) -> None:
        self.standings = standings
        self.reader = reader
        self.attributed = attributed
        self.joined: ReportStandings | None = None

    def join(self, report_id: int) -> None:
        if not isinstance(self.reader, Unchecked):
            self.joined = self.standings.join(report_id, self.reader)

    def leave(self) -> None:
        if self.joined is not None and not isinstance(self.reader, Unchecked):
            self.standings.leave(self.joined, self.reader)
            self.joined = None

    def entitled_now(self, events: list[StoredEvent]) -> bool | None:
        """May `events` still leave in this stream's view, if a check says so already (None:
        not yet known). The live case: the broker's gate checked before the stream woke."""
        if self.joined is None or isinstance(self.reader, Unchecked):
            return True
        view = self.standings.known(self.joined, self.reader, through=events[-1].seq)
        return None if isinstance(view, Unknown) else view == self.attributed

    async def still_entitled(self, feed: Feed, events: list[StoredEvent]) -> bool:
        """May `events` still leave in this stream's view? Checks if no check says yet."""
        entitled = self.entitled_now(events)
        if entitled is not None:
            return entitled
        if self.joined is None or isinstance(self.reader, Unchecked):
            return True
        view = await self.standings.view(
            self.joined, self.reader, through=events[-1].seq, known=feed.last_seq
        )
        return view == self.attributed


async def _follow(
    broker: Broker, report_id: int, seq: int, heartbeat: float, reader: _Reader
) -> AsyncIterator[bytes]:
    feed = await broker.attach(report_id, heartbeat=heartbeat)
    reader.join(report_id)
    try:
        yield f"retry: 1000\n: following report {report_id}\n\n".encode()
        while True:  # what the client missed
            backlog = await broker.backlog(feed, seq, BACKLOG_PAGE)
            if backlog:
                if not await reader.still_entitled(feed, backlog):
                    yield VIEW_CHANGED
                    return
                yield _messages(backlog, reader.attributed)
                seq = backlog[-1].seq
            if len(backlog) < BACKLOG_PAGE:
                break
        beats = feed.beats
        while True:  # then live
            if feed.cleared_seq <= seq:  # nothing new (that the broker's gate has passed)
                if feed.beats != beats:
                    beats = feed.beats
                    yield HEARTBEAT
                    continue  # news may have come while the heartbeat was written
                await feed.waiter()  # no await since the check: no news can slip by
                continue
            fresh = feed.held_after(seq)
            if fresh is None:  # fell out of the feed's memory: read the log
                fresh = await broker.events_after(feed, seq)
                if not fresh:
                    await feed.waiter()
                    continue
            # A roster change or a revoked token since the stream opened ends it here.
            entitled = reader.entitled_now(fresh)  # the gate's check, in the live case
            if entitled is None:
                entitled = await reader.still_entitled(feed, fresh)
            if not entitled:
                yield VIEW_CHANGED
                return
            # A subscriber that fell behind gets everything pending in one write.
            yield _messages(fresh, reader.attributed)
            seq = fresh[-1].seq
    finally:
        broker.detach(feed)
        reader.leave()
