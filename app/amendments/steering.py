"""What the chair (and for reminders, the secretariat) does to an open consent round: cancel
it (lapsed), close it as blocked for good, or remind the voters who have not answered."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.amendments.actions import close, end_blocked_round, require_status
from app.amendments.locking import NO_PRECONDITION, lock_amendment
from app.amendments.models import Amendment, AmendmentStatus
from app.amendments.queries import round_states
from app.amendments.rounds import require_round_open
from app.amendments.settling import send_reminder
from app.auth import Principal
from app.errors import InvalidState
from app.groups.models import Role

REMINDERS = (Role.chair, Role.secretariat)


def cancel_round(
    session: Session, *, amendment_id: int, principal: Principal, reason: str, if_match: str | None
) -> Amendment:
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=[Role.chair],
        if_match=if_match,
    )
    require_status(amendment, AmendmentStatus.consent_open, action="cancel the round of")
    close(
        session,
        report,
        amendment,
        AmendmentStatus.lapsed,
        principal.participant_id,
        f"Consent round cancelled by the chair. {reason}".strip(),
    )
    return amendment


def close_blocked(
    session: Session, *, amendment_id: int, principal: Principal, reason: str, if_match: str | None
) -> Amendment:
    """The chair ends an open round as blocked, for good: objections can no longer be
    withdrawn (a revised wording can still be filed: a new amendment, a new round)."""
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=[Role.chair],
        if_match=if_match,
    )
    require_round_open(amendment, action="close the round of")
    end_blocked_round(
        session,
        report,
        amendment,
        principal.participant_id,
        f"The chair closed the consent round as blocked. {reason}".strip(),
        by="chair",
    )
    return amendment


def remind_voters(session: Session, *, amendment_id: int, principal: Principal) -> Amendment:
    """`consent.reminder` now, to the voters who have not answered (409 when none)."""
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=REMINDERS,
        if_match=NO_PRECONDITION,
    )
    require_round_open(amendment, action="send a reminder for")
    state = round_states(session, [amendment.id])[amendment.id]
    if not state.pending:
        raise InvalidState("Every voter has answered: there is nobody to remind.")
    send_reminder(
        session, report, amendment, state, actor_id=principal.participant_id, scheduled=False
    )
    return amendment
