"""The outbox: written with the events, claimed and delivered after commit by the worker,
signed, retried with backoff."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.db import unit_of_work
from app.events.models import Event
from app.reports.models import Report
from app.webhooks.models import Delivery, DeliveryStatus, Webhook

SIGNATURE_HEADER = "Plenary-Signature"
MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=30)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over `timestamp.body`; receivers recompute it and compare in constant time."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def enqueue(session: Session) -> None:
    """before_commit: one delivery per matching active webhook for each new event, in the
    same transaction as the events (nothing is lost, nothing is sent for a rollback)."""
    work = unit_of_work(session)
    events: list[Event] = work.events
    if not events:
        return
    report_ids = {e.report_id for e in events}
    # Reports whose lock found no active webhook in their group: nothing to deliver, no read.
    # A webhook made by a transaction that commits after that read and before this one is
    # missed, as it is by the read below when it commits after it: a webhook receives the
    # events committed after it was, not necessarily those of a write already under way.
    if all(work.hooked_reports.get(r) is False for r in report_ids):
        return
    # A Core statement on the session's connection: most groups have no webhook, and the
    # ORM's machinery for an entity query cost more than the statement that finds none.
    # Flushed first, as the ORM's autoflush would (no I/O when nothing is pending).
    session.flush()
    found = session.connection().execute(_webhooks_query(), {"report_ids": list(report_ids)})
    pairs = found.all()
    if not pairs:
        return
    webhooks = {
        webhook.id: webhook
        for webhook in session.scalars(
            select(Webhook).where(Webhook.id.in_({webhook_id for webhook_id, _ in pairs}))
        )
    }
    rows = [(webhooks[webhook_id], report_id) for webhook_id, report_id in pairs]
    session.flush()  # the events need their ids
    for webhook, report_id in rows:
        for event in events:
            if event.report_id == report_id and (
                not webhook.event_types or event.type in webhook.event_types
            ):
                session.add(Delivery(webhook_id=webhook.id, event_id=event.id))
    session.flush()


@cache
def _webhooks_query() -> Select[int, int]:
    # Built once: every write that records an event runs it before its commit. Table
    # columns, not the mapped class's: a plain statement for `Connection.execute`.
    webhook, report = Webhook.__table__.c, Report.__table__.c
    return (
        select(webhook.id, report.id)
        .join_from(Webhook.__table__, Report.__table__, report.group_id == webhook.group_id)
        .where(report.id.in_(bindparam("report_ids", expanding=True)), webhook.active.is_(True))
    )


def anything_due(session: Session) -> bool:
    due = select(Delivery.id).where(
        Delivery.status == DeliveryStatus.pending, Delivery.next_attempt_at <= utcnow()
    )
    return session.scalar(due.limit(1)) is not None


def claim_due(
    session: Session, *, limit: int = 50, lease: timedelta = LEASE
) -> list[tuple[Delivery, Webhook, Event]]:
    """Take a lease on due deliveries, so several processes never send one twice at once.
    The lease must outlast an attempt (the worker gives the HTTP timeout plus a margin).
    Two statements whatever the number: the worker holds the write gate meanwhile."""
    now = utcnow()
    due = (
        select(Delivery.id)
        .where(Delivery.status == DeliveryStatus.pending, Delivery.next_attempt_at <= now)
        .order_by(Delivery.id)
        .limit(limit)
    )
    taken = session.scalars(
        update(Delivery)
        .where(
            Delivery.id.in_(due.scalar_subquery()),
            # Checked again by the UPDATE itself: another process may have leased some.
            Delivery.status == DeliveryStatus.pending,
            Delivery.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + lease)
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not taken:
        return []
    rows = session.execute(
        select(Delivery, Webhook, Event)
        .join(Webhook, Webhook.id == Delivery.webhook_id)
        .join(Event, Event.id == Delivery.event_id)
        .where(Delivery.id.in_(taken))
        .order_by(Delivery.id)
    ).all()
    return [(delivery, webhook, event) for delivery, webhook, event in rows]


def body_of(delivery: Delivery, event: Event) -> bytes:
    return json.dumps(
        {
            "delivery_id": delivery.id,
            "webhook_id": delivery.webhook_id,
            "event": {
                "id": event.id,
                "seq": event.seq,
                "report_id": event.report_id,
                "type": event.type,
                "actor_id": event.actor_id,
                "payload": event.payload,
                "created_at": event.created_at.isoformat(),
                "hash": event.hash,
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


@dataclass(frozen=True)
class Attempt:
    """What one delivery attempt came to. `final`: a failure that retrying cannot mend (the
    target is no longer allowed)."""

    delivery_id: int
    status_code: int | None
    error: str
    final: bool = False


def record_attempts(session: Session, attempts: list[Attempt], *, backoff_base: float) -> None:
    deliveries = {
        d.id: d
        for d in session.scalars(
            select(Delivery).where(Delivery.id.in_([a.delivery_id for a in attempts]))
        )
    }
    now = utcnow()
    for attempt in attempts:
        delivery = deliveries.get(attempt.delivery_id)
        if delivery is None:
            continue
        delivery.attempts += 1
        delivery.last_status_code = attempt.status_code
        delivery.last_error = attempt.error[:2000]
        code = attempt.status_code
        if code is not None and 200 <= code < 300:
            delivery.status = DeliveryStatus.delivered
            delivery.delivered_at = now
        elif attempt.final or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.failed
        else:
            delay = min(backoff_base * 2 ** (delivery.attempts - 1), 600.0)
            delivery.next_attempt_at = now + timedelta(seconds=delay)
    session.flush()
