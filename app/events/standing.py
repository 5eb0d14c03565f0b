"""A live stream follows the roster: what its reader may see is checked again before every
batch of events it sends, not only when it opens.

A stream opened with a token (in the header, or through a ticket) was given a view: the
attributed one, or the public one. Its participant may then be deactivated or demoted
(roster events, which reach the stream like any other event) or its token revoked (whose
event a transmitted report's log does not get). So before a batch leaves, the stream asks
what its token may see now: the token row (revoked?), its participant (active? which role,
which group?) and the report (whose? public?), by the same rules as a request
(`app/visibility.py`). A stream opened without a token (the public, following a public
report) asks the same of the report alone: is it still public? When the answer differs from
the view the stream was opened with, the stream ends before the batch: the client reconnects
and is authorized afresh (a deactivated participant or a revoked token then gets 401, a
demoted one the view of its new role, the public 401 once the report is no longer public).

Invariant: no event leaves in a view its reader was no longer entitled to when the event's
batch was checked, and the check of a batch starts after every event in it was committed.
One check serves every stream of the report in this process: it reads the report's row and
the rows of all their tokens in one statement, and is reused by any stream whose batch ends
at or before the last event the feed knew when the check began. The broker runs that check
before it wakes the streams for new events (app/events/broker.py): for a commit in this
process, in the committing thread just after the commit (`ahead`); for events another
process committed, as its gate when they reach the report's feed. Each stream then finds its
answer ready, without waiting or waking twice. A stream whose answer is not ready (its reader
joined after the check began, or its batch was read from the log) runs or joins a check
itself. Only a stream opened with the settings' admin token has nothing to re-check (no
roster change or revocation reaches it).

Checks may end out of the order they began in (one in a committing thread, one on the loop):
each draws a number as it begins, and the views kept are those of the latest begun. A check
begun later began after every event an earlier one answers for was committed, so it answers
for them too: what a report's standings answer for only grows.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, select
from starlette.concurrency import run_in_threadpool

from app import visibility
from app.db import Database
from app.groups.models import Participant, Token
from app.reports.models import Report
from app.visibility import Grant

View = bool | None  # attributed (True), public (False), or nothing at all (None)
Reader = int | None  # a stored token's id, or None: the public, without a token


class Unknown:
    """No check answers yet what a reader may see for a batch."""


UNKNOWN = Unknown()
# The order checks began in (next() on a count is atomic: checks begin in several threads).
_begun = itertools.count(1)


# Built once: one check per event and report would otherwise build and coerce the statement
# again, and run it through an ORM session, several times the cost of the read itself.
_VIEWS = (
    select(
        Report.group_id,
        Report.is_public,
        Token.id,
        Token.is_admin,
        Participant.group_id,
        Participant.role,
        Participant.active,
    )
    .select_from(Report)
    .outerjoin(
        Token,
        and_(Token.id.in_(bindparam("tokens", expanding=True)), Token.revoked_at.is_(None)),
    )
    .outerjoin(Participant, Participant.id == Token.participant_id)
    .where(Report.id == bindparam("report"))
)


def current_views(database: Database, report_id: int, readers: list[Reader]) -> dict[Reader, View]:
    """What each reader may see of the report now, in one statement: the report's row and
    the rows of the readers' tokens, by the rules of a request as the read cache applies
    them to rows (`visibility.grant_for`, `may_read`, `sees_attributed`). A revoked token,
    or one whose participant is deactivated, reads as the public does (nothing, unless the
    report is public)."""
    token_ids = [reader for reader in readers if reader is not None]
    # One statement, no transaction on PostgreSQL (as a `one_statement` session, without it).
    with database.autocommit_engine.connect() as connection:
        rows = connection.execute(_VIEWS, {"tokens": token_ids, "report": report_id}).all()
    if not rows:
        return dict.fromkeys(readers)
    group_id, is_public = rows[0][0], rows[0][1]
    views: dict[Reader, View] = dict.fromkeys(readers, _view(None, group_id, is_public))
    for _group, _public, token_id, is_admin, member_of, role, active in rows:
        if token_id is None:
            continue
        grant: Grant | None = None
        if is_admin:
            grant = visibility.grant_for(is_admin=True, group_id=None, role=None)
        elif member_of is not None and active:
            grant = visibility.grant_for(is_admin=False, group_id=member_of, role=role)
        views[token_id] = _view(grant, group_id, is_public)
    return views


def _view(grant: Grant | None, group_id: int, is_public: bool) -> View:
    """`ensure_readable` and `is_attributed` as a value, for a grant (None: the public)."""
    if not visibility.may_read(grant, group_id=group_id, is_public=is_public):
        return None
    return visibility.sees_attributed(grant, group_id)


@dataclass
class ReportStandings:
    """The readers following one report in this process, and the last check of them."""

    report_id: int
    readers: Counter[Reader] = field(default_factory=Counter)
    views: dict[Reader, View] = field(default_factory=dict)
    checked_through: int = -1  # the feed's last event when the last check began
    begun: int = 0  # when the check that gave `views` began (in `_begun`'s order)
    checking: asyncio.Lock = field(default_factory=asyncio.Lock)

    def keep(self, views: dict[Reader, View], begun: int, through: int) -> None:
        """On the loop: a check's answer, begun (`begun`) after event `through` was committed."""
        if begun > self.begun:
            self.views, self.begun = views, begun
        self.checked_through = max(self.checked_through, through)


