from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, Field, StrictFloat, model_validator

from app.amendments.models import AmendmentKind, AmendmentStatus, Answer
from app.amendments.structure_schemas import StructurePart, StructureRead, TouchedRead
from app.pagination import Page
from app.reports.schemas import MAX_TEXT, DiffOp
from app.schemas import MAX_ID, Id, InputModel, Moment, ReadModel, WholeInt

# A duration in seconds: a JSON number, never a string.
Seconds = Annotated[StrictFloat, Field(gt=0, le=366 * 86_400)]


class _Change(InputModel):
    text: str | None = Field(
        default=None, max_length=MAX_TEXT, description="The whole proposed text of the section"
    )
    patch: str | None = Field(
        default=None,
        max_length=2 * MAX_TEXT,
        description="A diff-match-patch patch (patch_toText) against the base version",
    )

    @model_validator(mode="after")
    def _one_change(self) -> Self:
        if (self.text is None) == (self.patch is None):
            raise ValueError("give exactly one of `text` or `patch`")
        return self


class AmendmentCreate(_Change):
    base_version: WholeInt = Field(ge=1, le=MAX_ID)
    kind: AmendmentKind
    rationale: str = Field(default="", max_length=20_000)
    alternative_to: Id | None = Field(
        default=None, description="File as an alternative to this amendment (same passage)"
    )
    consent_deadline: Moment | None = Field(
        default=None, description="For a consent round after adoption: when it ends"
    )
    remind_before: Seconds | None = Field(
        default=None,
        description="Remind the round's pending voters this many seconds before "
        "`consent_deadline` (`consent.reminder`, sent once)",
    )


class AmendmentRevise(_Change):
    rationale: str | None = Field(default=None, max_length=20_000)


class Reason(InputModel):
    reason: str = Field(default="", max_length=5_000)


SIGNATURE_HELP = (
    "Your Ed25519 signature (base64url) over this answer, made with your own key: see "
    "app/signatures.py `answer_message` (report, amendment, `round`, `wording_sha256`, answer, "
    "reason)"
)
Signature = Field(
    min_length=80, max_length=100, pattern=r"^[A-Za-z0-9_-]+$", description=SIGNATURE_HELP
)


class Signed(InputModel):
    signature: str = Signature


class Objection(Signed):
    reason: str = Field(min_length=1, max_length=5_000)


class StandAside(Signed):
    reason: str = Field(
        default="", max_length=5_000, description="Optional: why you can live with it"
    )


class SignedReason(Signed):
    reason: str = Field(default="", max_length=5_000)


class ConsentAnswer(ReadModel):
    id: int | None = Field(
        default=None,
        description="The answer (members only): an objection's id opens a thread on it",
    )
    participant_id: int | None
    token_id: int | None = Field(
        description="The token that gave the answer; None in the public view"
    )
    answer: Answer
    reason: str
    answered_at: datetime
    changed: bool = Field(description="The voter changed its answer at least once")
    signature: str | None = Field(
        default=None,
        description="The voter's signature over this answer (members only; app/signatures.py)",
    )
    signing_key_id: int | None = Field(default=None, description="The key that signed it")


class Tally(ReadModel):
    voters: int
    consented: int
    stood_aside: int = Field(description='"Can live with it": no objection, counted apart')
    objected: int = Field(description="Objections standing (withdrawn ones not counted)")
    withdrawn: int = Field(description="Objections withdrawn, their voters pending again")
    pending: int
    round_open: bool = Field(
        description="Answers are taken: consent_open, or blocked while its objections may "
        "still be withdrawn (before the deadline, unless the chair closed it)"
    )
    answers: list[ConsentAnswer] = Field(
        description="Each voter's standing answer; in the public view, without who"
    )
    pending_participant_ids: list[int] = Field(description="Empty in the public view")


class AmendmentRead(ReadModel):
    id: int
    report_id: int
    section_id: int
    base_version: int
    kind: AmendmentKind
    suggested_kind: AmendmentKind
    status: AmendmentStatus
    instruction: str
    rationale: str
    patch: str
    proposed_text: str
    proposer_id: int | None
    alternative_to_id: int | None
    supersedes_id: int | None = Field(description="The earlier wording this one revises")
    revised_by_id: int | None = Field(description="The later wording that revises this one")
    resulting_version: int | None
    draft_revision: int
    consent_deadline: datetime | None
    remind_at: datetime | None = Field(description="When the round's reminder goes out")
    reminded_at: datetime | None = Field(description="When it went out")
    round_opened_at: datetime | None
    round: str | None = Field(
        default=None,
        description="The open round's name, as signed answers name it (when it opened)",
    )
    wording_sha256: str = Field(
        default="", description="SHA-256 of `proposed_text`, as answers sign it"
    )
    notice: bool = Field(
        default=False,
        description="An editorial notice after adoption: applies at `consent_deadline` unless a "
        "voting member calls it substance (escalate), or at once when every voter accepts",
    )
    kind_disputed: bool = Field(
        default=False,
        description="The proposer says editorial, the server's reading says substantive",
    )
    outcome_note: str
    decided_at: datetime | None
    structure: StructureRead | None = Field(
        default=None, description="A structural amendment's operation (null: a text change)"
    )
    created_at: datetime
    updated_at: datetime
    revision: int
    tally: Tally | None


