"""The small steps every amendment transition is made of: status checks, the event it
records, and closing an amendment (which also takes it off the floor)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amendments.models import Amendment, AmendmentStatus
from app.clock import utcnow
from app.errors import InvalidState, Unprocessable
from app.events.service import record_event
from app.meetings.models import Meeting
from app.reports import service as reports
from app.reports.models import Report, Section, Version

EVENT_INSTRUCTION_CHARS = 2_000


def instruction_payload(instruction: str) -> dict[str, object]:
    """An event carries the instruction when it is short; a long one (a rewritten section)
    would be stored, hashed and sent to every screen again: readers fetch the amendment."""
    if len(instruction) <= EVENT_INSTRUCTION_CHARS:
        return {"instruction": instruction}
    return {"instruction": None, "instruction_chars": len(instruction)}


def require_status(amendment: Amendment, *allowed: AmendmentStatus, action: str) -> None:
    if amendment.status not in allowed:
        names = " or ".join(s.value for s in allowed)
        raise InvalidState(
            f"Cannot {action} amendment {amendment.id}: it is {amendment.status.value}, "
            f"not {names}.",
            amendment_status=amendment.status.value,
        )


def ensure_text_amendment(amendment: Amendment, action: str) -> None:
    """Revising or redrafting rewrites one section's text: a structural amendment
    (`app/amendments/structure.py`) is withdrawn and proposed again instead."""
    if amendment.structure is not None:
        raise InvalidState(
            f"Amendment {amendment.id} is structural ({amendment.structure}): it cannot be "
            f"{action}; withdraw it and propose a new one.",
            amendment_status=amendment.status.value,
        )


def record(
    session: Session, report: Report, type: str, actor_id: int | None, **payload: object
) -> None:
    record_event(session, report_id=report.id, type=type, actor_id=actor_id, payload=payload)


def close(
    session: Session,
    report: Report,
    amendment: Amendment,
    status: AmendmentStatus,
    actor_id: int | None,
    note: str = "",
) -> None:
    """End `amendment` in `status` (anything but adopted: see applying.py) with an event."""
    amendment.status = status
    amendment.decided_at = utcnow()
    if note:
        amendment.outcome_note = note
    clear_floor(session, amendment)
    session.flush()
    record(
        session,
        report,
        f"amendment.{status.value}",
        actor_id,
        amendment_id=amendment.id,
        section_id=amendment.section_id,
        note=note,
    )


def block_round(session: Session, report: Report, amendment: Amendment, actor_id: int) -> None:
    """An objection stands: blocked, never applied; but the round stays open (`decided_at`
    unset) until its deadline or the chair ends it, so the objection may be withdrawn."""
    amendment.status = AmendmentStatus.blocked
    amendment.outcome_note = "Blocked: a voting member objected."
    session.flush()
    record(
        session,
        report,
        "amendment.blocked",
        actor_id,
        amendment_id=amendment.id,
        section_id=amendment.section_id,
        note=amendment.outcome_note,
    )


def resume_round(session: Session, report: Report, amendment: Amendment, actor_id: int) -> None:
    """Every objection was withdrawn or changed: the round goes on, its answers kept."""
    amendment.status = AmendmentStatus.consent_open
    amendment.outcome_note = ""
    session.flush()
    record(session, report, "consent.resumed", actor_id, amendment_id=amendment.id)


def end_blocked_round(
    session: Session,
    report: Report,
    amendment: Amendment,
    actor_id: int | None,
    note: str,
    *,
    by: str,
) -> None:
    """The round ends blocked, for good (`by`: "chair", "deadline" or "transmission")."""
    if amendment.status != AmendmentStatus.blocked:  # no objection stood: the chair's call
        close(session, report, amendment, AmendmentStatus.blocked, actor_id, note)
    else:
        amendment.decided_at = utcnow()
        amendment.outcome_note = note
        session.flush()
    record(
        session,
        report,
        "consent.closed",
        actor_id,
        amendment_id=amendment.id,
        outcome=AmendmentStatus.blocked.value,
        by=by,
        note=note,
    )


def clear_floor(session: Session, amendment: Amendment) -> None:
    for meeting in session.scalars(
        select(Meeting).where(Meeting.floor_amendment_id == amendment.id)
    ):
        meeting.floor_amendment_id = None


def check_deadline(deadline: datetime | None) -> None:
    if deadline is not None:
        if deadline.tzinfo is None:
            raise Unprocessable("`consent_deadline` needs a timezone.")
        if deadline <= utcnow():
            raise Unprocessable("`consent_deadline` is in the past.")


def ensure_window_open(report: Report) -> None:
    """The editorial window: after it ends, even an editorial change needs consent."""
    ends = report.editorial_window_ends_at
    if ends is not None and utcnow() >= ends:
        raise InvalidState(
            f"The editorial window closed at {ends.isoformat()}; a change now needs the "
            "unanimous consent of the group (propose it as substantive).",
            editorial_window_ends_at=ends.isoformat(),
        )


def first_paragraph(
    session: Session, section: Section, base: Version, *, locked_report: Report | None = None
) -> int:
    """The section's first paragraph number, for the instruction ("In paragraph 12, ..."),
    read under the lock: the outline may have moved since a prepared analysis was made
    (`wording_of` then makes it again). The next prepare step starts from the base and the
    number read here (app/reports/known_versions.py). `locked_report`: the section's report
    as read with its lock, when this transaction has written nothing since (its outline's
    revision is then the row's, not read again)."""
    first = (
        reports.first_paragraph_of(
            session, section=section, report=locked_report, current=locked_report is not None
        )
        or 1
    )
    store = reports.known_versions_of(session.get_bind())
    store.learn(section.id, base.number, base.text, base.sha256, first)
    return first
