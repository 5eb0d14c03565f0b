"""Reading amendments: lookups, lists, tallies of consent rounds and the amendment's ETag.

Short `select()`s only; nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Exists,
    Table,
    and_,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from app import visibility
from app.amendments.models import (
    Amendment,
    AmendmentKind,
    AmendmentStatus,
    Answer,
    Consent,
    ConsentVoter,
    DraftRevision,
    round_open_clause,
    still_open_clause,
)
from app.auth import Principal
from app.clock import utcnow
from app.db import in_constants, unit_of_work
from app.errors import NotFound, present
from app.etags import etag
from app.reports.models import Report, Section

# An amendment's long texts: left out where only recorded edits are needed (rebasing).
LONG_TEXTS = (Amendment.proposed_text, Amendment.patch, Amendment.instruction, Amendment.rationale)


def get_amendment(session: Session, *, amendment_id: int, principal: Principal | None) -> Amendment:
    amendment = session.get(Amendment, amendment_id)
    if amendment is None:
        raise NotFound(f"No amendment {amendment_id}.")
    report = present(session.get(Report, amendment.report_id), f"No report {amendment.report_id}.")
    # An amendment to a part the caller may not read does not exist for it either.
    visibility.ensure_section_readable(session, report, amendment.section_id, principal)
    return amendment


def list_amendments(
    session: Session,
    *,
    report: Report,
    status: AmendmentStatus | None,
    section_id: int | None,
    kind: AmendmentKind | None,
    proposer_id: int | None,
    after: int,
    limit: int,
    hidden_sections: Iterable[int] = (),
) -> list[Amendment]:
    """`hidden_sections`: parts the caller may not read (their amendments are left out)."""
    query = select(Amendment).where(Amendment.report_id == report.id, Amendment.id > after)
    hidden = list(hidden_sections)
    if hidden:
        query = query.where(Amendment.section_id.not_in(hidden))
    if status is not None:
        query = query.where(Amendment.status == status)
    if section_id is not None:
        query = query.where(Amendment.section_id == section_id)
    if kind is not None:
        query = query.where(Amendment.kind == kind)
    if proposer_id is not None:
        query = query.where(Amendment.proposer_id == proposer_id)
    return list(session.scalars(query.order_by(Amendment.id).limit(limit)))


def group_root(amendment: Amendment) -> int:
    """The amendment an alternative group is named after (the first of its wordings)."""
    return amendment.alternative_to_id or amendment.id


def alternative_group(session: Session, amendment: Amendment) -> list[Amendment]:
    root = group_root(amendment)
    return list(
        session.scalars(
            select(Amendment)
            .where((Amendment.id == root) | (Amendment.alternative_to_id == root))
            .order_by(Amendment.id)
        )
    )


def count_open(session: Session, *, report_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Amendment)
            .where(Amendment.report_id == report_id, still_open_clause())
        )
        or 0
    )


def open_amendments(session: Session, *, report_id: int) -> list[Amendment]:
    return list(
        session.scalars(
            select(Amendment)
            .where(Amendment.report_id == report_id, still_open_clause())
            .order_by(Amendment.id)
        )
    )


# --- consent rounds: who votes, who answered (the remembered tallies) ---------------------


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """A voter's row of `consent` as plain values: a round's tally reads every voter's row
    on each answer (its response shows them all), so they are read as rows, not as mapped
    objects (an object each cost more than the rest of the round's work at 400 voters), and
    an answer writes its row with one Core statement (rounds.py)."""

    id: int
    participant_id: int
    answer: Answer
    reason: str
    token_id: int | None
    signature: str | None
    signing_key_id: int | None
    created_at: datetime
    changed_at: datetime | None
    withdrawn_at: datetime | None
    revision: int

    @property
    def answered_at(self) -> datetime:
        return self.changed_at or self.created_at


CONSENT = cast(Table, Consent.__table__)
VOTER = cast(Table, ConsentVoter.__table__)
# The columns of AnswerRow, in its order.
ANSWER_COLUMNS = tuple(CONSENT.c[f.name] for f in fields(AnswerRow))


@dataclass(frozen=True)
class RoundState:
    voters: list[int]
    rows: list[AnswerRow]  # every voter's row, withdrawn objections included

    @property
    def answers(self) -> list[AnswerRow]:
        """The answers that count: each voter's latest, not withdrawn."""
        return [a for a in self.rows if a.withdrawn_at is None]

    def count(self, answer: Answer) -> int:
        return sum(1 for a in self.rows if a.withdrawn_at is None and a.answer == answer)

    @property
    def consented(self) -> int:
        return self.count(Answer.consent)

    @property
    def stood_aside(self) -> int:
        return self.count(Answer.stand_aside)

    @property
    def objected(self) -> int:
        return self.count(Answer.object)

    @property
    def withdrawn(self) -> int:
        return sum(1 for a in self.rows if a.withdrawn_at is not None)

    @property
    def pending(self) -> list[int]:
        answered = {a.participant_id for a in self.rows if a.withdrawn_at is None}
        return [v for v in self.voters if v not in answered]

    @property
    def changes(self) -> int:
        """Grows with every answer, change and withdrawal (the ETag's part of the tally)."""
        return sum(a.revision for a in self.rows)

    def row_of(self, participant_id: int) -> AnswerRow | None:
        return next((a for a in self.rows if a.participant_id == participant_id), None)

    def with_row(self, row: AnswerRow) -> RoundState:
        """The state once `row` is written: it replaces its voter's row, or is added."""
        rows = [r for r in self.rows if r.participant_id != row.participant_id]
        return RoundState(self.voters, sorted([*rows, row], key=lambda r: r.id))


# One statement: each voter with its answer row, if any (answers come from voters only, one
# row each: `_voter` in rounds.py and the unique key of `consent`). Built once: a round is
# read on every answer.
VOTERS_AND_ANSWERS = VOTER.outerjoin(
    CONSENT,
    and_(
        CONSENT.c.amendment_id == VOTER.c.amendment_id,
        CONSENT.c.participant_id == VOTER.c.participant_id,
    ),
)
_ROUND_ROWS = (
    select(VOTER.c.amendment_id, VOTER.c.participant_id, *ANSWER_COLUMNS)
    .select_from(VOTERS_AND_ANSWERS)
    .where(VOTER.c.amendment_id.in_(bindparam("ids", expanding=True)))
    .order_by(VOTER.c.participant_id)
)


def round_states(session: Session, amendment_ids: Iterable[int]) -> dict[int, RoundState]:
    """Voters and answers of many amendments in one query, remembered by the session until
    its next flush (a write answers, then its response shows the tally: no second read)."""
    known: dict[int, RoundState | None] = unit_of_work(session).round_states
    ids = list(amendment_ids)
    missing = [i for i in ids if i not in known]
    if missing:
        remember_rows(known, missing, session.execute(_ROUND_ROWS, {"ids": missing}))
    return {i: state for i in ids if (state := known[i]) is not None}


def remember_rows(
    known: dict[int, RoundState | None], missing: list[int], found: Iterable[Any]
) -> None:
    voters: dict[int, list[int]] = {}
    answers: dict[int, list[AnswerRow]] = {}
    for amendment_id, participant_id, *answer in found:
        voters.setdefault(amendment_id, []).append(participant_id)
        if answer[0] is not None:
            answers.setdefault(amendment_id, []).append(AnswerRow(*answer[: len(_ANSWER)]))
    for i in missing:
        rows = sorted(answers.get(i, []), key=lambda c: c.id)  # in the order given
        known[i] = RoundState(voters[i], rows) if i in voters else None


_ANSWER = fields(AnswerRow)


def forget_rounds(session: Session, _context: object) -> None:
    """after_flush (installed by app/wiring.py): answers may have changed."""
    unit_of_work(session).round_states.clear()


def remember_round(session: Session, amendment_id: int, state: RoundState) -> None:
    unit_of_work(session).round_states[amendment_id] = state


def forget_round(session: Session, amendment_id: int) -> None:
    unit_of_work(session).round_states.pop(amendment_id, None)


def amendment_etag(session: Session, amendment: Amendment) -> str:
    """Covers the amendment and its tally (answers do not change the amendment's row): the
    sum of the answers' revisions grows with every answer, change and withdrawal."""
    changes = 0
    if amendment.round_opened_at is not None:  # answers come only in a consent round
        state = round_states(session, [amendment.id]).get(amendment.id)
        changes = 0 if state is None else state.changes
    return etag("a", amendment.id, amendment.revision)[:-1] + f'.{changes}"'


# --- deadlines and reminders --------------------------------------------------------------


def _due(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    """A round whose deadline has passed, or whose reminder is due and not yet sent."""
    return and_(
        # Implied by round_open_clause, but as an IN it lets an index on (report_id, status)
        # find the rounds alone: through the OR SQLite reads every amendment of the report,
        # and a proposal asks this of its report each time (proposal_lock.py). Its values
        # are written into the statement: a list bound as a parameter is spliced into the
        # SQL again at every execution.
        in_constants(Amendment.status, (AmendmentStatus.consent_open, AmendmentStatus.blocked)),
        round_open_clause(),
        or_(
            Amendment.consent_deadline <= now,
            and_(Amendment.remind_at <= now, Amendment.reminded_at.is_(None)),
        ),
    )


def due_rounds(session: Session, *, report_id: int, now: datetime) -> list[Amendment]:
    return list(session.scalars(_DUE_ROUNDS, {"report_id": report_id, "now": now}))


# Built once: on PostgreSQL (no deadline watch) every amendment write runs it under the lock.
_DUE_ROUNDS = (
    select(Amendment)
    .where(Amendment.report_id == bindparam("report_id"), _due(bindparam("now")))
    .order_by(Amendment.consent_deadline, Amendment.id)
)


def _any_due_of(report_id: ColumnElement[int] | InstrumentedAttribute[int]) -> Exists:
    """Whether any round of the report `report_id` names is due at the bound `now`."""
    return (
        select(Amendment.id)
        .where(Amendment.report_id == report_id, _due(bindparam("now")))
        .exists()
    )


# Whether any round of a report is due, as a column of another read: the amendment read
# under the report's lock carries it (locking.py), so that settling costs no statement of
# its own when nothing is due. Its own FROM, never correlated with that read's amendment.
ANY_DUE = _any_due_of(bindparam("report_id")).correlate(None)


# The same, as a column of a read of the report's section (correlated with its `Section`):
# a proposal learns it with the section it reads under the lock (proposal_lock.py).
SECTION_REPORT_ANY_DUE = _any_due_of(Section.report_id)


def reports_with_due_rounds(session: Session, *, now: datetime | None = None) -> list[int]:
    return list(
        session.scalars(select(Amendment.report_id).where(_due(now or utcnow())).distinct())
    )


def earliest_open_deadline(session: Session, *, after: datetime) -> datetime | None:
    """The next moment the sweep has work: a deadline, or a reminder not yet sent."""
    deadline = session.scalar(
        select(func.min(Amendment.consent_deadline)).where(
            round_open_clause(), Amendment.consent_deadline > after
        )
    )
    reminder = session.scalar(
        select(func.min(Amendment.remind_at)).where(
            round_open_clause(), Amendment.remind_at > after, Amendment.reminded_at.is_(None)
        )
    )
    moments = [m for m in (deadline, reminder) if m is not None]
    return min(moments) if moments else None


# --- live drafting's revisions ------------------------------------------------------------


def list_revisions(session: Session, *, amendment: Amendment) -> list[DraftRevision]:
    return list(
        session.scalars(
            select(DraftRevision)
            .where(DraftRevision.amendment_id == amendment.id)
            .order_by(DraftRevision.number)
        )
    )


def get_revision(session: Session, *, amendment: Amendment, number: int) -> DraftRevision:
    revision = session.scalar(
        select(DraftRevision).where(
            DraftRevision.amendment_id == amendment.id, DraftRevision.number == number
        )
    )
    if revision is None:
        if number == 1 and amendment.draft_revision == 1:
            return DraftRevision(
                amendment_id=amendment.id,
                number=1,
                text=amendment.proposed_text,
                author_id=amendment.proposer_id,
                created_at=amendment.created_at,
            )
        raise NotFound(f"Amendment {amendment.id} has no draft revision {number}.")
    return revision