class Standings:
    """Per process: who follows which report, with which token or none (see the module's
    docstring)."""

    def __init__(self, database: Database, *, shared: bool = True) -> None:
        self.database = database
        self.reports: dict[int, ReportStandings] = {}
        # Held while the readers change (on the loop) and while a committing thread copies
        # them (`ahead`): a copy never sees a Counter in the middle of a change.
        self._readers = threading.Lock()
        # Setting `stream_standings`: off, each stream reads its own token's view for each
        # batch (one read per stream and batch instead of one per report and batch).
        self.shared = shared

    def join(self, report_id: int, reader: Reader) -> ReportStandings:
        standings = self.reports.get(report_id)
        if standings is None:
            standings = self.reports[report_id] = ReportStandings(report_id)
        with self._readers:
            standings.readers[reader] += 1
        return standings

    def leave(self, standings: ReportStandings, reader: Reader) -> None:
        with self._readers:
            standings.readers[reader] -= 1
            if standings.readers[reader] <= 0:
                del standings.readers[reader]
                standings.views.pop(reader, None)
        if not standings.readers and self.reports.get(standings.report_id) is standings:
            del self.reports[standings.report_id]

    def known(self, standings: ReportStandings, reader: Reader, *, through: int) -> View | Unknown:
        """What `reader` may see for a batch that ends with event `through`, if a check begun
        after that event's commit says so already (no waiting)."""
        if self.shared and standings.checked_through >= through and reader in standings.views:
            return standings.views[reader]
        return UNKNOWN

    def gate(self, report_id: int, through: int) -> Awaitable[None] | None:
        """The broker's gate (app/events/broker.py): the check of every stream of the report,
        for the events through `through`, before the streams wake for them. None: nothing to
        check (no stream follows with a checked standing, or each checks its own)."""
        standings = self.reports.get(report_id)
        if not self.shared or standings is None or self._covers(standings, through):
            return None
        return self._check(standings, through)

    def ahead(self, report_id: int, through: int) -> Callable[[], None] | None:
        """The broker's check ahead (app/events/broker.py), in the committing thread just
        after event `through` was committed: the gate's check, made there instead of in a
        trip from the loop to the thread pool. Returns what keeps its answer, to be called
        on the loop; None when no stream follows with a checked standing."""
        standings = self.reports.get(report_id)
        if not self.shared or standings is None:
            return None
        with self._readers:
            readers = list(standings.readers)
        if not readers:
            return None
        begun = next(_begun)
        views = current_views(self.database, report_id, readers)
        return lambda: standings.keep(views, begun, through)

    async def view(
        self, standings: ReportStandings, reader: Reader, *, through: int, known: int
    ) -> View:
        """What `reader` may see now, for a batch that ends with event `through`; `known`
        is the last event the feed knows of (committed, so a check begun now sees it)."""
        if not self.shared:
            views = await run_in_threadpool(
                current_views, self.database, standings.report_id, [reader]
            )
            return views[reader]
        view = self.known(standings, reader, through=through)
        if isinstance(view, Unknown):
            await self._check(standings, max(known, through), reader)
            view = standings.views[reader]
        return view

    @staticmethod
    def _covers(
        standings: ReportStandings, through: int, reader: Reader | Unknown = UNKNOWN
    ) -> bool:
        """Does the last check answer for the batch through `through`, for `reader` (or for
        every reader following now)?"""
        if standings.checked_through < through:
            return False
        if isinstance(reader, Unknown):
            return standings.readers.keys() <= standings.views.keys()
        return reader in standings.views

    async def _check(
        self, standings: ReportStandings, through: int, reader: Reader | Unknown = UNKNOWN
    ) -> None:
        """One read of every reader's view, begun after event `through` was committed. Checks
        of a report run one at a time, so the views kept are always the latest begun."""
        async with standings.checking:
            if self._covers(standings, through, reader):  # a check begun meanwhile answers
                return
            begun = next(_begun)
            views = await run_in_threadpool(
                current_views, self.database, standings.report_id, list(standings.readers)
            )
            standings.keep(views, begun, through)
