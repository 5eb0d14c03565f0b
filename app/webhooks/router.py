from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from app.allow_list import AllowList
from app.auth import CurrentPrincipal
from app.db import SessionDep
from app.idempotency import IdempotentRoute, SecretAnswer
from app.pagination import DEFAULT_PAGE, After, Limit, link_next
from app.schemas import MAX_ID, IdPath
from app.webhooks import service
from app.webhooks.schemas import (
    DeliveryPage,
    DeliveryRead,
    WebhookCreate,
    WebhookCreated,
    WebhookPage,
    WebhookRead,
)

router = APIRouter(prefix="/v1", tags=["webhooks"], route_class=IdempotentRoute)


@router.post(
    "/groups/{group_id}/webhooks",
    response_model=WebhookCreated,
    status_code=status.HTTP_201_CREATED,
    dependencies=[SecretAnswer],  # the answer shows the secret once
)
def register_webhook(
    group_id: IdPath,
    body: WebhookCreate,
    request: Request,
    response: Response,
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
    response.headers["Location"] = f"/v1/webhooks/{webhook.id}"  # DELETE deactivates it
    return WebhookCreated.model_validate(
        {**WebhookRead.model_validate(webhook).model_dump(), "secret": webhook.secret}
    )


@router.get("/groups/{group_id}/webhooks", response_model=WebhookPage)
def list_webhooks(
    group_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    after: After = 0,
    limit: Limit = DEFAULT_PAGE,
) -> WebhookPage:
    found, next_cursor = service.list_webhooks(
        session, group_id=group_id, principal=principal, after=after, limit=limit
    )
    link_next(request, response, next_cursor)
    return WebhookPage(items=[WebhookRead.model_validate(w) for w in found], next=next_cursor)


@router.delete("/webhooks/{webhook_id}", response_model=WebhookRead)
def deactivate_webhook(
    webhook_id: IdPath, session: SessionDep, principal: CurrentPrincipal
) -> WebhookRead:
    webhook = service.deactivate(session, webhook_id=webhook_id, principal=principal)
    return WebhookRead.model_validate(webhook)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=DeliveryPage)
def list_deliveries(
    webhook_id: IdPath,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    after: Annotated[
        int,
        Query(
            ge=0,
            le=MAX_ID,
            description="Cursor: the `next` of the previous page (older deliveries follow)",
        ),
    ] = 0,
    limit: Limit = DEFAULT_PAGE,
) -> DeliveryPage:
    """The delivery log, newest first: attempts, last status, errors."""
    webhook = service.get_webhook(session, webhook_id=webhook_id, principal=principal)
    found, next_cursor = service.deliveries(session, webhook=webhook, after=after, limit=limit)
    link_next(request, response, next_cursor)
    return DeliveryPage(items=[DeliveryRead.model_validate(d) for d in found], next=next_cursor)
