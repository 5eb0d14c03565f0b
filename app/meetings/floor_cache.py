"""One answer of `GET /v1/reports/{id}/floor` per report, view and committed state, kept in
the store of a report's hot reads (app/kept_answers.py, which states the promise and how
the committed state is named).

In a live room every member's page reads the floor after every event: the whole report's
text, the amendment on the floor, the meeting and the latest decisions, the same bytes for
every reader with the same view.

- **The view** (`view_of`): everything `floor_state` reads of the caller, computed for each
  request from its own rows: whether it sees names (`is_attributed`), the sections hidden
  from it (a staged report's work in progress), and whether it reads the inside of a session
  of each kind (which also decides whether it reads its summary).
- **The committed state**: the report's (`kept_answers.report_state`), and on PostgreSQL the
  digest of its group's participants too (the floor names speakers and the pen; names and
  affiliations change with no event).

An answer that shows a running speaker's spoken seconds changes with the clock: it is kept
only until the first of those counters moves on.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from app import visibility
from app.amendments.service import DUE_FOR_READS
from app.auth import Principal
from app.groups.models import Participant
from app.kept_answers import KeptAnswer, KeptAnswers
from app.kept_reads import Read, RowRead, kept_or_built
from app.meetings.models import SessionKind
from app.meetings.schemas import FloorState
from app.meetings.screen import floor_state
from app.reports.models import Report

View = tuple[bool, frozenset[int], tuple[bool, ...]]


def view_of(report: Report, principal: Principal | None, hidden: set[int]) -> View:
    """Everything `floor_state` reads of the caller (after `ensure_readable`, which may turn
    a non-member's view public). `hidden`: `visibility.hidden_sections` for this caller."""
    return (
        visibility.is_attributed(principal),
        frozenset(hidden),
        tuple(visibility.reads_session(report, kind, principal) for kind in SessionKind),
    )


def answer_of(state: FloorState) -> KeptAnswer:
    body = state.model_dump_json().encode()
    etag = '"floor-' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    return KeptAnswer(body=body, etag=etag, expires=_clock_bound(state))


def _clock_bound(state: FloorState) -> datetime | None:
    """When the first running speaker's whole seconds move on (the answer shows them)."""
    if state.session is None:
        return None
    bounds = [
        s.started_at + timedelta(seconds=s.spoken_seconds + 1)
        for s in state.session.speakers
        if s.started_at is not None and s.ended_at is None and s.spoken_seconds is not None
    ]
    return min(bounds, default=None)


def roster_digest() -> ColumnElement[str | None]:
    """A digest of the report's group's participants, as a column of the report row's read
    (PostgreSQL): a new name or role records no event on the report, and an answer naming
    them reads them."""
    return (
        select(
            func.md5(
                func.coalesce(
                    func.string_agg(
                        func.concat_ws(
                            "|",
                            Participant.id,
                            Participant.name,
                            Participant.role,
                            Participant.active,
                            Participant.stakeholder,
                        ),
                        aggregate_order_by(literal(","), Participant.id),
                    ),
                    "",
                )
            )
        )
        .where(Participant.group_id == Report.group_id)
        .scalar_subquery()
    )


# The floor names speakers and the pen (the roster's digest comes with the report row), and
# shows its report's rounds as their deadlines leave them.
ROW = RowRead(state=[roster_digest()], due=DUE_FOR_READS)


def floor_answer(
    session: Session,
    read: Read,
    principal: Principal | None,
    answers: KeptAnswers | None,
    generation: int,
    *,
    texts_after: int | None = None,
) -> KeptAnswer:
    """The floor as `principal` reads it: kept, or built (and kept for the next reader with
    the same view). `read`: the report row (read with `ROW`); `generation`:
    `answers.generation` noted before this session's first read; `texts_after`: a delta's
    watermark (part of the key: the answer differs with it)."""
    report = read.report
    hidden = visibility.hidden_sections(session, report, principal, stages=read.stages())
    return kept_or_built(
        answers,
        generation,
        session,
        report,
        ("floor", report.id, view_of(report, principal, hidden), texts_after),
        lambda: answer_of(
            floor_state(session, report, principal, hidden=hidden, texts_after=texts_after)
        ),
        state=read.state,
    )
