"""Unanimous consent on an adopted report (DESIGN.md, "Amendment life"): a substantive
amendment opens a round among the voting members of that moment; each answers consent,
stand aside ("I can live with it") or object, and may change its answer while the round is
open; an objection standing blocks it; the last answer that completes unanimity applies it.
What the chair and secretariat do to a round: steering.py. Deadlines: settling.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.amendments.actions import block_round, record, resume_round
from app.amendments.applying import apply_amendment
from app.amendments.locking import NO_PRECONDITION, lock_amendment
from app.amendments.models import Amendment, AmendmentStatus, Answer, ConsentVoter
from app.amendments.queries import (
    CONSENT,
    AnswerRow,
    RoundState,
    remember_round,
)
from app.amendments.round_reads import VoterKey, round_state_and_key
from app.auth import Principal
from app.clock import utcnow
from app.errors import EditorialNotice, Forbidden, InvalidState, SignatureInvalid
from app.events.service import events_written_together, record_event
from app.groups.models import VOTING_ROLES, Participant, Role
from app.groups.service import no_signing_key
from app.reports.models import Report
from app.signatures import answer_message, round_id, verifies, wording_sha256


def open_round(
    session: Session,
    *,
    report: Report,
    amendment: Amendment,
    deadline: datetime | None,
) -> None:
    """The voters are frozen now: the active voting members of the group. They stay this
    round's voters whatever happens to their roles: one demoted since still answers it (a
    chair cannot change a round's outcome by changing who is in it); one deactivated since
    cannot sign in, stays pending, and the round ends at its deadline or by the chair. An
    editorial amendment's round is its notice (`Amendment.is_notice`)."""
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
    # One INSERT of plain rows: nothing reads the voters back as objects (round_states
    # reads them with the answers), so forty mapped objects would cost a flush for nothing.
    session.execute(
        insert(ConsentVoter), [{"amendment_id": amendment.id, "participant_id": v} for v in voters]
    )
    opened = utcnow()
    amendment.status = AmendmentStatus.consent_open
    amendment.round_opened_at = opened
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
        notice=amendment.is_notice,
        round=round_id(opened),
        suggested_kind=amendment.suggested_kind.value,
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
    signature: str,
) -> Amendment:
    """One voter's answer, signed with its own key and recorded with the token that gave it;
    a later answer replaces an earlier one (both are in the event chain). The same answer
    again changes nothing, so a retry is safe.

    The voters are those frozen when the round opened (`open_round`); the site admin has no
    participant and never answers. Nobody else's token or key makes a voter's answer: the
    signature must verify with the voter's current key over this very answer."""
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=ROUND_ROLES,
        if_match=NO_PRECONDITION,
    )
    require_round_open(amendment, action="answer on")
    if amendment.is_notice and answer == Answer.object:
        raise EditorialNotice(
            f"Amendment {amendment.id} is an editorial change waiting out its notice: nothing "
            "to object to yet. If it raises an issue of substance, escalate it "
            f"(POST /v1/amendments/{amendment.id}/escalate): it then needs unanimous consent.",
            amendment_status=amendment.status.value,
        )
    state, key = _round_and_key(session, amendment, principal)
    voter = _voter(principal, state)
    # Checked even for a retry: an answer nobody signed is refused, never "already given".
    signed = _check_signature(report, amendment, key, answer.value, reason, signature)
    row = state.row_of(voter)
    if (
        row is not None
        and row.withdrawn_at is None
        and (row.answer, row.reason) == (answer, reason)
    ):
        return amendment  # a retry of the answer already standing
    # The answer's event and those of what it sets off (an adoption and what moves with it)
    # go in one statement: none of this reads the event table.
    with events_written_together(session):
        written = _record_answer(session, report, amendment, row, principal, answer, reason, signed)
        _follow_the_tally(session, report, amendment, state.with_row(written), voter)
    return amendment


def withdraw_objection(
    session: Session, *, amendment_id: int, principal: Principal, reason: str, signature: str
) -> Amendment:
    """The objector lifts its objection and is pending again (signed, as an answer is: answer
    `withdraw`). When no objection stands any more, a blocked round goes on (its answers
    kept) until its original deadline."""
    report, amendment = lock_amendment(
        session,
        amendment_id=amendment_id,
        principal=principal,
        roles=ROUND_ROLES,
        if_match=NO_PRECONDITION,
    )
    # A passed deadline has already ended the round (lock_amendment settles it): 409.
    require_round_open(amendment, action="withdraw an objection to")
    state, key = _round_and_key(session, amendment, principal)
    voter = _voter(principal, state)
    row = state.row_of(voter)
    if row is None or row.withdrawn_at is not None or row.answer != Answer.object:
        raise InvalidState("You have no objection standing in this consent round.")
    signed = _check_signature(report, amendment, key, "withdraw", reason, signature)
    withdrawn = replace(row, withdrawn_at=utcnow(), revision=row.revision + 1)
    session.execute(
        _UPDATE_ANSWER,
        {"row_id": row.id, "withdrawn_at": withdrawn.withdrawn_at, "revision": withdrawn.revision},
    )
    with events_written_together(session):
        _record_signed(
            session, report, amendment, "consent.withdrawn", voter, signed, reason=reason
        )
        _follow_the_tally(session, report, amendment, state.with_row(withdrawn), voter)
    return amendment


