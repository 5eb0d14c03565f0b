"""The event hash chain as anyone can check it: plain functions, no database, no HTTP.

Each event's hash covers the previous hash and the event's public content. The actor is not
part of that content: the hash covers `actor_commitment = SHA-256(salt || actor id)`, where
`salt` is 32 random bytes drawn for that event alone. So

- anyone holding the public record recomputes every hash and checks the chain;
- nobody without the salt can tell who acted: trying every participant id against the
  commitment or the hash finds nothing, and two events of one person share no value;
- a member, who sees the salt and the actor id, checks that this person did this thing.

The server, the Python client and `plenary verify` all use these functions, and a migration
keeps its own frozen copy of them (a migration must not change when this module does).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

GENESIS_HASH = "0" * 64
SALT_BYTES = 32

# Payload keys that would name a participant. The public payload is hashed in the clear, so a
# small integer id in it could be confirmed by anyone; `record_event` refuses such keys. An
# event that must name a person commits to it as it does to its actor.
PERSON_KEYS = frozenset(
    {
        "actor_id",
        "participant_id",
        "participant_ids",
        "pending_participant_ids",
        "proposer_id",
        "author_id",
        "voter_id",
        "voter_ids",
        "member_id",
        "user_id",
        "token_id",
        "invited_by_id",
        "created_by_id",
        "opened_by_id",
        "decided_by_id",
    }
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def new_salt() -> str:
    """A fresh salt, as 64 hex digits."""
    return secrets.token_hex(SALT_BYTES)


def actor_commitment(salt: str, actor_id: int | None) -> str:
    """SHA-256 of the salt's 32 bytes followed by the actor id's decimal digits (nothing when
    the server acted by itself, e.g. at a deadline), as hex."""
    raw = bytes.fromhex(salt)
    if len(raw) != SALT_BYTES:
        raise ValueError("a salt is 32 bytes (64 hex digits)")
    who = b"" if actor_id is None else str(int(actor_id)).encode("ascii")
    return hashlib.sha256(raw + who).hexdigest()


def moment(value: datetime | str) -> str:
    """The one text form of an event's time the hash covers: ISO 8601 in UTC, `+00:00`."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def event_digest(
    *,
    prev_hash: str,
    report_id: int,
    seq: int,
    type: str,
    actor_commitment: str,
    payload: dict[str, Any],
    created_at: datetime | str,
) -> str:
    body = {
        "report_id": report_id,
        "seq": seq,
        "type": type,
        "actor_commitment": actor_commitment,
        "payload": payload,
        "created_at": moment(created_at),
    }
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


def person_keys_in(value: Any) -> list[str]:
    """Keys of `value` (at any depth) that would name a participant."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in PERSON_KEYS:
                found.append(key)
            found.extend(person_keys_in(inner))
    elif isinstance(value, list):
        for inner in value:
            found.extend(person_keys_in(inner))
    return found


class ChainedEvent(Protocol):
    """What verification reads: a stored event, or an event as the API serves it."""

    @property
    def id(self) -> int: ...
    @property
    def report_id(self) -> int: ...
    @property
    def seq(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def actor_commitment(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any]: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


def digest_of(event: ChainedEvent) -> str:
    return event_digest(
        prev_hash=event.prev_hash,
        report_id=event.report_id,
        seq=event.seq,
        type=event.type,
        actor_commitment=event.actor_commitment,
        payload=event.payload,
        created_at=event.created_at,
    )


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    count: int
    head_hash: str
    first_bad_event_id: int | None = None
    first_bad_seq: int | None = None
    reason: str | None = None


def verify_events(events: Iterable[ChainedEvent]) -> ChainCheck:
    """Check a report's whole log, oldest first: sequence, links and hashes."""
    prev = GENESIS_HASH
    count = 0
    for event in events:
        count += 1
        reason = None
        if event.seq != count:
            reason = f"sequence gap: expected {count}, found {event.seq}"
        elif event.prev_hash != prev:
            reason = "prev_hash does not match the previous event"
        elif digest_of(event) != event.hash:
            reason = "content does not match its hash"
        if reason:
            return ChainCheck(False, count, prev, event.id, event.seq, reason)
        prev = event.hash
    return ChainCheck(True, count, prev)


def attribution_holds(*, commitment: str, salt: str | None, actor_id: int | None) -> bool:
    """Does (salt, actor id), as a member sees them, open this commitment?"""
    if salt is None:
        return False
    try:
        return actor_commitment(salt, actor_id) == commitment
    except ValueError:
        return False
