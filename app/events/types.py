"""Every event type and the shape of its payload, for the published contract.

The OpenAPI document describes an event as a union discriminated by `type`, one payload schema
per type, so generated clients (openapi-typescript, openapi-python-client ...) narrow
`event.payload` by `event.type`. The server does not validate stored payloads against these
(events are history; a payload never changes once hashed): `tests/test_event_types.py` checks
that every type the code records is listed here and that recorded payloads have exactly the
declared keys. New payload keys may appear in later versions; clients should ignore unknown
ones (`additionalProperties` is allowed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Union

from pydantic import Field, create_model

from app.events.consent_payloads import CONSENT_PAYLOADS, ROSTER_PAYLOADS
from app.events.deliberation_payloads import DELIBERATION_PAYLOADS
from app.events.meeting_payloads import MEETING_PAYLOADS
from app.events.payload import Payload
from app.events.questionnaire_payloads import QUESTIONNAIRE_PAYLOADS
from app.events.schemas import EventRead
from app.events.structure_payloads import STRUCTURE_PAYLOADS


class EmptyPayload(Payload):
    pass


class ReportCreatedPayload(Payload):
    title: str
    symbol: str


class ReportImportedPayload(Payload):
    sections: int = Field(description="How many sections the import created")


class ReportUpdatedPayload(Payload):
    fields: list[str] = Field(description="Names of the fields that changed")


class ReportAdoptedPayload(Payload):
    editorial_window_ends_at: datetime
    lapsed_amendments: int = Field(description="Open amendments that lapsed on adoption")


class ReportTransmittedPayload(Payload):
    lapsed_amendments: int


class ExportDigest(Payload):
    sha256: str
    bytes: int


class CertificateSealedPayload(Payload):
    """The hash of each format's bytes at the transmission milestone (app/meetings/sealing.py)."""

    milestone_id: int
    exports: dict[str, ExportDigest]


class SectionPlacedPayload(Payload):
    section_id: int
    parent_id: int | None
    position: int


class SectionUpdatedPayload(Payload):
    section_id: int
    kind: str | None = Field(default=None, description="Present when it changed")
    label: str | None = Field(default=None, description="Present when it changed")
    heading: str | None = Field(default=None, description="Present when it changed")


class SectionRemovedPayload(Payload):
    section_id: int
    removed: list[int] = Field(description="The section and every descendant removed with it")


class VersionCreatedPayload(Payload):
    section_id: int
    number: int
    source: str = Field(description="initial, edit or amendment")
    sha256: str


class MilestoneCreatedPayload(Payload):
    milestone_id: int
    name: str
    kind: str


class MeetingChangedPayload(Payload):
    meeting_id: int


# Null when long (`instruction_chars` says how long) or when the part is a drafting group's
# work in progress: read the amendment.
Instruction = Annotated[str | None, Field(description="Null when left out: read the amendment")]
InstructionChars = Annotated[int | None, Field(description="Its length, when left out for length")]


class AmendmentProposedPayload(Payload):
    amendment_id: int
    section_id: int
    base_version: int
    kind: str
    instruction: Instruction
    instruction_chars: InstructionChars = None
    alternative_to: int | None = Field(description="The first amendment of its alternatives")
    supersedes: int | None = Field(description="The amendment this revised wording replaces")


class AmendmentAdoptedPayload(Payload):
    amendment_id: int
    section_id: int
    version: int = Field(description="The section's version the adoption created")
    sha256: str


class AmendmentClosedPayload(Payload):
    amendment_id: int
    section_id: int
    note: str


class AmendmentEscalatedPayload(Payload):
    amendment_id: int
    reason: str


class AmendmentRevisedPayload(Payload):
    amendment_id: int
    revision: int
    instruction: Instruction
    instruction_chars: InstructionChars = None
    ops: list[list[str | int]] = Field(
        description='The change as a word diff against the previous revision: ["=", n] keeps '
        'n characters, ["-", text] deletes text, ["+", text] inserts it'
    )
    text: str | None = Field(default=None, description="The whole wording, when short (2,000)")


class FloorChangedPayload(Payload):
    meeting_id: int
    amendment_id: int
    instruction: Instruction
    instruction_chars: InstructionChars = None


class ConsultationOpenedPayload(Payload):
    consultation_id: int
    milestone_id: int
    title: str
    opens_at: datetime
    closes_at: datetime
    audiences: list[str]
    section_ids: list[int] | None = Field(description="The sections open to comment (all: null)")
    moderated: bool


class ConsultationInvitedPayload(Payload):
    consultation_id: int
    category: str


class ConsultationClosedPayload(Payload):
    consultation_id: int
    closes_at: datetime
    comments: int = Field(description="Comments published when it closed")


