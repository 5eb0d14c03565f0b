"""Drafting groups' request and response models, attributed and public (issue 20).

Chatham House: who sits in a drafting group, and who leads it, is for the members of the
working group; the public view of a drafting group and of the progress view keeps the
stage and drops every person (`PUBLIC_VIEWS`, applied by app/visibility.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.drafting_groups.models import Stage
from app.groups.models import Stakeholder
from app.pagination import Page
from app.schemas import Id, InputModel, ReadModel


class DraftingGroupCreate(InputModel):
    name: str = Field(min_length=1, max_length=200)
    member_ids: list[Id] = Field(min_length=1, max_length=200, description="The sub-roster")
    co_lead_ids: list[Id] = Field(
        min_length=1, max_length=2, description="One or two of `member_ids`"
    )


class Assignment(InputModel):
    section_id: Id = Field(description="A section, or a chapter with all its sections")


class StageChange(InputModel):
    to: Stage = Field(description="The stage the part (with its subsections) moves to")


class GroupDecision(InputModel):
    decision: Literal["accept", "reject"]
    reason: str = Field(default="", max_length=5000)


class DraftingMemberRead(ReadModel):
    participant_id: int
    name: str
    stakeholder: Stakeholder
    region: str
    is_co_lead: bool


class Composition(ReadModel):
    """The balance the chair looks for: members per stakeholder group and per region."""

    stakeholders: dict[str, int]
    regions: dict[str, int]
    co_lead_stakeholders: list[str]
    co_lead_regions: list[str]


class DraftingGroupRead(ReadModel):
    id: int
    group_id: int
    name: str
    created_at: datetime
    members: list[DraftingMemberRead] | None = None
    composition: Composition | None = None
    section_ids: list[int]


class DraftingGroupPage(Page[DraftingGroupRead]):
    pass


class PartStage(ReadModel):
    section_id: int
    stage: Stage


class StageRead(ReadModel):
    report_id: int
    parts: list[PartStage]


class CoLeadRead(ReadModel):
    participant_id: int
    name: str
    stakeholder: Stakeholder
    region: str


class ChapterProgress(ReadModel):
    section_id: int
    label: str
    heading: str
    stage: Stage | None = Field(description="The least advanced stage of its parts")
    drafting_group_id: int | None = None
    drafting_group: str | None = None
    co_leads: list[CoLeadRead] | None = None
    last_change: datetime
    open_amendments: int


class ProgressRead(ReadModel):
    report_id: int
    staged: bool
    chapters: list[ChapterProgress]


class DraftingGroupPublic(ReadModel):
    id: int
    group_id: int
    name: str
    created_at: datetime
    section_ids: list[int]


class ChapterProgressPublic(ReadModel):
    section_id: int
    label: str
    heading: str
    stage: Stage | None
    last_change: datetime
    open_amendments: int


class ProgressPublic(ReadModel):
    report_id: int
    staged: bool
    chapters: list[ChapterProgress]


PUBLIC_VIEWS: dict[type[BaseModel], type[BaseModel]] = {
    DraftingGroupRead: DraftingGroupPublic,
    ProgressRead: ProgressPublic,
    ChapterProgress: ChapterProgressPublic,
}
