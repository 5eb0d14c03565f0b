"""Webhooks: an outbox written with the events, delivered after commit by a worker."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth import Principal
from app.db import utcnow
from app.errors import NotFound, Unprocessable
from app.events.models import Event
from app.groups.models import DRAFTING_ROLES
from app.reports.models import Report
from app.webhooks.models import Delivery, DeliveryStatus, Webhook

SIGNATURE_HEADER = "Plenary-Signature"
MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=30)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over `timestamp.body`; receivers recompute it and compare in constant time."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def check_target(url: str, allowed_hosts: list[str]) -> None:
    host = (urlsplit(url).hostname or "").lower()
    if "*" not in allowed_hosts and host not in [h.lower() for h in allowed_hosts]:
        raise Unprocessable(
            f"Webhooks may not target {host!r}; allowed hosts: {', '.join(allowed_hosts)} "
            "(setting PLENARY_WEBHOOK_ALLOWED_HOSTS)."
        )


def register(
    session: Session,
    *,
    group_id: int,
    principal: Principal,
    url: str,
    event_types: list[str],
    secret: str | None,
    allowed_hosts: list[str],
) -> Webhook:
    principal.ensure_role(group_id, DRAFTING_ROLES)
    check_target(url, allowed_hosts)
    webhook = Webhook(
        group_id=group_id,
        url=url,
        secret=secret or secrets.token_urlsafe(32),
        event_types=sorted(set(event_types)),
        created_by_id=principal.participant_id,
    )
    session.add(webhook)
    session.flush()
    return webhook


def get_webhook(session: Session, *, webhook_id: int, principal: Principal) -> Webhook:
    webhook = session.get(Webhook, webhook_id)
    if webhook is None:
        raise NotFound(f"No webhook {webhook_id}.")
    principal.ensure_role(webhook.group_id, DRAFTING_ROLES)
    return webhook


def list_webhooks(session: Session, *, group_id: int, principal: Principal) -> list[Webhook]:
    principal.ensure_role(group_id, DRAFTING_ROLES)
    return list(session.scalars(select(Webhook).where(Webhook.group_id == group_id)))


def deactivate(session: Session, *, webhook_id: int, principal: Principal) -> Webhook:
    webhook = get_webhook(session, webhook_id=webhook_id, principal=principal)
    webhook.active = False
    session.flush()
    return webhook


def deliveries(session: Session, *, webhook: Webhook, limit: int) -> list[Delivery]:
    return list(
        session.scalars(
            select(Delivery)
            .where(Delivery.webhook_id == webhook.id)
            .order_by(Delivery.id.desc())
            .limit(limit)
        )
    )


def enqueue(session: Session) -> None:
    """before_commit: one delivery per matching active webhook for each new event, in the
    same transaction as the events (nothing is lost, nothing is sent for a rollback)."""
    events: list[Event] = session.info.get("events", [])
    if not events:
        return
    report_ids = {e.report_id for e in events}
    rows = session.execute(
        select(Webhook, Report.id)
        .join(Report, Report.group_id == Webhook.group_id)
        .where(Report.id.in_(report_ids), Webhook.active.is_(True))
    ).all()
    if not rows:
        return
    session.flush()  # the events need their ids
    for webhook, report_id in rows:
        for event in events:
            if event.report_id == report_id and (
                not webhook.event_types or event.type in webhook.event_types
            ):
                session.add(Delivery(webhook_id=webhook.id, event_id=event.id))
    session.flush()


def claim_due(session: Session, *, limit: int = 50) -> list[tuple[Delivery, Webhook, Event]]:
    """Take a lease on due deliveries, so several processes never send one twice at once."""
    now = utcnow()
    due = list(
        session.scalars(
            select(Delivery.id)
            .where(Delivery.status == DeliveryStatus.pending, Delivery.next_attempt_at <= now)
            .order_by(Delivery.id)
            .limit(limit)
        )
    )
    claimed = []
    for delivery_id in due:
        taken = session.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.status == DeliveryStatus.pending,
                Delivery.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + LEASE)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(delivery_id)
    out = []
    for delivery_id in claimed:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        webhook = session.get(Webhook, delivery.webhook_id)
        event = session.get(Event, delivery.event_id)
        if webhook is not None and event is not None:
            out.append((delivery, webhook, event))
    return out


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


def record_attempt(
    session: Session,
    *,
    delivery_id: int,
    status_code: int | None,
    error: str,
    backoff_base: float,
) -> None:
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        return
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error[:2000]
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = DeliveryStatus.delivered
        delivery.delivered_at = utcnow()
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.failed
    else:
        delay = min(backoff_base * 2 ** (delivery.attempts - 1), 600.0)
        delivery.next_attempt_at = utcnow() + timedelta(seconds=delay)
