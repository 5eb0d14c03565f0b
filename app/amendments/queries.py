"""Reading amendments: lookups, lists, tallies of consent rounds and the amendment's ETag.

Short `select()`s only; nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.amendments.models import (
    OPEN_STATUSES,
    Amendment,
    AmendmentKind,
    AmendmentStatus,
    Answer,
    Consent,
    ConsentVoter,
    DraftRevision,
)
from app.auth import Principal
from app.db import utcnow
from app.errors import NotFound
from app.etags import etag
from app.reports import service as reports
from app.reports.models import Report

# An amendment's long texts: left out where only recorded edits are needed (rebasing).
LONG_TEXTS = (Amendment.proposed_text, Amendment.patch, Amendment.instruction, Amendment.rationale)


def get_amendment(session: Session, *, amendment_id: int, principal: Principal | None) -> Amendment:
    amendment = session.get(Amendment, amendment_id)
    if amendment is None:
        raise NotFound(f"No amendment {amendment_id}.")
    report = session.get(Report, amendment.report_id)
    assert report is not None
    reports.ensure_readable(report, principal)
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
) -> list[Amendment]:
    query = select(Amendment).where(Amendment.report_id == report.id, Amendment.id > after)
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
            .where(Amendment.report_id == report_id, Amendment.status.in_(OPEN_STATUSES))
        )
        or 0
    )


def open_amendments(session: Session, *, report_id: int) -> list[Amendment]:
    return list(
        session.scalars(
            select(Amendment)
            .where(Amendment.report_id == report_id, Amendment.status.in_(OPEN_STATUSES))
            .order_by(Amendment.id)
        )
    )


# --- consent rounds: who votes, who answered (the remembered tallies) ---------------------


@dataclass(frozen=True)
class RoundState:
    voters: list[int]
    answers: list[Consent]

    @property
    def consented(self) -> int:
        return sum(1 for a in self.answers if a.answer == Answer.consent)

    @property
    def objected(self) -> int:
        return sum(1 for a in self.answers if a.answer == Answer.object)

    @property
    def pending(self) -> list[int]:
        answered = {a.participant_id for a in self.answers}
        return [v for v in self.voters if v not in answered]


_KNOWN_ROUNDS = "plenary.round_states"


def round_states(session: Session, amendment_ids: Iterable[int]) -> dict[int, RoundState]:
    """Voters and answers of many amendments in two queries, remembered by the session until
    its next flush (a write answers, then its response shows the tally: no second read)."""
    known: dict[int, RoundState | None] = session.info.setdefault(_KNOWN_ROUNDS, {})
    ids = list(amendment_ids)
    missing = [i for i in ids if i not in known]
    if missing:
        voters: dict[int, list[int]] = {}
        for amendment_id, participant_id in session.execute(
            select(ConsentVoter.amendment_id, ConsentVoter.participant_id)
            .where(ConsentVoter.amendment_id.in_(missing))
            .order_by(ConsentVoter.participant_id)
        ):
            voters.setdefault(amendment_id, []).append(participant_id)
        answers: dict[int, list[Consent]] = {}
        for consent in session.scalars(
            select(Consent).where(Consent.amendment_id.in_(missing)).order_by(Consent.id)
        ):
            answers.setdefault(consent.amendment_id, []).append(consent)
        for i in missing:
            known[i] = RoundState(voters[i], answers.get(i, [])) if i in voters else None
    return {i: state for i in ids if (state := known[i]) is not None}


@event.listens_for(Session, "after_flush")
def _forget_rounds(session: Session, _context: object) -> None:
    session.info.pop(_KNOWN_ROUNDS, None)


def remember_round(session: Session, amendment_id: int, state: RoundState) -> None:
    session.info.setdefault(_KNOWN_ROUNDS, {})[amendment_id] = state


def amendment_etag(session: Session, amendment: Amendment) -> str:
    """Covers the amendment and its tally (answers do not change the amendment's row)."""
    answers = 0
    if amendment.round_opened_at is not None:  # answers come only in a consent round
        state = round_states(session, [amendment.id]).get(amendment.id)
        answers = 0 if state is None else len(state.answers)
    return etag("a", amendment.id, amendment.revision)[:-1] + f'.{answers or 0}"'


# --- deadlines ----------------------------------------------------------------------------


def due_rounds(session: Session, *, report_id: int, now: datetime) -> list[Amendment]:
    return list(
        session.scalars(
            select(Amendment)
            .where(
                Amendment.report_id == report_id,
                Amendment.status == AmendmentStatus.consent_open,
                Amendment.consent_deadline <= now,
            )
            .order_by(Amendment.consent_deadline, Amendment.id)
        )
    )


def reports_with_due_rounds(session: Session, *, now: datetime | None = None) -> list[int]:
    return list(
        session.scalars(
            select(Amendment.report_id)
            .where(
                Amendment.status == AmendmentStatus.consent_open,
                Amendment.consent_deadline <= (now or utcnow()),
            )
            .distinct()
        )
    )


def earliest_open_deadline(session: Session, *, after: datetime) -> datetime | None:
    return session.scalar(
        select(func.min(Amendment.consent_deadline)).where(
            Amendment.status == AmendmentStatus.consent_open,
            Amendment.consent_deadline > after,
        )
    )


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
