"""What a caller sees of an event: the one place that decides, for the log and the stream."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.events.models import Event

if TYPE_CHECKING:
    from app.events.broker import StoredEvent

# Only these name or open the actor (or, for legacy hashes, let its id be tried); everything
# else is what anyone needs to recompute the chain.
ATTRIBUTED_ONLY = ("actor_id", "actor_salt", "legacy_hash")


def event_fields(event: Event | StoredEvent, *, attributed: bool) -> dict[str, Any]:
    created_at = event.created_at
    data: dict[str, Any] = {
        "id": event.id,
        "seq": event.seq,
        "report_id": event.report_id,
        "type": event.type,
        "actor_id": event.actor_id,
        "actor_salt": event.actor_salt,
        "actor_commitment": event.actor_commitment,
        "payload": event.payload,
        "created_at": created_at if isinstance(created_at, str) else created_at.isoformat(),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "legacy_hash": event.legacy_hash,
    }
    if not attributed:
        for key in ATTRIBUTED_ONLY:
            data[key] = None
    return data
