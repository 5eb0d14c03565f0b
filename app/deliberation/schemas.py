"""Bodies of threads, reservations and open points. One read model per noun with the
people in optional fields, and a public schema that leaves them out: `views.py` gives the
public view through `app.visibility.redacted` (Chatham House: no name, no id)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StrictBool, model_validator

from app.deliberation.models import MAX_RESERVATION_CHARS, Subject
from app.pagination import Page
from app.reports.models import OpenPointStatus
from app.schemas import Id, InputModel, ReadModel

MAX_MESSAGE_CHARS = 10_000
Paragraph = Annotated[int, Field(ge=1, le=1_000_000)]
Body = Annotated[str, Field(min_length=1, max_length=MAX_MESSAGE_CHARS)]


class ThreadCreate(InputModel):
    """What the thread discusses: exactly one of an amendment, an objection (the id of the
    objecting answer, as listed in the amendment's consents), a section, which with a
    `paragraph` (report-wide number as it stands) means that paragraph, or a question of a
    questionnaire tied to the report."""

    amendment_id: Id | None = None
    objection_id: Id | None = None
    section_id: Id | None = None
    paragraph: Paragraph | None = None
    question_id: Id | None = None
    title: Annotated[str, Field(max_length=300)] = ""
    body: Body

    @model_validator(mode="after")
    def _one_subject(self) -> ThreadCreate:
        named = [self.amendment_id, self.objection_id, self.section_id, self.question_id]
        if sum(x is not None for x in named) != 1:
            raise ValueError(
                "name exactly one of `amendment_id`, `objection_id`, `section_id`, `question_id`"
            )
        if self.paragraph is not None and self.section_id is None:
            raise ValueError("a `paragraph` needs its `section_id`")
        return self


class MessageCreate(InputModel):
    body: Body
    reply_to: Id | None = Field(default=None, description="A message of this thread (not a reply)")


class Mention(ReadModel):
    """A paragraph a message mentions ("¶12", "para 12", "paragraph 12"), as the report
    stands now."""

    paragraph: int
    section_id: int
    url: str = Field(description="The section that holds it, in this API")


class MessageRead(ReadModel):
    id: int
    thread_id: int
    parent_id: int | None
    body: str
    mentions: list[Mention]
    created_at: datetime
    author_id: int | None = None
    author_name: str | None = None


class MessagePublic(ReadModel):
    id: int
    thread_id: int
    parent_id: int | None
    body: str
    mentions: list[Mention]
    created_at: datetime


class ThreadRead(ReadModel):
    id: int
    report_id: int
    subject: Subject
    amendment_id: int | None
    objection_id: int | None
    section_id: int | None
    question_id: int | None = Field(default=None, description="A questionnaire's question")
    paragraph: int | None = Field(description="The paragraph as numbered when the thread opened")
    current_paragraph: int | None = Field(description="Where that paragraph is numbered now")
    title: str
    published: bool = Field(description="Set by the chair: the public reads it, without names")
    resolved: bool
    resolved_at: datetime | None
    created_at: datetime
    messages: list[MessageRead]
    opener_id: int | None = None
    opener_name: str | None = None


class ThreadPublic(ReadModel):
    id: int
    report_id: int
    subject: Subject
    amendment_id: int | None
    objection_id: int | None
    section_id: int | None
    question_id: int | None = None
    paragraph: int | None
    current_paragraph: int | None
    title: str
    published: bool
    resolved: bool
    resolved_at: datetime | None
    created_at: datetime
    messages: list[MessagePublic]


class ThreadPage(Page[ThreadRead]):
    pass


class ReservationCreate(InputModel):
    paragraph: Paragraph = Field(description="Report-wide number, as the report stands")
    text: Annotated[str, Field(min_length=1, max_length=MAX_RESERVATION_CHARS)]
    attributed: StrictBool = Field(
        default=False,
        description="Print the member's name with the reservation, in public views and "
        "exports too; otherwise no reader outside the group learns who made it",
    )


class ReservationRead(ReadModel):
    id: int
    report_id: int
    section_id: int
    paragraph: int = Field(description="The paragraph as numbered when it was recorded")
    current_paragraph: int | None = Field(description="That paragraph's number now")
    text: str
    attributed: bool
    named_as: str | None = Field(description="The member's name when it chose attribution")
    withdrawn: bool
    created_at: datetime
    participant_id: int | None = None
    participant_name: str | None = None


class ReservationPublic(ReadModel):
    id: int
    report_id: int
    section_id: int
    paragraph: int
    current_paragraph: int | None
    text: str
    attributed: bool
    named_as: str | None
    withdrawn: bool
    created_at: datetime


class ReservationList(ReadModel):
    items: list[ReservationRead]


class BracketsCreate(InputModel):
    amendment_ids: Annotated[
        list[Id], Field(min_length=2, max_length=20, json_schema_extra={"uniqueItems": True})
    ] = Field(description="Alternatives of one group, in the order the bracket lists them")


class OpenPointKeep(InputModel):
    note: Annotated[str, Field(max_length=2_000)] = ""


class OptionRead(ReadModel):
    amendment_id: int
    text: str


class OpenPointRead(ReadModel):
    """No person in it: the same for every reader."""

    id: int
    report_id: int
    section_id: int
    status: OpenPointStatus
    text: str = Field(description="The bracket as it stands in `version` of the section")
    options: list[OptionRead]
    created_version: int
    version: int = Field(description="The section's version `start` and `end` are in")
    start: int
    end: int
    note: str
    resolved_version: int | None
    kept_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime


class OpenPointList(ReadModel):
    items: list[OpenPointRead]


PUBLIC_VIEWS: dict[type[BaseModel], type[BaseModel]] = {
    ThreadRead: ThreadPublic,
    MessageRead: MessagePublic,
    Mention: Mention,
    ReservationRead: ReservationPublic,
}
