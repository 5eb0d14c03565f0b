"""Request and answer bodies of sessions, agendas, speakers, attendance, captions and the
projector. Speakers and attendance name participants: `PUBLIC_VIEWS` says what the public
sees (a speaker's label only; attendance is for members)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.meetings.models import AgendaKind, SessionKind, SpeakerStatus
from app.meetings.projection import View
from app.schemas import Flag, Id, InputModel, ReadModel

SessionStatus = Literal["scheduled", "in_progress", "ended"]


class MeetingOpen(InputModel):
    title: str = Field(default="", max_length=200)
    venue: str = Field(default="", max_length=200, description="e.g. Château de Bossey")
    starts_on: date | None = None
    ends_on: date | None = None
    first_session: SessionKind | None = Field(
        default=SessionKind.plenary,
        description="The kind of the session started with the meeting; null: none",
    )


class SessionCreate(InputModel):
    kind: SessionKind
    title: str = Field(default="", max_length=200)
    public_speakers: Literal["participant", "stakeholder"] | None = Field(
        default=None,
        description="How the public names a speaker: 'a participant' (default), or by "
        "stakeholder category (open consultations only, their default)",
    )
    speaking_seconds: int | None = Field(
        default=None, ge=10, le=3600, description="The speaking time each speaker has"
    )
    start: Flag = Field(default=False, description="Start it at once")


class AgendaItemCreate(InputModel):
    kind: AgendaKind
    title: str = Field(min_length=1, max_length=300)
    target_id: Id | None = Field(
        default=None,
        description="The section (report_part), consultation or questionnaire it points at",
    )
    note: str = Field(default="", max_length=5_000)


class AgendaItemRead(ReadModel):
    id: int
    session_id: int
    position: int
    kind: AgendaKind
    title: str
    target_id: int | None
    note: str


class AgendaMove(InputModel):
    item_id: Id | None = Field(default=None, description="The item taken up; null: the next")


class AgendaItemMove(InputModel):
    position: int = Field(ge=1, le=10_000, description="Where the item goes (1 is the first)")


class ProjectionSet(InputModel):
    view: View
    paragraph: int | None = Field(default=None, ge=1, le=1_000_000)
    amendment_id: Id | None = Field(default=None, description="For a tally: the amendment")


class ProjectionRead(ReadModel):
    view: View
    paragraph: int | None
    amendment_id: int | None


class SessionRead(ReadModel):
    id: int
    meeting_id: int
    report_id: int
    kind: SessionKind
    title: str
    status: SessionStatus
    public_speakers: str
    speaking_seconds: int | None
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    current_item: AgendaItemRead | None = Field(
        description="The agenda item under discussion (null for a closed session read from "
        "outside it)"
    )
    projection: ProjectionRead | None
    present: int = Field(description="How many are in the room")
    summary: str | None = Field(description="The secretariat's summary, to whom may read it")
    summary_updated_at: datetime | None
    summary_published_at: datetime | None


class SessionList(BaseModel):
    items: list[SessionRead]


class AgendaList(BaseModel):
    items: list[AgendaItemRead]


class SpeakerAsk(InputModel):
    point_of_order: Flag = Field(default=False, description="A point of order jumps the queue")


class SpeakerGive(InputModel):
    request_id: Id | None = Field(default=None, description="Whom; null: the head of the list")


class SpeakerRead(ReadModel):
    id: int
    session_id: int
    label: str = Field(description="The name (members), else 'a participant' or a category")
    participant_id: int | None
    name: str | None
    point_of_order: bool
    status: SpeakerStatus
    requested_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    spoken_seconds: int | None = Field(description="How long the speaker has spoken")
    over_time: bool = Field(description="Past the session's speaking time")


class SpeakerPublic(ReadModel):
    id: int
    session_id: int
    label: str
    point_of_order: bool
    status: SpeakerStatus
    requested_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    spoken_seconds: int | None
    over_time: bool


class SpeakerList(BaseModel):
    items: list[SpeakerRead] = Field(description="Who speaks, then who waits, in call order")


class AttendanceCheck(InputModel):
    participant_id: Id | None = Field(default=None, description="Whom; null: oneself")


class AttendanceRead(ReadModel):
    participant_id: int
    name: str
    role: str
    stakeholder: str
    checked_in_at: datetime
    left_at: datetime | None
    present: bool


class AttendanceList(BaseModel):
    items: list[AttendanceRead]


class CaptionCreate(InputModel):
    text: str = Field(min_length=1, max_length=2_000)


class CaptionRead(ReadModel):
    id: int
    session_id: int
    text: str
    created_at: datetime


class CaptionList(BaseModel):
    items: list[CaptionRead]


class CaptionerRead(ReadModel):
    participant_id: int
    name: str


class CaptionerList(BaseModel):
    """The meeting's captioners: every one for the members of the group; for any other
    reader, only the reader, if named."""

    items: list[CaptionerRead]


class CaptionerSet(InputModel):
    participant_id: Id
    captioner: Flag = True


class SummaryWrite(InputModel):
    text: str = Field(max_length=200_000)


class SessionScreen(ReadModel):
    """A session as the wall shows it: the session, its agenda, the list of speakers and the
    latest caption lines."""

    session: SessionRead
    agenda: list[AgendaItemRead]
    speakers: list[SpeakerRead]
    captions: list[CaptionRead]


PUBLIC_VIEWS: dict[type[BaseModel], type[BaseModel]] = {SpeakerRead: SpeakerPublic}
