"""Webhooks of a group: registered by the chair or the secretariat, each a target on the
allow-list and a secret shown once; listed, read and deactivated, with their deliveries."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.allow_list import AllowList, TargetRefused
from app.auth import Principal
from app.errors import NotFound, Unprocessable
from app.groups.models import DRAFTING_ROLES
from app.pagination import page_query
from app.webhooks.models import Delivery, Webhook


def check_target(url: str, allow_list: AllowList) -> None:
    try:
        allow_list.check_url(url)
    except TargetRefused as refused:
        raise Unprocessable(str(refused)) from None


def register(
    session: Session,
    *,
    group_id: int,
    principal: Principal,
    url: str,
    event_types: list[str],
    secret: str | None,
    allow_list: AllowList,
) -> Webhook:
    principal.ensure_role(group_id, DRAFTING_ROLES)
    check_target(url, allow_list)
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


def list_webhooks(
    session: Session, *, group_id: int, principal: Principal, after: int, limit: int
) -> tuple[list[Webhook], int | None]:
    principal.ensure_role(group_id, DRAFTING_ROLES)
    query = select(Webhook).where(Webhook.group_id == group_id)
    return page_query(session, query, Webhook.id, after=after, limit=limit)


def deactivate(session: Session, *, webhook_id: int, principal: Principal) -> Webhook:
    webhook = get_webhook(session, webhook_id=webhook_id, principal=principal)
    webhook.active = False
    session.flush()
    return webhook


def deliveries(
    session: Session, *, webhook: Webhook, after: int, limit: int
) -> tuple[list[Delivery], int | None]:
    """Newest first: `after` is the last delivery id seen, the next page holds older ones."""
    query = select(Delivery).where(Delivery.webhook_id == webhook.id)
    return page_query(session, query, Delivery.id, after=after, limit=limit, newest_first=True)
