"""Payloads of the deliberation events (threads, reservations, open points), listed in
`EVENT_PAYLOADS` (`app/events/types.py`) with every other type. No participant is named:
readers fetch the thread or the reservation, which shows names only to whom it may."""

from __future__ import annotations

from pydantic import Field

from app.events.payload import Payload


class ThreadOpenedPayload(Payload):
    thread_id: int
    subject: str = Field(description="amendment, objection, section, paragraph or question")
    amendment_id: int | None
    section_id: int | None
    paragraph: int | None
    question_id: int | None = Field(default=None, description="A questionnaire's question")


class ThreadPayload(Payload):
    thread_id: int


class ThreadRepliedPayload(Payload):
    thread_id: int
    message_id: int
    reply_to: int | None = Field(description="The message answered; null for a new message")


class ReservationRecordedPayload(Payload):
    """Who made it is never in the event, attributed or not (readers fetch the reservation)."""

    reservation_id: int
    section_id: int
    paragraph: int
    attributed: bool


class ReservationWithdrawnPayload(Payload):
    reservation_id: int
    section_id: int


class OpenPointCreatedPayload(Payload):
    open_point_id: int
    section_id: int
    version: int = Field(description="The section's version that holds the bracket")
    amendment_ids: list[int] = Field(description="The alternatives, in the bracket's order")


class OpenPointKeptPayload(Payload):
    open_point_id: int
    section_id: int
    note: str


class OpenPointResolvedPayload(Payload):
    open_point_id: int
    section_id: int
    version: int = Field(description="The version whose edits reached into the bracket")
    amendment_id: int | None = Field(description="The amendment that made that version")


DELIBERATION_PAYLOADS: dict[str, type[Payload]] = {
    "thread.opened": ThreadOpenedPayload,
    "thread.replied": ThreadRepliedPayload,
    "thread.resolved": ThreadPayload,
    "thread.reopened": ThreadPayload,
    "thread.published": ThreadPayload,
    "thread.unpublished": ThreadPayload,
    "reservation.recorded": ReservationRecordedPayload,
    "reservation.withdrawn": ReservationWithdrawnPayload,
    "open_point.created": OpenPointCreatedPayload,
    "open_point.kept": OpenPointKeptPayload,
    "open_point.resolved": OpenPointResolvedPayload,
}