class CommentSubmittedPayload(Payload):
    consultation_id: int
    comment_id: int
    origin: str
    scope: str
    section_id: int | None
    paragraph: int | None
    visibility: str


class CommentModeratedPayload(Payload):
    consultation_id: int
    comment_id: int
    visibility: str


class CommentRepliedPayload(Payload):
    consultation_id: int
    comment_id: int
    reply_to: int


class CommentResolvedPayload(Payload):
    consultation_id: int
    comment_id: int


class CommentDisposedPayload(Payload):
    consultation_id: int
    comment_id: int
    disposition: str
    response: str


class CommentAmendmentProposedPayload(Payload):
    consultation_id: int
    comment_id: int
    amendment_id: int


class DraftingGroupCreatedPayload(Payload):
    """Counts only: who sits in a drafting group is read through its attributed view."""

    drafting_group_id: int
    name: str
    members: int
    co_leads: int


class SectionAssignedPayload(Payload):
    section_id: int
    drafting_group_id: int
    sections: list[int] = Field(description="The section and every subsection assigned with it")


class SectionStagePayload(Payload):
    section_id: int
    stage: str = Field(description="The stage the part and its subsections moved to")
    sections: list[int]


class SectionApprovedPayload(SectionStagePayload):
    meeting_id: int
    milestone_id: int = Field(description="The milestone of the text as approved")


class ReportDerivedPayload(Payload):
    source_report_id: int
    sections: int = Field(description="How many sections were copied")


EVENT_PAYLOADS: dict[str, type[Payload]] = {
    "report.created": ReportCreatedPayload,
    "report.derived": ReportDerivedPayload,
    "report.imported": ReportImportedPayload,
    "report.updated": ReportUpdatedPayload,
    "report.published": EmptyPayload,
    "report.unpublished": EmptyPayload,
    "report.adopted": ReportAdoptedPayload,
    "report.transmitted": ReportTransmittedPayload,
    "certificate.sealed": CertificateSealedPayload,
    "section.added": SectionPlacedPayload,
    "section.moved": SectionPlacedPayload,
    "section.updated": SectionUpdatedPayload,
    "section.removed": SectionRemovedPayload,
    "version.created": VersionCreatedPayload,
    "section.assigned": SectionAssignedPayload,
    "section.stage_changed": SectionStagePayload,
    "section.approved": SectionApprovedPayload,
    "drafting_group.created": DraftingGroupCreatedPayload,
    "milestone.created": MilestoneCreatedPayload,
    "meeting.opened": MeetingChangedPayload,
    "meeting.closed": MeetingChangedPayload,
    "floor.changed": FloorChangedPayload,
    "amendment.proposed": AmendmentProposedPayload,
    "amendment.revised": AmendmentRevisedPayload,
    "amendment.escalated": AmendmentEscalatedPayload,
    "amendment.adopted": AmendmentAdoptedPayload,
    "amendment.rejected": AmendmentClosedPayload,
    "amendment.withdrawn": AmendmentClosedPayload,
    "amendment.superseded": AmendmentClosedPayload,
    "amendment.blocked": AmendmentClosedPayload,
    "amendment.lapsed": AmendmentClosedPayload,
    "amendment.conflicted": AmendmentClosedPayload,
    **CONSENT_PAYLOADS,
    "consultation.opened": ConsultationOpenedPayload,
    "consultation.invited": ConsultationInvitedPayload,
    "consultation.closed": ConsultationClosedPayload,
    "comment.submitted": CommentSubmittedPayload,
    "comment.moderated": CommentModeratedPayload,
    "comment.replied": CommentRepliedPayload,
    "comment.resolved": CommentResolvedPayload,
    "comment.disposed": CommentDisposedPayload,
    "comment.amendment_proposed": CommentAmendmentProposedPayload,
    **DELIBERATION_PAYLOADS,
    **ROSTER_PAYLOADS,
    **QUESTIONNAIRE_PAYLOADS,
    **MEETING_PAYLOADS,
    **STRUCTURE_PAYLOADS,
}


def _event_model(type_name: str, payload: type[Payload]) -> type[EventRead]:
    """`<Type>Event`: an event whose `type` is the literal and whose payload is typed."""
    name = "".join(part.title() for part in type_name.replace("_", ".").split(".")) + "Event"
    model: type[EventRead] = create_model(
        name,
        __base__=EventRead,
        type=(Literal[type_name], ...),
        payload=(payload, ...),
    )
    return model


EVENT_MODELS = [_event_model(name, payload) for name, payload in EVENT_PAYLOADS.items()]

# One schema per event type, told apart by `type`.
TypedEvent: Any = Annotated[
    Union[tuple(EVENT_MODELS)],  # noqa: UP007 (a union of types made at run time)
    Field(discriminator="type"),
]
