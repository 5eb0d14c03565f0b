"""Consent rounds whose deadline has passed: lapsed, or adopted under the silence procedure
when nobody objected (or conflicted, when the section moved on under them). Called under
the report lock before every write (locking.py), before reads (deadlines.py) and by
the deadline timer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.amendments.actions import close
from app.amendments.applying import apply_amendment
from app.amendments.models import Amendment, AmendmentStatus
from app.amendments.queries import due_rounds, round_states
from app.db import DEADLINE_WATCH, DueCheck, utcnow
from app.errors import MergeConflict
from app.reports.models import Report


def settle_due(session: Session, *, report: Report, now: datetime | None = None) -> None:
    """Close the consent rounds of `report` whose deadline has passed. Caller holds the lock."""
    now = now or utcnow()
    watch: DueCheck | None = session.info.get(DEADLINE_WATCH)
    if watch is not None and watch.nothing_due(now):
        return
    for amendment in due_rounds(session, report_id=report.id, now=now):
        state = round_states(session, [amendment.id]).get(amendment.id)
        objected = state is not None and state.objected > 0
        if report.silence_procedure and not objected:
            _adopt_by_silence(session, report=report, amendment=amendment)
        else:
            close(
                session,
                report,
                amendment,
                AmendmentStatus.lapsed,
                None,
                "The consent round ended at its deadline without unanimous consent.",
            )


def _adopt_by_silence(session: Session, *, report: Report, amendment: Amendment) -> None:
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
        amendment.outcome_note = (
            "Adopted under the silence procedure: no objection by the deadline."
        )
