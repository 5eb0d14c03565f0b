from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.drafting_groups.models import Stage
from app.pagination import Page
from app.reports.models import MilestoneKind, ReportStatus, SectionKind, VersionSource
from app.schemas import MAX_ID, Flag, Id, InputModel, Position, ReadModel, WholeInt

MAX_TEXT = 1_000_000


NOTICE_HELP = (
    "After adoption an editorial change waits this many hours for any voting member to call "
    "it substance before it applies (unless every voter accepts it sooner). A consent rule: "
    "fixed at adoption. At least 1 hour: a change nobody had the chance to read is not editorial."
)


class ReportCreate(InputModel):
    title: str = Field(min_length=1, max_length=500)
    symbol: str = Field(default="", max_length=100)
    disclaimer: str | None = Field(default=None, max_length=20_000)
    silence_procedure: Flag = False
    editorial_notice_hours: float = Field(default=48.0, ge=1, le=720, description=NOTICE_HELP)


class ReportImport(InputModel):
    markdown: str = Field(max_length=MAX_TEXT * 2)
    title: str | None = Field(default=None, min_length=1, max_length=500)
    symbol: str | None = Field(default=None, max_length=100)
    disclaimer: str | None = Field(default=None, max_length=20_000)


class ReportUpdate(InputModel):
    title: str | None = Field(default=None, min_length=1, max_length=500)
    symbol: str | None = Field(default=None, max_length=100)
    disclaimer: str | None = Field(default=None, max_length=20_000)
    silence_procedure: Flag | None = None
    editorial_notice_hours: float | None = Field(
        default=None, ge=1, le=720, description=NOTICE_HELP
    )


class ReportSummary(ReadModel):
    id: int
    group_id: int
    title: str
    symbol: str
    status: ReportStatus
    disclaimer: str
    silence_procedure: bool
    editorial_notice_hours: float
    is_public: bool
    adopted_at: datetime | None
    editorial_window_ends_at: datetime | None
    transmitted_at: datetime | None
    created_at: datetime
    updated_at: datetime
    revision: int


class OutlineEntry(ReadModel):
    id: int
    parent_id: int | None
    kind: SectionKind
    label: str
    heading: str
    position: int
    depth: int
    head_version: int
    first_paragraph: int
    paragraph_count: int
    stage: Stage | None = Field(
        default=None, description="The part's stage in a staged report (issue 20), else null"
    )


class ReportDerive(InputModel):
    title: str = Field(min_length=1, max_length=500)
    symbol: str = Field(default="", max_length=100)
    section_ids: list[Id] = Field(
        min_length=1, max_length=10_000, description="Sections to copy, with their subsections"
    )


class LineageStep(ReadModel):
    report_id: int
    section_id: int
    version: int


class LineageRead(ReadModel):
    section_id: int
    sources: list[LineageStep] = Field(description="Nearest source first")


class ReportRead(ReportSummary):
    outline: list[OutlineEntry]
    paragraph_total: int


class SectionCreate(InputModel):
    kind: SectionKind
    label: str = Field(default="", max_length=50)
    heading: str = Field(default="", max_length=500)
    parent_id: Id | None = None
    position: Position | None = None
    text: str = Field(default="", max_length=MAX_TEXT)


class SectionUpdate(InputModel):
    kind: SectionKind | None = None
    label: str | None = Field(default=None, max_length=50)
    heading: str | None = Field(default=None, max_length=500)


class SectionMove(InputModel):
    parent_id: Id | None = None
    position: Position


class VersionCreate(InputModel):
    base_version: WholeInt = Field(ge=0, le=MAX_ID)
    text: str = Field(max_length=MAX_TEXT)


class VersionSummary(ReadModel):
    section_id: int
    number: int
    sha256: str
    paragraph_count: int
    source: VersionSource
    author_id: int | None
    amendment_id: int | None = None
    created_at: datetime


class VersionRead(VersionSummary):
    text: str


class VersionPage(Page[VersionSummary]):
    pass


class SectionRead(ReadModel):
    id: int
    report_id: int
    parent_id: int | None
    kind: SectionKind
    label: str
    heading: str
    position: int
    head_version: int
    removed_at: datetime | None
    created_at: datetime
    revision: int
    first_paragraph: int | None = Field(
        description="Number of the section's first paragraph in the report; null when removed."
    )
    head: VersionRead | None


class DiffOp(ReadModel):
    op: Literal["equal", "insert", "delete"]
    text: str


class SectionDiff(ReadModel):
    section_id: int
    from_version: int
    to_version: int
    granularity: Literal["char", "word"]
    inserted_chars: int
    deleted_chars: int
    ops: list[DiffOp]
    html: str


class MilestoneCreate(InputModel):
    name: str = Field(min_length=1, max_length=200)


class MilestoneEntryRead(ReadModel):
    section_id: int
    parent_id: int | None
    position: int
    kind: SectionKind
    label: str
    heading: str
    version_number: int


class MilestoneRead(ReadModel):
    id: int
    report_id: int
    name: str
    kind: MilestoneKind
    created_by_id: int | None
    created_at: datetime
    entries: list[MilestoneEntryRead]


class SectionComparison(ReadModel):
    section_id: int
    label: str
    heading: str
    change: Literal["added", "removed", "changed", "unchanged"]
    from_version: int | None
    to_version: int | None
    ops: list[DiffOp]
    html: str


class ReportComparison(ReadModel):
    report_id: int
    from_state: str
    to_state: str
    sections: list[SectionComparison]


# --- what the public sees (app/visibility.py, `redacted`) --------------------------------
# Fields a public schema does not declare are hidden from observers and the public.


class VersionPublic(ReadModel):
    section_id: int
    number: int
    sha256: str
    paragraph_count: int
    source: VersionSource
    amendment_id: int | None
    created_at: datetime
    text: str


class MilestonePublic(ReadModel):
    id: int
    report_id: int
    name: str
    kind: MilestoneKind
    created_at: datetime
    entries: list[MilestoneEntryRead]


PUBLIC_VIEWS: dict[type[BaseModel], type[BaseModel]] = {
    VersionSummary: VersionPublic,
    VersionRead: VersionPublic,
    MilestoneRead: MilestonePublic,
    MilestoneEntryRead: MilestoneEntryRead,  # the outline's places: no person in them
}


class ReportPage(Page[ReportSummary]):
    pass


class MilestonePage(Page[MilestoneRead]):
    pass
