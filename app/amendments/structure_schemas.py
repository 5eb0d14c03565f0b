"""Requests and reads of structural amendments (`POST /v1/reports/{id}/structural-amendments`):
one body per operation, told apart by `operation`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictFloat

from app.amendments.models import AmendmentKind, StructureOperation
from app.reports.models import SectionKind
from app.reports.schemas import MAX_TEXT
from app.schemas import Id, InputModel, Moment, ReadModel, WholeInt

Label = Annotated[str, Field(max_length=50)]
Heading = Annotated[str, Field(max_length=500)]


class _Structural(InputModel):
    kind: AmendmentKind = Field(description="editorial or substantive, as for any amendment")
    rationale: str = Field(default="", max_length=20_000)
    consent_deadline: Moment | None = Field(
        default=None, description="For a consent round after adoption: when it ends"
    )
    remind_before: Annotated[StrictFloat, Field(gt=0, le=366 * 86_400)] | None = Field(
        default=None, description="Remind pending voters this many seconds before the deadline"
    )
    alternative_to: Id | None = Field(
        default=None,
        description="An open amendment (text or structural) acting on the same first section: "
        "this one joins its group of alternatives, and adopting one supersedes the others",
    )


class _Place(InputModel):
    parent_id: Id | None = Field(default=None, description="The parent (null: the top level)")
    after_id: Id | None = Field(
        default=None, description="The sibling it follows (null: the beginning, or `at_end`)"
    )
    at_end: bool = Field(default=False, description="At the end of the parent's children")


class InsertSection(_Structural, _Place):
    operation: Literal["insert"]
    section_kind: SectionKind = SectionKind.section
    label: Label = ""
    heading: Heading = ""
    text: str = Field(max_length=MAX_TEXT, description="The new section's first text")


class DeleteSection(_Structural):
    operation: Literal["delete"]
    section_id: Id = Field(description="Deleted with everything under it")


class MoveSection(_Structural, _Place):
    operation: Literal["move"]
    section_id: Id = Field(description="Moved with everything under it")


class SplitSection(_Structural):
    operation: Literal["split"]
    section_id: Id
    base_version: Id | None = Field(default=None, description="Default: the head")
    paragraph: WholeInt = Field(
        ge=1,
        description="The report-wide number of the first paragraph of the new section (a "
        "paragraph of this section other than its first)",
    )
    section_kind: SectionKind | None = Field(default=None, description="Default: the same")
    label: Label = ""
    heading: Heading = ""


class MergeSections(_Structural):
    operation: Literal["merge"]
    first_id: Id
    second_id: Id = Field(description="The first one's next sibling; its text follows")
    label: Label | None = Field(default=None, description="A new label for the merged section")
    heading: Heading | None = Field(default=None, description="A new heading for it")


class RenameSection(_Structural):
    operation: Literal["rename"]
    section_id: Id
    label: Label | None = Field(default=None, description="Renumber (a new label)")
    heading: Heading | None = None
    section_kind: SectionKind | None = None


class MoveParagraphs(_Structural):
    operation: Literal["move_paragraphs"]
    section_id: Id = Field(description="The section the paragraphs are in")
    base_version: Id | None = Field(default=None, description="Its version read (default: head)")
    first: WholeInt = Field(ge=1, description="The report-wide number of the first moved")
    last: WholeInt | None = Field(default=None, ge=1, description="Of the last (default: first)")
    to_section_id: Id = Field(description="Where they go (this section or another)")
    to_base_version: Id | None = Field(default=None, description="Its version read")
    after_paragraph: WholeInt | None = Field(
        default=None,
        ge=1,
        description="The report-wide number of the paragraph of `to_section_id` they follow "
        "(null: its beginning, or its end with `at_end`)",
    )
    at_end: bool = Field(default=False, description="At the end of `to_section_id`")


class SpanText(InputModel):
    section_id: Id
    base_version: WholeInt = Field(ge=1)
    text: str = Field(max_length=MAX_TEXT, description="The section's whole proposed text")


class SpanChange(_Structural):
    operation: Literal["span"]
    texts: list[SpanText] = Field(
        min_length=2, max_length=50, description="Neighbouring sections in outline order"
    )


StructureCreate = Annotated[
    InsertSection
    | DeleteSection
    | MoveSection
    | SplitSection
    | MergeSections
    | RenameSection
    | SpanChange
    | MoveParagraphs,
    Field(discriminator="operation"),
]


class TouchedRead(ReadModel):
    section_id: int
    version: int


class StructureRead(ReadModel):
    operation: StructureOperation
    base_outline_revision: int = Field(description="The outline revision it was proposed on")
    operands: dict[str, Any]
    touched: list[TouchedRead] = Field(description="The sections it touches, at their base")
    result: dict[str, Any] | None = Field(
        description="Once adopted: the versions it made, sections added, removed, moved, renamed"
    )


class MarkedOp(ReadModel):
    op: Literal["equal", "insert", "delete", "move_from", "move_to"] = Field(
        description="move_from / move_to: text that moves (from here, to here), not deleted "
        "and inserted"
    )
    text: str


class StructurePart(ReadModel):
    """One section as a structural amendment leaves it, its text as tracked changes."""

    section_id: int | None = Field(description="Null: a section the amendment adds")
    label: str
    heading: str
    role: Literal["changed", "inserted", "deleted", "moved", "renamed"]
    ops: list[MarkedOp]
    after_id: int | None = Field(default=None, description="A new or moved section follows it")
    parent_id: int | None = Field(default=None, description="... under this parent")
    was: str | None = Field(default=None, description="A renamed section's former title")
