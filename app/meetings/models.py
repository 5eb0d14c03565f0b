from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base


class Meeting(Base):
    """A plenary sitting on a report; its floor holds at most one amendment."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    floor_amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendment.id"), default=None, index=True
    )
