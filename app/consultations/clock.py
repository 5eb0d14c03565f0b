"""Time as a dependency: routes ask `now()`, tests replace it to move past a deadline."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends

from app.db import utcnow


def now() -> datetime:
    return utcnow()


Now = Annotated[datetime, Depends(now)]


def rfc3339(moment: datetime) -> str:
    """As the API's bodies write times (UTC, with a Z), for problem details and events."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
