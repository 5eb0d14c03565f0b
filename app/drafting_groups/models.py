"""Drafting groups (issue 20): a sub-roster of a working group with one or two co-leads,
assigned sections of a report; and each section's stage on its way to the plenary.

A section with no `SectionStage` row is written by the secretariat and stands at
`DEFAULT_STAGE` (see app/visibility.py, where the stage decides who reads it)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, enum_column


class Stage(enum.StrEnum):
    in_drafting_group = "in_drafting_group"
    agreed_in_drafting_group = "agreed_in_drafting_group"
    posted_to_group = "posted_to_group"
    posted_publicly = "posted_publicly"
    approved = "approved"
    left_out = "left_out"


# Work in progress: read by the drafting group, the chair and the secretariat only.
WIP_STAGES = frozenset({Stage.in_drafting_group, Stage.agreed_in_drafting_group})
# Read by the public when the report is public.
PUBLIC_STAGES = frozenset({Stage.posted_publicly, Stage.approved})
# What the adoption of a staged report needs of every part.
SETTLED_STAGES = frozenset({Stage.approved, Stage.left_out})
# A part no drafting group holds: the secretariat's text, posted to the group as written.
DEFAULT_STAGE = Stage.posted_to_group


class DraftingGroup(Base):
    __tablename__ = "drafting_group"
    __table_args__ = (UniqueConstraint("group_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DraftingMember(Base):
    __tablename__ = "drafting_group_member"

    drafting_group_id: Mapped[int] = mapped_column(
        ForeignKey("drafting_group.id"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id"), primary_key=True, index=True
    )
    is_co_lead: Mapped[bool] = mapped_column(Boolean, default=False)


class SectionStage(Base):
    """Where one section stands on its way to the plenary, and which drafting group holds
    it (at most one)."""

    __tablename__ = "section_stage"

    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    drafting_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("drafting_group.id"), index=True, default=None
    )
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, 30))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), default=None)
