"""Appending to a report's event log, and proving the log was not rewritten."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db import unit_of_work
from app.db_writes import insert_all_now, insert_now
from app.events.chain import (
    GENESIS_HASH,
    ChainCheck,
    actor_commitment,
    attribution_holds,
    canonical_json,
    digest_of,
    new_salt,
    person_keys_in,
    verify_events,
)
from app.events.models import Event
from app.signatures import signature_commitment


def record_event(
    session: Session,
    *,
    report_id: int,
    type: str,
    actor_id: int | None,
    payload: dict[str, Any],
    signed: tuple[str, int] | None = None,
) -> Event:
    """Append one event. The caller holds the report's write lock, so within a report the
    sequence, the chain and the commit order agree. `signed`: the signature of the answer
    this event records and its key id, kept for members; the chain covers it through a
    salted commitment in the payload (app/signatures.py)."""
    if named := person_keys_in(payload):
        # The payload is public and hashed in the clear: an id in it names its person.
        raise ValueError(f"event {type!r} would publish participant ids: {sorted(set(named))}")
    # The transaction's own latest event of this report, if any, is the chain's head; else
    # the head read with the report's lock; else (a caller that did not lock) a read.
    work = unit_of_work(session)
    ours = [e for e in work.events if e.report_id == report_id]
    locked = work.chain_heads.get(report_id)
    if ours:
        seq, prev_hash = ours[-1].seq + 1, ours[-1].hash
    elif locked is not None:
        seq, prev_hash = locked[0] + 1, locked[1] or GENESIS_HASH
    else:
        last = session.execute(
            select(Event.seq, Event.hash)
            .where(Event.report_id == report_id)
            .order_by(Event.seq.desc())
            .limit(1)
        ).first()
        seq, prev_hash = (1, GENESIS_HASH) if last is None else (last.seq + 1, last.hash)
    salt = new_salt()
    if signed is not None:
        payload = {**payload, "signature_commitment": signature_commitment(salt, signed[0])}
    # Round-trip through JSON so the stored payload and the hashed payload are the same value.
    event = Event(
        report_id=report_id,
        seq=seq,
        type=type,
        actor_id=actor_id,
        actor_salt=salt,
        actor_commitment=actor_commitment(salt, actor_id),
        payload=json.loads(canonical_json(payload)),
        created_at=utcnow(),
        prev_hash=prev_hash,
        hash="",
        signature=None if signed is None else signed[0],
        signing_key_id=None if signed is None else signed[1],
    )
    event.hash = digest_of(event)
    if work.held_events is not None:  # inserted with the others (events_written_together)
        work.held_events.append(event)
    else:
        insert_now(session, event)  # one Core insert: a flush of it cost more than the insert
    work.events.append(event)
    return event


@contextmanager
def events_written_together(session: Session) -> Iterator[None]:
    """The events recorded inside the block are inserted when it ends, in one multi-row
    statement (a write that records several, as the answer that applies an amendment does,
    pays one round trip for them, not one each). Their seq and hashes are drawn as they are
    recorded, as always; the database's trigger moves the report's chain head once per row,
    in any order (it keeps the highest seq). Inside the block an event has no id yet and is
    not in the table: only for code that reads neither. If the block raises, its events are
    forgotten (the transaction's later events chain on from before them)."""
    work = unit_of_work(session)
    if work.held_events is not None:  # already gathered by an enclosing block
        yield
        return
    held: list[Event] = []
    work.held_events = held
    try:
        yield
    except BaseException:
        work.held_events = None
        work.events[:] = [e for e in work.events if not any(e is h for h in held)]
        raise
    work.held_events = None
    insert_all_now(session, held, unique=("report_id", "seq"))  # a unique key of event


def verify_chain(session: Session, *, report_id: int) -> ChainCheck:
    """The public check (the chain over commitments), then the one only the server and
    members can make: each stored actor still opens its event's commitment.

    The log is read as plain rows of the columns the checks need, in batches, and checked as
    it streams: the whole log never sits in memory as mapped objects (a long log made the
    check slow and the process large). A broken chain is reported before a broken
    attribution, as when the two checks ran one after the other."""
    rows = session.execute(
        select(*_CHECKED).where(Event.report_id == report_id).order_by(Event.seq),
        execution_options={"yield_per": 5_000},
    )
    wrong_actor: list[Any] = []

    def checked() -> Iterator[Any]:
        for row in rows:
            if not wrong_actor and not attribution_holds(
                commitment=row.actor_commitment, salt=row.actor_salt, actor_id=row.actor_id
            ):
                wrong_actor.append(row)
            yield row

    check = verify_events(checked())
    if not check.ok or not wrong_actor:
        return check
    event = wrong_actor[0]
    reason = "the recorded actor does not match the event's commitment"
    return ChainCheck(False, event.seq, event.prev_hash, event.id, event.seq, reason)


_CHECKED = (
    Event.id,
    Event.report_id,
    Event.seq,
    Event.type,
    Event.actor_id,
    Event.actor_salt,
    Event.actor_commitment,
    Event.payload,
    Event.created_at,
    Event.prev_hash,
    Event.hash,
)


def events_after(session: Session, *, report_id: int, after: int, limit: int) -> list[Event]:
    """The report's events after the event with id `after` (0: from the start), in seq order.

    Within one report ids rise with seq (an event is recorded under the report's lock, so one
    writer at a time draws ids for it): the events after id `after` are those after the seq
    of the report's last event with an id up to `after`, which is the cursor's own event in
    the usual case (one primary-key read). The page is then a range on the (report_id, seq)
    index, in the same statement; filtering `id > after` in seq order instead read every
    earlier event of the log first, a cost that grew with the log."""
    query = select(Event).where(Event.report_id == report_id)
    if after:
        own = (
            select(Event.seq)
            .where(Event.id == after, Event.report_id == report_id)
            .scalar_subquery()
        )
        before = (  # a cursor that is not one of this report's events: rare, and slower
            select(func.max(Event.seq))
            .where(Event.report_id == report_id, Event.id <= after)
            .scalar_subquery()
        )
        query = query.where(Event.seq > func.coalesce(own, before, 0))
    return list(session.scalars(query.order_by(Event.seq).limit(limit)))


def head_hash(session: Session, *, report_id: int) -> str:
    value = session.scalar(
        select(Event.hash).where(Event.report_id == report_id).order_by(Event.seq.desc()).limit(1)
    )
    return value or GENESIS_HASH
