"""Payloads of the meeting events (issue 30): sessions, agendas, lists of speakers,
attendance, captions, the projector and the floor's queue, listed in `EVENT_PAYLOADS`
(`app/events/types.py`). No participant is named: a speaker is a request id, attendance a
count; members read who from the session's lists."""

from __future__ import annotations

from pydantic import Field

from app.events.payload import Payload


class SessionPayload(Payload):
    session_id: int
    meeting_id: int
    kind: str = Field(description="open_consultation, plenary or closed")


class SessionDecidedPayload(SessionPayload):
    """A decision of the group and the session that took it."""

    decision: str = Field(
        description="adopt_report, approve_part, adopt_amendment (on the floor) or "
        "adopt_as_brackets"
    )
    amendment_id: int | None
    section_id: int | None


class SummaryWrittenPayload(Payload):
    session_id: int
    chars: int = Field(description="The summary's length (read the session for its text)")


class SessionIdPayload(Payload):
    session_id: int


class AgendaItemAddedPayload(Payload):
    session_id: int
    item_id: int
    position: int
    kind: str
    title: str | None = Field(description="Null for a closed session (its agenda is not public)")


class AgendaItemMovedPayload(Payload):
    session_id: int
    item_id: int
    from_position: int
    position: int = Field(description="Where it now stands (1 is the first); the others close up")


class AgendaCurrentPayload(Payload):
    session_id: int
    item_id: int
    position: int


class SpeakerPayload(Payload):
    session_id: int
    request_id: int = Field(description="The request for the floor (read the list for who)")


class SpeakerRequestedPayload(SpeakerPayload):
    point_of_order: bool


class AttendancePayload(Payload):
    session_id: int
    present: int = Field(description="How many are in the room now")


class CaptionAddedPayload(Payload):
    session_id: int
    caption_id: int
    text: str


class CaptionersPayload(Payload):
    meeting_id: int


class ProjectionChangedPayload(Payload):
    session_id: int
    view: str = Field(description="agenda, speakers, report, floor, tally or amendments")
    paragraph: int | None
    amendment_id: int | None


class FloorQueuedPayload(Payload):
    meeting_id: int
    amendment_id: int
    position: int


class FloorTakenOffPayload(Payload):
    meeting_id: int
    amendment_id: int
    reason: str


class FloorDeferredPayload(FloorQueuedPayload):
    reason: str


MEETING_PAYLOADS: dict[str, type[Payload]] = {
    "session.scheduled": SessionPayload,
    "session.started": SessionPayload,
    "session.ended": SessionPayload,
    "session.decided": SessionDecidedPayload,
    "session.summary_written": SummaryWrittenPayload,
    "session.summary_published": SessionIdPayload,
    "agenda.item_added": AgendaItemAddedPayload,
    "agenda.item_moved": AgendaItemMovedPayload,
    "agenda.current": AgendaCurrentPayload,
    "speaker.requested": SpeakerRequestedPayload,
    "speaker.withdrawn": SpeakerPayload,
    "speaker.given": SpeakerPayload,
    "speaker.skipped": SpeakerPayload,
    "speaker.finished": SpeakerPayload,
    "attendance.checked_in": AttendancePayload,
    "attendance.left": AttendancePayload,
    "caption.added": CaptionAddedPayload,
    "caption.captioners_changed": CaptionersPayload,
    "projection.changed": ProjectionChangedPayload,
    "floor.queued": FloorQueuedPayload,
    "floor.taken_off": FloorTakenOffPayload,
    "floor.deferred": FloorDeferredPayload,
}
