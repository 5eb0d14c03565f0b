"""Unanimous consent on an adopted report (DESIGN.md, "Amendment life"): a substantive
amendment opens a round among the voting members of that moment; each answers consent,
stand aside ("I can live with it") or object, and may change its answer while the round is
open; an objection standing blocks it; the last answer that completes unanimity applies it.
What the chair and secretariat do to a round: steering.py. Deadlines: settling.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.amendments.actions import block_round, record, resume_round
from app.amendments.applying import apply_amendment
from app.amendments.locking import NO_PRECONDITION, lock_amendment
from app.amendments.models import Amendment, AmendmentStatus, Answer, Consent, ConsentVoter
from app.amendments.queries import RoundState, remember_round, round_states
from app.auth import Principal
from app.clock import utcnow
from app.errors import Forbidden, InvalidState
from app.groups.models import VOTING_ROLES, Participant
from app.reports.models import Report


def open_round(
    session: Session,
    *,
    report: Report,
    amendment: Amendment,
    deadline: datetime | None,
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


def require_round_open(amendment: Amendment, *, action: str) -> None:
    if not amendment.is_round_open:
        raise InvalidState(
            f"Cannot {action} amendment {amendment.id}: its consent round is not open "
            f"(it is {amendment.status.value}).",
            amendment_status=amendment.status.value,
        )


def answer_round(
    session: Session,
    *,
    amendment_id: int,
    principal: Principal,
    answer: Answer,
    reason: str,
) -> Amendment:
    """One voter's answer, recorded with the token that gave it; a later answer replaces an
    earlier one (both are in the event chain). The same answer again changes nothing, so a
    retry is safe.

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
    require_round_open(amendment, action="answer on")
    state = round_states(session, [amendment.id])[amendment.id]
    voter = _voter(principal, state)
    row = state.row_of(voter)
    if (
        row is not None
        and row.withdrawn_at is None
        and (row.answer, row.reason)
        == (
            answer,
            reason,
        )
    ):
        return amendment  # a retry of the answer already standing
    consent = _record_answer(session, report, amendment, row, principal, answer, reason)
    rows = state.rows if row is not None else [*state.rows, consent]
    _follow_the_tally(session, report, amendment, RoundState(state.voters, rows), voter)
    return amendment


def withdraw_objection(
    session: Session, *, amendment_id: int, principal: Principal, reason: str
) -> Amendment:
    """The objector lifts its objection and is pending again. When no objection stands any
    more, a blocked round goes on (its answers kept) until its original deadline."""
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=VOTING_ROLES,
        if_match=NO_PRECONDITION,
    )
    # A passed deadline has already ended the round (lock_amendment settles it): 409.
    require_round_open(amendment, action="withdraw an objection to")
    state = round_states(session, [amendment.id])[amendment.id]
    voter = _voter(principal, state)
    row = state.row_of(voter)
    if row is None or row.withdrawn_at is not None or row.answer != Answer.object:
        raise InvalidState("You have no objection standing in this consent round.")
    row.withdrawn_at = utcnow()
    row.revision += 1
    session.flush()
    record(session, report, "consent.withdrawn", voter, amendment_id=amendment.id, reason=reason)
    _follow_the_tally(session, report, amendment, state, voter)
    return amendment


def _follow_the_tally(
    session: Session, report: Report, amendment: Amendment, state: RoundState, actor_id: int
) -> None:
    """The status the answers now call for: blocked while an objection stands, open again
    when none does, applied when every voter consents or stands aside."""
    if state.objected:  # one objection blocks
        if amendment.status == AmendmentStatus.consent_open:
            block_round(session, report, amendment, actor_id)
    else:
        if amendment.status == AmendmentStatus.blocked:
            resume_round(session, report, amendment, actor_id)
        if not state.pending:  # this answer was the last one missing: it applies
            apply_amendment(session, report=report, amendment=amendment, actor_id=None)
            amendment.outcome_note = _unanimity_note(state)
    session.flush()
    remember_round(session, amendment.id, state)


def _unanimity_note(state: RoundState) -> str:
    if state.stood_aside:
        return f"Adopted by unanimous consent ({state.stood_aside} stood aside)."
    return "Adopted by unanimous consent."


def _voter(principal: Principal, state: RoundState) -> int:
    voter = principal.participant_id
    if voter is None or voter not in state.voters:
        raise Forbidden("You were not a voting member when this consent round opened.")
    return voter


def _record_answer(
    session: Session,
    report: Report,
    amendment: Amendment,
    row: Consent | None,
    principal: Principal,
    answer: Answer,
    reason: str,
) -> Consent:
    """The voter's row, created or changed in place; the event keeps what it replaced."""
    voter = principal.participant_id
    assert voter is not None
    previous = None if row is None or row.withdrawn_at is not None else row.answer.value
    if row is None:
        row = Consent(amendment_id=amendment.id, participant_id=voter, revision=1)
        session.add(row)
    else:
        row.revision += 1
        row.changed_at = utcnow()
        row.withdrawn_at = None
    # The token is recorded too: if a credential was misused, its answers can be traced.
    row.token_id = principal.token_id
    row.answer = answer
    row.reason = reason
    session.flush()
    record(
        session,
        report,
        f"consent.{answer.value}",
        voter,
        amendment_id=amendment.id,
        reason=reason if answer != Answer.consent else "",
        changed_from=previous,
    )
    return row
