"""Consent rounds whose time has come. At the deadline: an editorial notice nobody escalated
is adopted; a round is lapsed, or adopted under the silence procedure when no objection
stands (or conflicted, when the section moved on under them); a round blocked by an
objection still standing ends blocked for good. Before it: the reminder
set with `remind_before`, sent once. Called under the report lock before every write
(locking.py), before reads (deadlines.py) and by the deadline timer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.amendments.actions import close, end_blocked_round, record
from app.amendments.applying import apply_amendment
from app.amendments.models import Amendment, AmendmentStatus
from app.amendments.queries import RoundState, due_rounds, round_states
from app.clock import utcnow
from app.db import unit_of_work
from app.errors import MergeConflict
from app.reports.models import Report


def settle_due(
    session: Session, *, report: Report, now: datetime | None = None, due: bool | None = None
) -> bool:
    """Close the consent rounds of `report` whose deadline has passed, and send the
    reminders that are due. Caller holds the lock. Whether anything was due (False: nothing
    was written, so the report's row as the lock read it is still current). `due`: whether
    any round of the report is due at `now`, read under the lock by the caller (None: not
    read; False: no statement here)."""
    if due is False:
        return False
    now = now or utcnow()
    watch = unit_of_work(session).deadline_watch
    if watch is not None and watch.nothing_due(now):
        return False
    settled = False
    for amendment in due_rounds(session, report_id=report.id, now=now):
        settled = True
        state = round_states(session, [amendment.id]).get(amendment.id)
        deadline = amendment.consent_deadline
        if deadline is not None and deadline <= now:
            _end_at_deadline(session, report, amendment, state)
        elif state is not None:
            amendment.reminded_at = now
            send_reminder(session, report, amendment, state, actor_id=None, scheduled=True)
    return settled


def _end_at_deadline(
    session: Session, report: Report, amendment: Amendment, state: RoundState | None
) -> None:
    if amendment.status == AmendmentStatus.blocked:  # an objection still stands
        end_blocked_round(
            session,
            report,
            amendment,
            None,
            "The consent round ended at its deadline with an objection standing.",
            by="deadline",
        )
    elif amendment.is_notice:
        _adopt_by_silence(
            session,
            report=report,
            amendment=amendment,
            note="Adopted after its editorial notice: no voting member called it substance.",
        )
    elif report.silence_procedure and not (state is not None and state.objected > 0):
        _adopt_by_silence(
            session,
            report=report,
            amendment=amendment,
            note="Adopted under the silence procedure: no objection by the deadline.",
        )
    else:
        close(
            session,
            report,
            amendment,
            AmendmentStatus.lapsed,
            None,
            "The consent round ended at its deadline without unanimous consent.",
        )


def send_reminder(
    session: Session,
    report: Report,
    amendment: Amendment,
    state: RoundState,
    *,
    actor_id: int | None,
    scheduled: bool,
) -> None:
    """`consent.reminder`: how many voters have not answered (the event is public, so no
    ids: members read who is pending from the amendment's tally). None pending: nothing."""
    if not state.pending:
        return
    deadline = amendment.consent_deadline
    record(
        session,
        report,
        "consent.reminder",
        actor_id,
        amendment_id=amendment.id,
        pending=len(state.pending),
        voters=len(state.voters),
        deadline=None if deadline is None else deadline.isoformat(),
        scheduled=scheduled,
    )


def _adopt_by_silence(session: Session, *, report: Report, amendment: Amendment, note: str) -> None:
    try:
        apply_amendment(session, report=report, amendment=amendment, actor_id=None)
    except MergeConflict:
        close(
            session,
            report,
            amendment,
            AmendmentStatus.conflicted,
            None,
            "The section changed and the amendment no longer applies.",
        )
    else:
        amendment.outcome_note = note
