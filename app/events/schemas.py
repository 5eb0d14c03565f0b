from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from app.schemas import ReadModel


class EventRead(ReadModel):
    id: int
    report_id: int
    seq: int
    type: str
    actor_id: int | None
    payload: dict[str, Any]
    created_at: datetime
    prev_hash: str
    hash: str


class EventPage(ReadModel):
    items: list[EventRead]
    next_after: int | None = Field(description="Pass as `after` for the next page")
    head_hash: str


class ChainReport(ReadModel):
    ok: bool
    events: int
    head_hash: str
    first_bad_event_id: int | None
    first_bad_seq: int | None
    reason: str | None
