"""Appending to a report's event log, and proving the log was not rewritten."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.events.models import Event

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_digest(event: Event) -> str:
    body = {
        "report_id": event.report_id,
        "seq": event.seq,
        "type": event.type,
        "actor_id": event.actor_id,
        "payload": event.payload,
        "created_at": event.created_at.isoformat(),
    }
    return hashlib.sha256((event.prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


def record_event(
    session: Session,
    *,
    report_id: int,
    type: str,
    actor_id: int | None,
    payload: dict[str, Any],
) -> Event:
    """Append one event. The caller holds the report's write lock, so within a report the
    sequence, the chain and the commit order agree."""
    # The transaction's own latest event of this report, if any, is the chain's head.
    ours = [e for e in session.info.get("events", ()) if e.report_id == report_id]
    if ours:
        seq, prev_hash = ours[-1].seq + 1, ours[-1].hash
    else:
        last = session.execute(
            select(Event.seq, Event.hash)
            .where(Event.report_id == report_id)
            .order_by(Event.seq.desc())
            .limit(1)
        ).first()
        seq, prev_hash = (1, GENESIS_HASH) if last is None else (last.seq + 1, last.hash)
    # Round-trip through JSON so the stored payload and the hashed payload are the same value.
    event = Event(
        report_id=report_id,
        seq=seq,
        type=type,
        actor_id=actor_id,
        payload=json.loads(canonical_json(payload)),
        created_at=utcnow(),
        prev_hash=prev_hash,
        hash="",
    )
    event.hash = event_digest(event)
    session.add(event)
    session.info.setdefault("events", []).append(event)
    return event


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    count: int
    head_hash: str
    first_bad_event_id: int | None = None
    first_bad_seq: int | None = None
    reason: str | None = None


def verify_chain(session: Session, *, report_id: int) -> ChainCheck:
    prev = GENESIS_HASH
    count = 0
    for event in session.scalars(
        select(Event).where(Event.report_id == report_id).order_by(Event.seq)
    ):
        count += 1
        reason = None
        if event.seq != count:
            reason = f"sequence gap: expected {count}, found {event.seq}"
        elif event.prev_hash != prev:
            reason = "prev_hash does not match the previous event"
        elif event_digest(event) != event.hash:
            reason = "content does not match its hash"
        if reason:
            return ChainCheck(False, count, prev, event.id, event.seq, reason)
        prev = event.hash
    return ChainCheck(True, count, prev)


def head_hash(session: Session, *, report_id: int) -> str:
    value = session.scalar(
        select(Event.hash).where(Event.report_id == report_id).order_by(Event.seq.desc()).limit(1)
    )
    return value or GENESIS_HASH
