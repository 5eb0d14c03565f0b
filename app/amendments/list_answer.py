"""One answer of `GET /v1/reports/{id}/amendments` per report, query, view and committed
state, kept in the store of a report's hot reads (app/kept_answers.py: the promise, and how
the committed state is named). Every member's page reads every page of it after every event
of a live room.

- **The query** (`Query`): the filters, `after` and `limit` as validated (not as spelled:
  the `Link` header is made from each request's own URL), with `proposer_id` as the route
  applies it (dropped for a caller who sees no names).
- **The view**: what `amendment_reads` and the list read of the caller: whether it sees names
  (`is_attributed`: the public view redacts proposers and answers) and the parts of a staged
  report hidden from it (their amendments are left out). Nothing else of the caller is in
  the answer: no field says what the reader itself may do.
- **The ETag**: a hash of the page's bytes, so a reader holding the page gets a 304 while
  it is unchanged, whatever events came meanwhile.
- **The committed state**: the report's event head moves with every proposal, revision,
  floor action, consent, objection, withdrawal, round opened or closed (by the chair or by
  the deadline sweep) and adoption; and, on PostgreSQL, the latest change of the report's
  amendment rows (`ROW`): a reminder due with nobody left to remind marks the
  amendment sent with no event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import visibility
from app.amendments import service, views
from app.amendments.deadlines import DUE_FOR_READS
from app.amendments.models import Amendment, AmendmentKind, AmendmentStatus
from app.amendments.schemas import AmendmentPage
from app.auth import Principal
from app.kept_answers import KeptAnswer, KeptAnswers
from app.kept_reads import Read, RowRead, kept_or_built
from app.pagination import cut
from app.reports.models import Report


@dataclass(frozen=True)
class Query:
    status: AmendmentStatus | None
    section_id: int | None
    kind: AmendmentKind | None
    proposer_id: int | None
    after: int
    limit: int


def list_answer(
    session: Session,
    read: Read,
    principal: Principal | None,
    answers: KeptAnswers | None,
    generation: int,
    *,
    query: Query,
) -> KeptAnswer:
    """One page of the report's amendments as `principal` reads it (kept, or built and kept).
    `read`: the report row (read with `ROW`); `generation`: noted before the session's first
    read."""
    report = read.report
    attributed = visibility.is_attributed(principal)
    if not attributed:  # a filter by a person the caller may not name is no filter
        query = Query(query.status, query.section_id, query.kind, None, query.after, query.limit)
    hidden = frozenset(visibility.hidden_sections(session, report, principal, stages=read.stages()))
    return kept_or_built(
        answers,
        generation,
        session,
        report,
        ("amendments", report.id, attributed, hidden, query),
        lambda: build(session, report, principal, query, hidden),
        state=read.state,
    )


def build(
    session: Session,
    report: Report,
    principal: Principal | None,
    query: Query,
    hidden: frozenset[int],
) -> KeptAnswer:
    found = service.list_amendments(
        session,
        report=report,
        status=query.status,
        section_id=query.section_id,
        kind=query.kind,
        proposer_id=query.proposer_id,
        after=query.after,
        limit=query.limit + 1,  # one more: is there a next page?
        hidden_sections=hidden,
    )
    found, next_cursor = cut(found, query.limit, lambda a: a.id)
    page = AmendmentPage(items=views.amendment_reads(session, found, principal), next=next_cursor)
    body = page.model_dump_json().encode()
    # A tag of the bytes: a page refreshed after an event that did not change it is a 304.
    etag = '"list-' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    return KeptAnswer(body=body, etag=etag, next=next_cursor)


# The latest change of the report's amendment rows (PostgreSQL, read with the report row in
# the request's snapshot): every ORM update sets `updated_at`; the count sees a row gone.
ROW = RowRead(
    state=[
        select(func.count()).where(Amendment.report_id == Report.id).scalar_subquery(),
        select(func.max(Amendment.updated_at))
        .where(Amendment.report_id == Report.id)
        .scalar_subquery(),
    ],
    due=DUE_FOR_READS,
)
