from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from app.amendments.schemas import AmendmentRead, MeetingRead, Preview
from app.drafting_groups.schemas import ProgressRead
from app.meetings.session_schemas import SessionScreen
from app.reports.models import SectionKind
from app.reports.schemas import ReportSummary
from app.schemas import Flag, InputModel, ReadModel


class Visibility(InputModel):
    public: Flag = Field(description="Public: anyone may read the unattributed record")


PenRole = Literal["the Chair", "the Secretariat", "the proposer"]


class ScreenSection(ReadModel):
    id: int
    kind: SectionKind
    label: str
    heading: str
    depth: int
    first_paragraph: int
    text: str | None = Field(
        description="The section's head text; null only in an answer to `texts_after` when "
        "the head is not newer than it (the text the reader holds is still the head)"
    )


class FloorAmendment(ReadModel):
    amendment: AmendmentRead
    preview: Preview
    etag: str = Field(
        description="The amendment's ETag, as `GET /v1/amendments/{id}` gives it: name it in "
        "If-Match to revise or decide the amendment on the floor without reading it again"
    )


class QueuedAmendment(ReadModel):
    amendment_id: int
    position: int
    deferred: bool


class FloorState(ReadModel):
    """Everything the projection screen shows, in one answer."""

    report: ReportSummary
    meeting: MeetingRead | None
    floor: FloorAmendment | None
    pen: str | None = Field(
        default=None, description="Who typed the latest revision (members' view only)"
    )
    pen_role: PenRole | None = Field(
        default=None,
        description="Who holds the pen on the floor, by function only (every reader sees it; "
        "it never names a participant)",
    )
    sections: list[ScreenSection]
    texts_through: int | None = Field(
        default=None,
        description="The newest head version among the sections shown (an opaque, growing "
        "number): send it as `texts_after` to get only the texts changed since",
    )
    decisions: list[AmendmentRead] = Field(description="The latest decisions, newest first")
    last_event_id: int | None
    progress: ProgressRead | None = Field(
        default=None,
        description="Between floor items, where each chapter of a staged report stands",
    )
    session: SessionScreen | None = Field(
        default=None,
        description="The session in progress (else the meeting's latest): its current agenda "
        "item, what the chair projects, the list of speakers and the latest captions (a "
        "closed session read from outside shows its kind and times only)",
    )
    floor_queue: list[QueuedAmendment] = Field(
        default_factory=list, description="The amendments queued for the floor, in order"
    )


class CertificateRead(ReadModel):
    certificate: dict[str, Any]
    exports: dict[str, Any] | None = Field(
        default=None,
        description="SHA-256 and size of each export format's bytes at the transmission "
        "milestone (`GET .../export?format=F&milestone=M`), sealed on the record by the "
        "`certificate.sealed` event shortly after transmission; null until then",
    )
