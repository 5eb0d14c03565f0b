"""Stream tickets: how a browser's EventSource, which cannot send an Authorization header,
follows a report without a long-lived token in a URL.

A page holding a token asks for a ticket (`POST /v1/reports/{id}/stream-tickets`, with the
token in the header), then opens `GET /v1/reports/{id}/stream?ticket=...`. A ticket opens one
stream of one report, once, within a minute; a URL that leaks into a log or a history is
worthless by the time anyone reads it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from app.auth import Principal, hash_token, principal_of_token
from app.errors import ParticipantInactive, Unauthorized
from app.events.models import StreamTicket

TICKET_PREFIX = "tkt_"
TICKET_LIFETIME = timedelta(seconds=60)


def issue_ticket(
    session: Session, *, report_id: int, principal: Principal, now: datetime
) -> tuple[StreamTicket, str]:
    """A new ticket for `principal` to follow `report_id` (which it may read), and its
    secret, shown once."""
    # Tickets live a minute: dropping the stale ones here keeps the table small.
    session.execute(delete(StreamTicket).where(StreamTicket.expires_at < now - TICKET_LIFETIME))
    secret = TICKET_PREFIX + secrets.token_urlsafe(24)
    ticket = StreamTicket(
        ticket_hash=hash_token(secret),
        report_id=report_id,
        token_id=principal.token_id,
        created_at=now,
        expires_at=now + TICKET_LIFETIME,
    )
    session.add(ticket)
    session.flush()
    return ticket, secret


def redeem_ticket(session: Session, *, secret: str, report_id: int, now: datetime) -> Principal:
    """The caller the ticket stands for; the ticket is spent. One conditional UPDATE, so two
    streams racing with one ticket (in one process or several) cannot both win."""
    spent = session.execute(
        update(StreamTicket)
        .where(
            StreamTicket.ticket_hash == hash_token(secret),
            StreamTicket.report_id == report_id,
            StreamTicket.used_at.is_(None),
            StreamTicket.expires_at > now,
        )
        .values(used_at=now)
        .returning(StreamTicket.token_id)
    ).first()
    refused = Unauthorized(
        "The stream ticket is unknown, used, expired or for another report: "
        f"ask for a new one (POST /v1/reports/{report_id}/stream-tickets).",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )
    if spent is None:
        raise refused
    principal = principal_of_token(session, spent.token_id)
    if principal is None:  # the token was revoked after the ticket was issued
        raise refused
    if principal.participant is not None and not principal.participant.active:
        # Deactivated after the ticket was issued: refused as its token would be.
        raise ParticipantInactive(
            "This ticket's participant is deactivated; its tokens and tickets are refused "
            "until the chair or the site admin reactivates it.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return principal
