"""Webhooks' public surface: registry.py (registering, reading, deactivating, deliveries)
and delivery.py (the outbox written with the events, delivered after commit by a worker)."""

from __future__ import annotations

from app.webhooks.delivery import (
    LEASE,
    MAX_ATTEMPTS,
    SIGNATURE_HEADER,
    Attempt,
    anything_due,
    body_of,
    claim_due,
    enqueue,
    record_attempts,
    sign,
)
from app.webhooks.registry import (
    check_target,
    deactivate,
    deliveries,
    get_webhook,
    list_webhooks,
    register,
)

__all__ = [
    "LEASE",
    "MAX_ATTEMPTS",
    "SIGNATURE_HEADER",
    "Attempt",
    "anything_due",
    "body_of",
    "check_target",
    "claim_due",
    "deactivate",
    "deliveries",
    "enqueue",
    "get_webhook",
    "list_webhooks",
    "record_attempts",
    "register",
    "sign",
]
