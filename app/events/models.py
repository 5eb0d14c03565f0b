from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base


class Event(Base):
    """Append-only record of what happened to a report; one hash chain per report."""

    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("report_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(60))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    # The hash covers SHA-256(actor_salt || actor_id), not the actor: see app/events/chain.py.
    # The salt is shown only to those who see the actor.
    actor_salt: Mapped[str] = mapped_column(String(64))
    actor_commitment: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The hash this event had under the first chain rule (which covered the actor id), for
    # events recorded before 2026-11-28; shown only to those who see the actor.
    legacy_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    # A signed answer's signature and key: shown only to members, and covered by the chain
    # through `signature_commitment` in the payload (app/signatures.py).
    signature: Mapped[str | None] = mapped_column(String(100), default=None)
    # No foreign key: adding one would make SQLite rebuild this table and drop its triggers.
    signing_key_id: Mapped[int | None] = mapped_column(Integer, default=None)


class StreamTicket(Base):
    """A short-lived, single-use key to one report's event stream, for clients that cannot
    send an Authorization header (a browser's EventSource). It stands for the token that
    asked for it: only the SHA-256 of the secret is kept, and the stream re-reads the token
    (revoked since? refused) and shows what that token's holder may see."""

    __tablename__ = "stream_ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    # None: the site-admin token from the settings (it has no row).
    token_id: Mapped[int | None] = mapped_column(ForeignKey("token.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None] = mapped_column(default=None)
