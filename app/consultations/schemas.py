"""Request and response bodies. Two views of a comment: `CommentRead` for members (names and
ids), `CommentPublic` for everyone else (Chatham House: no participant, ever); `views.py`
decides which one a caller gets."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, model_validator

from app.amendments.models import AmendmentKind, AmendmentStatus
from app.consultations.models import Audience, Category, CommentVisibility, Disposition, Scope
from app.schemas import Count, Id, InputModel, Moment

# A public comment is a few paragraphs, not a document: bounded well below the API's
# general body limit, per field and (in limits.py) for the whole request.
MAX_COMMENT_CHARS = 5_000
MAX_QUOTE_CHARS = 2_000
Name = Annotated[str, Field(min_length=1, max_length=200)]
ShortText = Annotated[str, Field(max_length=200)]


class ConsultationCreate(InputModel):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    disclaimer: Annotated[str | None, Field(max_length=5_000)] = Field(
        default=None, description="Printed above the posted text; the report's by default"
    )
    milestone_id: Id | None = Field(
        default=None, description="The posted snapshot; a new milestone of the report if absent"
    )
    section_ids: Annotated[list[Id], Field(min_length=1, max_length=500)] | None = Field(
        default=None, description="Chosen sections; the whole report if absent"
    )
    opens_at: Moment | None = Field(default=None, description="Now if absent")
    closes_at: Moment
    audiences: Annotated[list[Audience], Field(min_length=1, max_length=4)]
    moderated: StrictBool = Field(
        default=False, description="Hold public comments until the secretariat publishes them"
    )


class ConsultationRead(BaseModel):
    id: int
    report_id: int
    milestone_id: int
    title: str
    disclaimer: str
    opens_at: datetime
    closes_at: datetime
    state: Literal["scheduled", "open", "closed"]
    audiences: list[Audience]
    section_ids: list[int] | None
    moderated: bool
    created_at: datetime


class ConsultationPage(BaseModel):
    items: list[ConsultationRead]
    next: int | None = Field(description="Pass as `after` for the next page; null at the end")


class PostedSection(BaseModel):
    section_id: int
    label: str
    heading: str
    version: int
    first_paragraph: int
    paragraph_count: int
    text: str


class PostedText(BaseModel):
    consultation_id: int
    milestone_id: int
    disclaimer: str
    sections: list[PostedSection]


class Anchor(InputModel):
    """Where a comment points. No section: a general comment. A section alone: the whole
    section. With a paragraph (report-wide number as posted), a quote and/or offsets (in the
    section's posted text): that passage."""

    section_id: Id | None = None
    paragraph: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    quote: Annotated[str, Field(min_length=1, max_length=MAX_QUOTE_CHARS)] | None = None
    start: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    end: Annotated[int, Field(ge=0, le=10_000_000)] | None = None

    @model_validator(mode="after")
    def _needs_section(self) -> Anchor:
        ranged = (self.paragraph, self.quote, self.start, self.end) != (None,) * 4
        if ranged and self.section_id is None:
            raise ValueError("a paragraph, quote or range needs its `section_id`")
        return self


class CommentCreate(InputModel):
    body: Annotated[str, Field(min_length=1, max_length=MAX_COMMENT_CHARS)]
    anchor: Anchor = Field(default_factory=Anchor)
    suggestion: Annotated[str, Field(max_length=MAX_COMMENT_CHARS)] | None = Field(
        default=None, description="Replacement wording for the anchored passage"
    )


class PublicCommentCreate(CommentCreate):
    """The public form: no account. `website` is a honeypot that people never see or fill."""

    name: Name
    organisation: ShortText = ""
    category: Category
    publish_name: StrictBool = False
    invite_code: Annotated[str, Field(max_length=100)] | None = None
    website: Annotated[str, Field(max_length=200)] = ""


class InviteCreate(InputModel):
    organisation: ShortText = ""
    category: Category


class InviteRead(BaseModel):
    id: int
    consultation_id: int
    organisation: str
    category: Category
    code: str = Field(description="Shown once; only its hash is kept")


class ReplyCreate(InputModel):
    body: Annotated[str, Field(min_length=1, max_length=MAX_COMMENT_CHARS)]


class Moderation(InputModel):
    decision: Literal["publish", "reject"]


class DispositionSet(InputModel):
    disposition: Disposition
    response: Annotated[str, Field(max_length=2_000)] = ""


class AmendmentFromComment(InputModel):
    text: Annotated[str, Field(min_length=1)] | None = Field(
        default=None,
        description="The section's new text; if absent, the head text with the anchored "
        "passage replaced by the comment's suggestion",
    )
    kind: AmendmentKind = AmendmentKind.substantive
    rationale: Annotated[str, Field(max_length=5_000)] | None = None


class AnchorRead(BaseModel):
    scope: Scope
    section_id: int | None
    posted_version: int | None
    paragraph: int | None = Field(description="Report-wide paragraph number as posted")
    start: int | None
    end: int | None
    quote: str


class CurrentAnchor(BaseModel):
    """The passage in today's text, carried through the recorded edits."""

    outdated: bool = Field(description="The passage was rewritten or removed since posting")
    version: int | None
    paragraph: int | None
    start: int | None
    end: int | None


class Outcome(BaseModel):
    amendment_id: int
    status: AmendmentStatus
    resulting_version: int | None


class CommentPublic(BaseModel):
    id: int
    consultation_id: int
    parent_id: int | None
    commenter: str = Field(description='"a participant", or a public commenter as published')
    organisation: str
    category: Category | None = Field(description="Public commenters only")
    anchor: AnchorRead
    current: CurrentAnchor | None
    body: str
    suggestion: str | None
    visibility: CommentVisibility
    disposition: Disposition | None
    response: str
    outcome: Outcome | None
    resolved: bool
    created_at: datetime


class CommentRead(CommentPublic):
    """What members see: who said it."""

    origin: Literal["participant", "public"]
    participant_id: int | None
    participant_name: str | None
    participant_role: str | None
    author_name: str
    publish_name: bool
    category: Category | None


class CommentPage(BaseModel):
    items: list[CommentRead | CommentPublic]
    next: int | None = Field(description="Pass as `after` for the next page; null at the end")


class CategoryCount(BaseModel):
    category: str = Field(description="A stakeholder category, or members / observers")
    commenters: Count
    comments: Count


class SectionCount(BaseModel):
    section_id: int | None
    label: str
    heading: str
    comments: Count


class Compilation(BaseModel):
    consultation_id: int
    title: str
    state: Literal["scheduled", "open", "closed"]
    sentence: str = Field(description='e.g. "Four governments, ... and three members commented."')
    comments: Count
    commenters: Count
    by_category: list[CategoryCount]
    by_section: list[SectionCount]
    by_disposition: dict[str, int]


class ParagraphComments(BaseModel):
    section_id: int
    paragraph: int | None = Field(description="Today's number; null: the passage was rewritten")
    posted_paragraph: int | None
    comment_ids: list[int]


class ParagraphView(BaseModel):
    consultation_id: int
    paragraphs: list[ParagraphComments]