def _follow_the_tally(
    session: Session, report: Report, amendment: Amendment, state: RoundState, actor_id: int
) -> None:
    """The status the answers now call for: blocked while an objection stands, open again
    when none does, applied when every voter consents or stands aside. `state`: the tally
    with the answer just written by a Core statement, which no flush announces: remembered
    at once, so that nothing in this transaction reads the tally from before it."""
    remember_round(session, amendment.id, state)
    if state.objected:  # one objection blocks
        if amendment.status == AmendmentStatus.consent_open:
            block_round(session, report, amendment, actor_id)
    else:
        if amendment.status == AmendmentStatus.blocked:
            resume_round(session, report, amendment, actor_id)
        if not state.pending:  # this answer was the last one missing: it applies
            # Noted first, so that the amendment's row is written once (with its status).
            amendment.outcome_note = _unanimity_note(state)
            apply_amendment(session, report=report, amendment=amendment, actor_id=None)
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


# Who may reach a round at all; whether they answer it is the frozen roster's call (_voter).
ROUND_ROLES = frozenset(Role)


def _round_and_key(
    session: Session, amendment: Amendment, principal: Principal
) -> tuple[RoundState, VoterKey | None]:
    """The round (voters and answers) and the caller's current signing key, in one read."""
    state, key = round_state_and_key(session, amendment.id, principal.participant_id)
    if state is None:  # an open round has its voters (open_round)
        raise InvalidState(f"Amendment {amendment.id} has no consent round.")
    return state, key


def _check_signature(
    report: Report,
    amendment: Amendment,
    key: VoterKey | None,
    answer: str,
    reason: str,
    signature: str,
) -> tuple[str, int]:
    """(signature, key id) if the voter's current key signed exactly this answer; else 409
    (no key) or 422."""
    if key is None:
        raise no_signing_key()
    message = answer_message(
        report_id=report.id,
        amendment_id=amendment.id,
        round=_round_of(amendment),
        wording_sha256=wording_sha256(amendment.proposed_text),
        answer=answer,
        reason=reason,
    )
    if not verifies(key.public_key, signature, message):
        raise SignatureInvalid(
            "The signature does not verify with your current signing key over this answer "
            "(report, amendment, round, wording, answer, reason): sign the amendment as it "
            "stands now, with the key registered for you.",
            signing_key_id=key.id,
        )
    return signature, key.id


def _round_of(amendment: Amendment) -> str:
    if amendment.round_opened_at is None:  # rounds are open here: require_round_open
        raise InvalidState(f"Amendment {amendment.id} has no consent round.")
    return round_id(amendment.round_opened_at)


def _record_signed(
    session: Session,
    report: Report,
    amendment: Amendment,
    type: str,
    voter: int,
    signed: tuple[str, int],
    **payload: object,
) -> None:
    """A signed answer's event: what was signed is in the payload (round, wording hash), the
    signature in the members' view, its salted commitment in the chain."""
    record_event(
        session,
        report_id=report.id,
        type=type,
        actor_id=voter,
        payload={
            "amendment_id": amendment.id,
            **payload,
            "round": _round_of(amendment),
            "wording_sha256": wording_sha256(amendment.proposed_text),
        },
        signed=signed,
    )


def _record_answer(
    session: Session,
    report: Report,
    amendment: Amendment,
    row: AnswerRow | None,
    principal: Principal,
    answer: Answer,
    reason: str,
    signed: tuple[str, int],
) -> AnswerRow:
    """The voter's row, created or changed in place by one Core statement (no mapped object:
    the round's rows are plain values, `AnswerRow`); the event keeps what it replaced."""
    voter = principal.participant_id
    if voter is None:  # _voter let only participants through
        raise Forbidden("Only a voting member answers a consent round.")
    previous = None if row is None or row.withdrawn_at is not None else row.answer.value
    now = utcnow()
    # The token is recorded too: if a credential was misused, its answers can be traced.
    given = AnswerRow(
        id=0 if row is None else row.id,
        participant_id=voter,
        answer=answer,
        reason=reason,
        token_id=principal.token_id,
        signature=signed[0],
        signing_key_id=signed[1],
        created_at=now if row is None else row.created_at,
        changed_at=None if row is None else now,
        withdrawn_at=None,
        revision=1 if row is None else row.revision + 1,
    )
    changed = {name: getattr(given, name) for name in _CHANGED}
    if row is None:
        made = session.execute(
            _INSERT_ANSWER,
            {
                "amendment_id": amendment.id,
                "participant_id": voter,
                "created_at": given.created_at,
                **changed,
            },
        ).scalar_one()
        given = replace(given, id=made)
    else:
        session.execute(_UPDATE_ANSWER, {"row_id": row.id, **changed})
    _record_signed(
        session,
        report,
        amendment,
        f"consent.{answer.value}",
        voter,
        signed,
        reason=reason if answer != Answer.consent else "",
        changed_from=previous,
    )
    return given


# Built once (an answer runs one of them): the values come with each execution.
_INSERT_ANSWER = insert(CONSENT).returning(CONSENT.c.id)
_UPDATE_ANSWER = update(CONSENT).where(CONSENT.c.id == bindparam("row_id"))
# What an answer sets on its voter's row (the rest is set once, when the row is made).
_CHANGED = (
    "answer",
    "reason",
    "token_id",
    "signature",
    "signing_key_id",
    "changed_at",
    "withdrawn_at",
    "revision",
)
