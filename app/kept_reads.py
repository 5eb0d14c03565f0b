"""How a route reads a kept answer (app/kept_answers.py states the promise): the caller's
token row and the report row in one statement, with everything else the answer's key needs
of the committed state as columns of it, then the route's builder finds or builds the
answer for the caller's view (in the same read transaction).

In a live room every member's page reads the report, the floor and the list after every
event, and on PostgreSQL each statement is a round trip: the row carries whether the report
is staged (its stages are read only then), the route's own state that records no event on
the report (`RowRead.state`), and, for the floor and the list, whether a consent round of
the report is due (`DueRounds`: the report is settled and read again only then).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from fastapi import Request, Response
from sqlalchemy import ColumnElement, Select, bindparam, exists, select, true
from sqlalchemy.orm import Session, aliased

from app.auth import (
    Principal,
    bearer_secret,
    hash_token,
    is_admin_setting,
    known,
    principal_of_row,
    token_statement,
)
from app.clock import utcnow
from app.db import Database
from app.drafting_groups.models import SectionStage
from app.errors import NotFound
from app.kept_answers import (
    ACCESS,
    FLIGHT_WAIT,
    KeptAnswer,
    KeptAnswers,
    Key,
    Served,
    asked_of,
    report_state,
    respond,
    still_holds,
)
from app.pagination import link_next
from app.reports.models import Report
from app.visibility import ensure_readable


@dataclass(frozen=True)
class Read:
    """A kept read's report row (it has passed `ensure_readable`) and what came with it in
    the same statement."""

    report: Report
    staged: bool  # whether any part of the report has a stage row (else none is hidden)
    state: Key = ()  # the route's own committed state (`RowRead.state`; PostgreSQL only)

    def stages(self) -> dict[int, SectionStage] | None:
        """For `visibility.hidden_sections(stages=...)`: none to read when not staged."""
        return None if self.staged else {}


Build = Callable[[Session, Read, "Principal | None", "KeptAnswers | None", int], KeptAnswer]


class DueRounds:
    """How a route whose answer must reflect every passed deadline of its report learns,
    with the report's row it reads anyway, whether a consent round of the report is due, and
    settles that report (PostgreSQL: no deadline watch to say that nothing is due).

    `column`: a boolean column bound by `report_id` and `now`, read in the same statement as
    the report row; `settle(database, report_id, now)`: settles the report's due rounds in a
    write transaction of its own (under the report's lock)."""

    def __init__(
        self, column: ColumnElement[bool], settle: Callable[[Database, int, datetime], object]
    ) -> None:
        self.column = column
        self.settle = settle


# Whether any part of the report has a stage row (most reports in a room have none).
_STAGED = exists().where(SectionStage.report_id == Report.id)


class RowRead:
    """What a kept read learns with its report row, in one statement: whether the report is
    staged; the access revision (the front's routes); on PostgreSQL the route's own committed
    state that records no event on the report (`state`: columns correlated with the report
    row) and, for a route that must reflect its report's passed deadlines (`due`), whether a
    round of it is due."""

    def __init__(
        self, *, state: Sequence[ColumnElement[Any]] = (), due: DueRounds | None = None
    ) -> None:
        self.state = tuple(state)
        self.due = due
        # Built once per variant: building a statement costs about as much as running it.
        self._statements: dict[tuple[bool, bool], Select[Any]] = {}

    def statement(self, checked: bool, settles: bool) -> Select[Any]:
        found = self._statements.get((checked, settles))
        if found is None:
            columns: list[ColumnElement[Any]] = [_STAGED]
            if checked:
                columns += self.state
            columns.append(ACCESS)  # the access revision this snapshot reads (the front's routes)
            if settles and self.due is not None:
                columns.append(self.due.column)
            found = select(Report, *columns).where(Report.id == bindparam("report_id"))
            self._statements[(checked, settles)] = found
        return found


PLAIN_READ = RowRead()


def serve_kept(
    request: Request,
    report_id: int,
    build: Build,
    headers: dict[str, str] | None = None,
    *,
    row: RowRead = PLAIN_READ,
) -> Response:
    """A route's kept answer, in a worker thread: the store's generation noted before the
    request's first read (SQLite), the caller and the report row (with what `row` adds) read
    in one read transaction, then `build(session, read, principal, answers, generation)`
    finds or builds the answer for the caller's view.

    `row.due`: the answer reflects every passed deadline of the report. On SQLite the
    router's `settle_before_request` has seen to it (its deadline watch knows when nothing is
    due); without the watch (PostgreSQL) the report row says whether a round of it is due,
    and when one is, the report is settled and the whole read made again in a snapshot that
    sees it."""
    return _serve(request, report_id, build, headers, row, settles=row.due is not None)


def _serve(
    request: Request,
    report_id: int,
    build: Build,
    headers: dict[str, str] | None,
    row: RowRead,
    *,
    settles: bool,
) -> Response:
    database: Database = request.app.state.database
    answers: KeptAnswers | None = request.app.state.kept_answers
    settles = settles and request.app.state.deadline_watch is None
    checked = answers is not None and answers.checked
    generation = 0 if answers is None else answers.generation
    now = utcnow()
    answer: KeptAnswer | None = None
    access = None
    with database.session(write=False) as session:
        principal, values = _caller_and_row(
            request,
            session,
            row.statement(checked, settles),
            {
                "report_id": report_id,
                "now": now,
            },
        )
        if values is None:
            raise NotFound(f"No report {report_id}.")
        report = values[0]
        ensure_readable(report, principal)  # a report the caller may not read settles nothing
        if not (settles and values[-1]):
            state = tuple(values[2 : 2 + len(row.state)]) if checked else ()
            access = values[2 + len(state)]
            read = Read(report, bool(values[1]), state)
            answer = build(session, read, principal, answers, generation)
    if answer is None:  # a round of the report was due
        if row.due is not None:
            row.due.settle(database, report_id, now)
        # Read again from a snapshot taken after the settling: no due check this time (a
        # round falling due meanwhile is as late as after a settling before the read).
        return _serve(request, report_id, build, headers, row, settles=False)
    return kept_response(request, answer, answers, generation, headers, access)


def _caller_and_row(
    request: Request, session: Session, statement: Select[Any], params: dict[str, Any]
) -> tuple[Principal | None, Sequence[Any] | None]:
    """The caller and the report row (None: no such report). A token with a row of its own
    is read in the same statement as the report row (outer-joined, so that an unknown token
    is a 401 before a missing report is a 404, as in `principal_from_header`)."""
    settings = request.app.state.settings
    secret = bearer_secret(request.headers.get("authorization"))
    if secret is None or is_admin_setting(secret, settings):
        principal = None if secret is None else Principal(token_id=None, participant=None)
        return principal, session.execute(statement, params).first()
    found = session.execute(
        _with_token(statement), {**params, "token_hash": hash_token(secret)}
    ).first()
    if found is None:
        return known(None), None  # raises: the token is unknown or revoked
    principal = known(principal_of_row(found[0], found[1], found[2]))
    return principal, None if found[3] is None else tuple(found[3:])


# Keyed by the statement's id: every statement here is a `RowRead`'s, kept for the process.
_WITH_TOKEN: dict[int, Select[Any]] = {}


def _with_token(statement: Select[Any]) -> Select[Any]:
    """`statement` (the report row and its columns) beside the token's row, in one statement
    (built once per statement: building one costs about as much as running it)."""
    built = _WITH_TOKEN.get(id(statement))
    if built is None:
        report_row = statement.subquery()
        built = _WITH_TOKEN[id(statement)] = (
            token_statement()
            .add_columns(
                aliased(Report, report_row), *list(report_row.c)[len(Report.__table__.c) :]
            )
            .outerjoin(report_row, true())
        )
    return built


def kept_or_built(
    answers: KeptAnswers | None,
    generation: int,
    session: Session,
    report: Report,
    key: Key,
    build: Callable[[], KeptAnswer],
    *,
    state: Key = (),
) -> KeptAnswer:
    """The answer `key` names (its kind, the report and the caller's view): kept, or built by
    `build` (and kept for the next reader with the same view). `report` has passed
    `ensure_readable` in `session`; `generation`: `answers.generation` noted before the
    session's first read; `state`: what else of the committed state the answer reads that
    records no event on the report (PostgreSQL only: read with the report row,
    `kept_reads.Read`)."""
    if answers is None:
        return build()
    state_size = 0
    if answers.checked:
        committed = report_state(session, report) + state
        key += committed
        state_size = len(committed)
    found = answers.get(key, utcnow())
    if found is not None:
        return found
    # One build per answer at a time: after an event the whole room asks at once, and the
    # readers that come while it is built wait for it. On SQLite only readers that noted the
    # same generation share one (a reader that began after a commit reads after it).
    flight_key = key if answers.checked else (*key, generation)
    flight, leads = answers.board(flight_key)
    if not leads:
        flight.done.wait(FLIGHT_WAIT)
        shared = flight.answer
        if shared is not None and still_holds(shared, utcnow()):
            return shared
        return build()  # its build failed or is slow: read it here
    answer = None
    try:
        answer = replace(build(), key=key, state_size=state_size)
        answers.keep(generation, key, report.id, answer)
        return answer
    finally:
        answers.land(flight_key, flight, answer)


def kept_response(
    request: Request,
    answer: KeptAnswer,
    answers: KeptAnswers | None,
    generation: int,
    headers: dict[str, str] | None = None,
    access: int | None = None,
) -> Response:
    """The answer as its route sends it: 304 when the caller holds its ETag already, the
    `Link` of a page's next cursor made from this request's own URL. Remembered for the same
    request until the next commit (SQLite), and its route for the front (`remember`)."""
    headers = dict(headers or {})
    if answer.next is not None:
        linked = Response()
        link_next(request, linked, answer.next)
        headers["Link"] = linked.headers["Link"]
    served = Served(answer, tuple(headers.items()))
    if answers is not None:
        answers.remember(generation, asked_of(request.scope), served, access)
    return respond(served, request.headers.get("if-none-match"))
