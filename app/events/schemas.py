from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from app.pagination import Page
from app.schemas import ReadModel


class EventRead(ReadModel):
    id: int
    report_id: int
    seq: int
    type: str
    actor_id: int | None = Field(description="Who acted; null in the public view")
    actor_salt: str | None = Field(
        description="The 32-byte salt (hex) of `actor_commitment`; null in the public view"
    )
    actor_commitment: str = Field(
        description="SHA-256(salt || actor id as decimal digits): the hash covers this, "
        "never the actor"
    )
    payload: dict[str, Any]
    created_at: datetime
    prev_hash: str
    hash: str
    legacy_hash: str | None = Field(
        default=None,
        description="The event's hash under the first chain rule (events before 2026-11-28); "
        "null in the public view",
    )
    signature: str | None = Field(
        default=None,
        description="A signed answer's signature (Ed25519, base64url; members only): checks "
        "against the payload's `signature_commitment` and the actor's key",
    )
    signing_key_id: int | None = Field(
        default=None, description="The key that signed the answer (members only)"
    )


class EventPublic(ReadModel):
    """The fields of an event anyone may read (not a response model: the public answer is
    an EventRead whose other fields are null; see app/visibility.py)."""

    id: int
    report_id: int
    seq: int
    type: str
    actor_commitment: str
    payload: dict[str, Any]
    created_at: datetime
    prev_hash: str
    hash: str


class EventPage(Page[EventRead]):
    head_hash: str


class ChainReport(ReadModel):
    ok: bool
    events: int
    head_hash: str
    first_bad_event_id: int | None
    first_bad_seq: int | None
    reason: str | None


class StreamTicketCreated(ReadModel):
    ticket: str = Field(description="Shown once; opens one stream of this report, once")
    report_id: int
    expires_at: datetime
    stream_url: str = Field(
        description="Path of the stream with the ticket: `new EventSource(base + stream_url)`"
    )
