"""Unanimous consent on an adopted report (DESIGN.md, "Amendment life"): a substantive
amendment opens a round among the voting members of that moment; one objection blocks it;
the last consent applies it; the chair may cancel it. Deadlines: settling.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amendments.actions import close, record, require_status
from app.amendments.applying import apply_amendment
from app.amendments.locking import NO_PRECONDITION, lock_amendment
from app.amendments.models import Amendment, AmendmentStatus, Answer, Consent, ConsentVoter
from app.amendments.queries import RoundState, remember_round, round_states
from app.auth import Principal
from app.db import utcnow
from app.errors import Forbidden, InvalidState
from app.groups.models import VOTING_ROLES, Participant, Role
from app.reports.models import Report


def open_round(
    session: Session, *, report: Report, amendment: Amendment, deadline: datetime | None
) -> None:
    """The voters are frozen now: the active voting members of the group."""
    voters = list(
        session.scalars(
            select(Participant.id).where(
                Participant.group_id == report.group_id,
                Participant.active.is_(True),
                Participant.role.in_(list(VOTING_ROLES)),
            )
        )
    )
    if not voters:
        raise InvalidState("The group has no voting members to consent.")
    session.add_all(ConsentVoter(amendment_id=amendment.id, participant_id=v) for v in voters)
    amendment.status = AmendmentStatus.consent_open
    amendment.round_opened_at = utcnow()
    amendment.consent_deadline = deadline
    session.flush()
    record(
        session,
        report,
        "consent.opened",
        None,
        amendment_id=amendment.id,
        voters=len(voters),
        deadline=None if deadline is None else deadline.isoformat(),
    )


def answer_round(
    session: Session,
    *,
    amendment_id: int,
    principal: Principal,
    answer: Answer,
    reason: str,
) -> Amendment:
    """One voter's answer, recorded with the token that gave it.

    The voters are those frozen when the round opened. One deactivated since then stays on
    that roster but cannot answer (its tokens are refused at authentication), so the round
    waits for its deadline (lapsed, or adopted under the silence rule if nobody objected) or
    for the chair to cancel it; the site admin has no participant and never answers."""
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=VOTING_ROLES,
        if_match=NO_PRECONDITION,
    )
    require_status(amendment, AmendmentStatus.consent_open, action="answer on")
    state = round_states(session, [amendment.id])[amendment.id]
    consent = _record_answer(session, report, amendment, state, principal, answer, reason)
    if answer == Answer.object:  # one objection blocks
        close(
            session,
            report,
            amendment,
            AmendmentStatus.blocked,
            None,
            "Blocked: a voting member objected.",
        )
    elif len(state.pending) == 1:  # this answer was the last one missing: it applies
        apply_amendment(session, report=report, amendment=amendment, actor_id=None)
        amendment.outcome_note = "Adopted by unanimous consent."
    session.flush()
    remember_round(session, amendment.id, RoundState(state.voters, [*state.answers, consent]))
    return amendment


def _record_answer(
    session: Session,
    report: Report,
    amendment: Amendment,
    state: RoundState,
    principal: Principal,
    answer: Answer,
    reason: str,
) -> Consent:
    voter = principal.participant_id
    if voter not in state.voters:
        raise Forbidden("You were not a voting member when this consent round opened.")
    if voter in {a.participant_id for a in state.answers}:
        raise InvalidState("You have already answered in this consent round.")
    assert voter is not None
    # The token is recorded too: if a credential was misused, its answers can be traced.
    consent = Consent(
        amendment_id=amendment.id,
        participant_id=voter,
        token_id=principal.token_id,
        answer=answer,
        reason=reason,
    )
    session.add(consent)
    session.flush()
    record(
        session,
        report,
        f"consent.{answer.value}",
        voter,
        amendment_id=amendment.id,
        reason=reason if answer == Answer.object else "",
    )
    return consent


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
