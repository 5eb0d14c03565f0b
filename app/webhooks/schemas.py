from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from app.pagination import Page
from app.schemas import InputModel, ReadModel
from app.webhooks.models import DeliveryStatus


class WebhookCreate(InputModel):
    url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://")
    event_types: list[str] = Field(
        default_factory=list, max_length=50, description="Empty: every event type"
    )
    secret: str | None = Field(
        default=None, min_length=16, max_length=200, description="Default: generated"
    )

    @field_validator("url")
    @classmethod
    def _url_has_a_host(cls, url: str) -> str:
        try:
            host = urlsplit(url).hostname
        except ValueError as error:  # e.g. "http://]": an unbalanced IPv6 bracket
            raise ValueError(f"not a URL: {error}") from None
        if not host:
            raise ValueError("the URL names no host")
        return url


class WebhookRead(ReadModel):
    id: int
    group_id: int
    url: str
    event_types: list[str]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="The HMAC key; shown once")


class DeliveryRead(ReadModel):
    id: int
    webhook_id: int
    event_id: int
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    created_at: datetime


class WebhookPage(Page[WebhookRead]):
    pass


class DeliveryPage(Page[DeliveryRead]):
    pass
