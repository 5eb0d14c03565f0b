from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from app.auth import CurrentPrincipal
from app.db import SessionDep
from app.idempotency import IdempotentRoute
from app.schemas import IdPath
from app.webhooks import service
from app.webhooks.schemas import DeliveryRead, WebhookCreate, WebhookCreated, WebhookRead
from app.webhooks.targets import AllowList

router = APIRouter(prefix="/v1", tags=["webhooks"], route_class=IdempotentRoute)


@router.post(
    "/groups/{group_id}/webhooks",
    response_model=WebhookCreated,
    status_code=status.HTTP_201_CREATED,
)
def register_webhook(
    group_id: IdPath,
    body: WebhookCreate,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
) -> WebhookCreated:
    """Each event of the group's reports is POSTed as JSON, signed
    `Plenary-Signature: sha256=HMAC(secret, "{Plenary-Timestamp}.{body}")`, after commit,
    with retries and backoff."""
    webhook = service.register(
        session,
        group_id=group_id,
        principal=principal,
        url=body.url,
        event_types=body.event_types,
        secret=body.secret,
        allow_list=AllowList(request.app.state.settings.webhook_allowed_hosts),
    )
    return WebhookCreated.model_validate(
        {**WebhookRead.model_validate(webhook).model_dump(), "secret": webhook.secret}
    )


@router.get("/groups/{group_id}/webhooks", response_model=list[WebhookRead])
def list_webhooks(
    group_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> list[WebhookRead]:
    found = service.list_webhooks(session, group_id=group_id, principal=principal)
    return [WebhookRead.model_validate(w) for w in found]


@router.delete("/webhooks/{webhook_id}", response_model=WebhookRead)
def deactivate_webhook(
    webhook_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> WebhookRead:
    webhook = service.deactivate(session, webhook_id=webhook_id, principal=principal)
    return WebhookRead.model_validate(webhook)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryRead])
def list_deliveries(
    webhook_id: IdPath,
    session: SessionDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryRead]:
    """The delivery log, newest first: attempts, last status, errors."""
    webhook = service.get_webhook(session, webhook_id=webhook_id, principal=principal)
    return [
        DeliveryRead.model_validate(d)
        for d in service.deliveries(session, webhook=webhook, limit=limit)
    ]