class EditRead(ReadModel):
    start: int = Field(description="In the text of `version` - 1 (the base, for a proposal)")
    end: int
    base_text: str = Field(description="The text this edit replaces")
    replacement: str
    version: int | None = Field(
        default=None, description="For a head edit: the version that made it"
    )


class ConflictRead(ReadModel):
    proposal: EditRead
    head: EditRead


class Preview(ReadModel):
    amendment_id: int
    base_version: int
    head_version: int
    applies: bool
    text: str | None = Field(description="The section text adoption would produce now")
    ops: list[DiffOp] = Field(description="That text against the head")
    html: str
    conflicts: list[ConflictRead]
    parts: list[StructurePart] = Field(
        default_factory=list,
        description="A structural amendment: each section it touches as it would leave it "
        "(moved text marked as moved); `ops` and `text` are then empty",
    )


class Alternative(ReadModel):
    amendment: AmendmentRead
    preview: Preview


class ReportAdopt(InputModel):
    editorial_window_days: StrictFloat | None = Field(
        default=None, gt=0, le=90, description="Default: the server's setting (7 days)"
    )


class MeetingRead(ReadModel):
    id: int
    report_id: int
    opened_by_id: int | None
    opened_at: datetime
    closed_at: datetime | None
    floor_amendment_id: int | None
    title: str = ""
    venue: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    floor_note: str = Field(
        default="",
        description="Why the last amendment left the floor undecided (taken off, "
        "deferred, conflicted)",
    )


class DraftRevise(_Change):
    """The new wording: the whole section text, or a patch against the current draft."""


class DraftRevisionSummary(ReadModel):
    number: int
    author_id: int | None
    created_at: datetime


class DraftRevisionRead(DraftRevisionSummary):
    text: str


# --- what the public sees (DESIGN.md, "Public record") ----------------------------------
# Each public schema declares the fields anyone may read; every other field of the read
# model is hidden from observers and the public (app/visibility.py, `redacted`). Not
# response models: the answer keeps one shape, with hidden fields null or empty.


class ConsentAnswerPublic(ReadModel):
    answer: Answer
    reason: str
    answered_at: datetime
    changed: bool


class TallyPublic(ReadModel):
    voters: int
    consented: int
    stood_aside: int
    objected: int
    withdrawn: int
    pending: int
    round_open: bool
    answers: list[ConsentAnswerPublic]


class AmendmentPublic(ReadModel):
    id: int
    report_id: int
    section_id: int
    base_version: int
    kind: AmendmentKind
    suggested_kind: AmendmentKind
    status: AmendmentStatus
    instruction: str
    rationale: str
    patch: str
    proposed_text: str
    alternative_to_id: int | None
    supersedes_id: int | None
    revised_by_id: int | None
    resulting_version: int | None
    draft_revision: int
    consent_deadline: datetime | None
    remind_at: datetime | None
    reminded_at: datetime | None
    round_opened_at: datetime | None
    round: str | None
    wording_sha256: str
    notice: bool
    kind_disputed: bool
    outcome_note: str
    decided_at: datetime | None
    structure: StructureRead | None = Field(
        default=None, description="A structural amendment's operation (null: a text change)"
    )
    created_at: datetime
    updated_at: datetime
    revision: int
    tally: TallyPublic | None


class DraftRevisionPublic(ReadModel):
    number: int
    created_at: datetime
    text: str


class MeetingPublic(ReadModel):
    id: int
    report_id: int
    opened_at: datetime
    closed_at: datetime | None
    floor_amendment_id: int | None
    title: str
    venue: str
    starts_on: date | None
    ends_on: date | None
    floor_note: str


PUBLIC_VIEWS: dict[type[BaseModel], type[BaseModel]] = {
    MeetingRead: MeetingPublic,
    AmendmentRead: AmendmentPublic,
    Tally: TallyPublic,
    ConsentAnswer: ConsentAnswerPublic,
    DraftRevisionSummary: DraftRevisionPublic,
    DraftRevisionRead: DraftRevisionPublic,
    StructureRead: StructureRead,
    TouchedRead: TouchedRead,
}


class AmendmentPage(Page[AmendmentRead]):
    pass


class AlternativePage(Page[Alternative]):
    pass


class DraftRevisionPage(Page[DraftRevisionSummary]):
    pass


class MeetingPage(Page[MeetingRead]):
    pass


class ProposalSketch(InputModel):
    """A wording to look at before filing it: nothing is written."""

    base_version: WholeInt = Field(ge=1, le=MAX_ID)
    text: str = Field(max_length=MAX_TEXT, description="The whole proposed text of the section")


class SketchRead(ReadModel):
    """What filing this wording would show: the tracked change, the instruction the chair
    would read out and the kind the server would suggest."""

    section_id: int
    base_version: int
    changes_nothing: bool
    suggested_kind: AmendmentKind
    instruction: str
    ops: list[DiffOp] = Field(description="The proposal against the base version")
    html: str
