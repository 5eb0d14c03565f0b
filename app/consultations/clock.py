"""Time as a dependency: routes ask `now()`, tests replace it to move past a deadline."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends

from app.db import utcnow


def now() -> datetime:
    return utcnow()


Now = Annotated[datetime, Depends(now)]
