"""What a caller sees of an event: the one place that decides, for the log and the stream."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.events.models import Event
from app.events.schemas import EventPublic
from app.visibility import public_fields

if TYPE_CHECKING:
    from app.events.broker import StoredEvent

# The public sees the fields EventPublic declares: what anyone needs to recompute the
# chain. The others (actor_id, actor_salt, legacy_hash) name or open the actor (or, for
# legacy hashes, let its id be tried), and so would any field added without a declaration.


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
        "signature": getattr(event, "signature", None),
        "signing_key_id": getattr(event, "signing_key_id", None),
    }
    return data if attributed else public_fields(data, EventPublic)
