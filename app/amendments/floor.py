"""The floor of a meeting: the chair puts one amendment on screen at a time and decides it.

Who decides an amendment, and in which state, is written once (`_ensure_may_decide`):
while the report is drafting, the chair decides the amendment on the floor. After adoption
nobody adopts on their own word: an editorial change waits out its notice (every voting
member's chance to call it substance) or every voter's acceptance, a substantive one needs
unanimous consent (rounds.py). The chair or the secretariat still steer an editorial
change: they may reject it during its notice."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amendments.actions import (
    close,
    instruction_payload,
    record,
    require_status,
)
from app.amendments.applying import apply_amendment
from app.amendments.locking import lock_amendment
from app.amendments.models import Amendment, AmendmentKind, AmendmentStatus
from app.auth import Principal
from app.errors import EditorialNotice, Forbidden, InvalidState
from app.groups.models import Role
from app.meetings.models import FloorQueueEntry, Meeting, deciding_session, decision_payload
from app.reports import service as reports
from app.reports.models import Report, ReportStatus

DECIDERS_AFTER_ADOPTION = frozenset({Role.chair, Role.secretariat})


def put_on_floor(
    session: Session, *, amendment_id: int, principal: Principal, if_match: str | object | None
) -> Amendment:
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=[Role.chair],
        if_match=if_match,
    )
    reports.ensure_drafting(report, "Putting an amendment on the floor")
    require_status(amendment, AmendmentStatus.proposed, action="put on the floor")
    meeting = session.scalar(
        select(Meeting).where(Meeting.report_id == report.id, Meeting.closed_at.is_(None))
    )
    if meeting is None:
        raise InvalidState("No meeting is open on this report; the chair opens one first.")
    if meeting.floor_amendment_id is not None:
        raise InvalidState(
            f"Amendment {meeting.floor_amendment_id} is on the floor; decide it, take it off "
            "or defer it first, or queue this one (POST /v1/amendments/{id}/queue).",
            floor_amendment_id=meeting.floor_amendment_id,
        )
    meeting.floor_amendment_id = amendment.id
    meeting.floor_note = ""
    queued = session.get(FloorQueueEntry, (meeting.id, amendment.id))
    if queued is not None:
        session.delete(queued)
    amendment.status = AmendmentStatus.on_floor
    session.flush()
    record(
        session,
        report,
        "floor.changed",
        principal.participant_id,
        meeting_id=meeting.id,
        amendment_id=amendment.id,
        **instruction_payload(amendment.instruction),
    )
    return amendment


def _ensure_may_decide(
    report: Report,
    amendment: Amendment,
    principal: Principal,
    *,
    verb: str,
    substantive_refusal: str,
) -> None:
    """The "who decides" rule (see the module's docstring); `verb`: adopt or reject."""
    if report.status == ReportStatus.drafting:
        if principal.role != Role.chair:
            raise Forbidden(f"While drafting, only the chair {verb}s amendments on the floor.")
        require_status(amendment, AmendmentStatus.on_floor, action=verb)
        return
    if amendment.kind != AmendmentKind.editorial:
        raise InvalidState(substantive_refusal, amendment_status=amendment.status.value)
    if verb == "adopt":
        deadline = amendment.consent_deadline
        raise EditorialNotice(
            f"Amendment {amendment.id} is an editorial change after adoption: it applies when "
            "its notice ends"
            + ("" if deadline is None else f" ({deadline.isoformat()})")
            + " unless a voting member calls it substance, or at once when every voting "
            "member has accepted it (POST /v1/amendments/{id}/consent). Nobody adopts it "
            "alone.",
            amendment_status=amendment.status.value,
            notice_ends_at=None if deadline is None else deadline.isoformat(),
        )
    require_status(amendment, AmendmentStatus.consent_open, action=verb)


def adopt_amendment(
    session: Session,
    *,
    amendment_id: int,
    principal: Principal,
    if_match: str | None,
) -> Amendment:
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=DECIDERS_AFTER_ADOPTION,
        if_match=if_match,
    )
    _ensure_may_decide(
        report,
        amendment,
        principal,
        verb="adopt",
        substantive_refusal="After adoption of the report a substantive amendment passes only "
        "by unanimous consent.",
    )
    sitting = None
    if report.status == ReportStatus.drafting:
        sitting = deciding_session(session, report.id, decision="Adopting on the floor")
    apply_amendment(session, report=report, amendment=amendment, actor_id=principal.participant_id)
    if sitting is not None:
        record(
            session,
            report,
            "session.decided",
            principal.participant_id,
            **decision_payload(
                sitting,
                "adopt_amendment",
                amendment_id=amendment.id,
                section_id=amendment.section_id,
            ),
        )
    return amendment


def reject_amendment(
    session: Session, *, amendment_id: int, principal: Principal, reason: str, if_match: str | None
) -> Amendment:
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=DECIDERS_AFTER_ADOPTION,
        if_match=if_match,
    )
    _ensure_may_decide(
        report,
        amendment,
        principal,
        verb="reject",
        substantive_refusal="A substantive amendment is decided by the consent round.",
    )
    close(session, report, amendment, AmendmentStatus.rejected, principal.participant_id, reason)
    return amendment
