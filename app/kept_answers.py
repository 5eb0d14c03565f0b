"""Answers of a report's hot reads kept per report, view and committed state, built once and
served to every reader with the same view (setting `read_cache`, like the section cache).

In a live room every member's page reads the report, the floor and the amendment list after
every event: the same bytes for every reader with the same view. Each of those routes builds
its answer once per commit and view, keeps it here, and serves it to the others.

The promise is the section cache's: an answer from here is exactly what the database would
give at that moment to that caller. Two halves make it hold:

- **The view**: everything the answer reads of the caller, computed by the route for each
  request from the request's own rows (whether it sees names, the parts of a staged report
  hidden from it, ...). Two callers with the same view get the same answer by construction:
  the answer's builder reads nothing else of the caller. Each route says what its view is.
- **The committed state.** On SQLite (one process) every committed write empties the store
  (a commit listener) and a reader keeps its answer only if no write committed since before
  its transaction began (`generation`, noted before the request's first read). On
  PostgreSQL (several processes, whose writes no process sees as they happen) the key also
  holds the report's state read in the request's own repeatable-read snapshot
  (`report_state`): the report row's creation time, revision and last update, its event head
  (every write that changes a report, its outline, stages, amendments, consents or
  meetings records an event on the report), its outline revision (kept by a trigger), and
  what a route adds of its own (`floor_cache.roster_digest`: names and roles change with no
  event on the report). A kept answer is served only when a snapshot taken after the request
  arrived names it: the request's own, or the front's check (app/kept_front.py); a NOTIFY
  (`forget_report`) only frees memory.

An answer may also carry a moment after which it no longer holds (`expires`: a running
speaker's seconds on the floor move with the clock).

After an event the whole room asks at once: one reader builds an answer and the readers
with the same key that come meanwhile wait for it (`board`, `land`). The front answers
before routing (app/kept_front.py: `_served` on SQLite, `_routes` on both engines).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.types import Scope

from app.auth import bearer_secret, hash_token
from app.etags import matches
from app.groups.models import AccessRevision
from app.reports.models import Report
from app.schemas import MAX_ID

Key = tuple[Any, ...]


@dataclass(frozen=True)
class KeptAnswer:
    body: bytes
    etag: str | None = None  # None: the route answers without one
    expires: datetime | None = None  # None: good until the database changes
    next: int | None = None  # a page's cursor (its Link header is made per request)
    # The key it is kept under (set by `kept_or_built`): the front's routes name it.
    key: Key | None = field(default=None, compare=False)
    # How many of the key's last items are the committed state it was built from (PostgreSQL,
    # `report_state` and the route's own): the rest is the view a route names.
    state_size: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Served:
    """A response as a route sent it: the answer and the headers it adds."""

    answer: KeptAnswer
    headers: tuple[tuple[str, str], ...]


# A request as asked: the token's hash (None: no token), the path and the raw query string.
Asked = tuple[str | None, str, bytes]
SERVED_LIMIT = 50_000


@dataclass(frozen=True)
class _Route:
    """Which kept answer a request names (its key without the committed state: the kind,
    the report and the caller's view), the headers its route adds (no `Link`: a page's cursor
    moves with the list), and the access revision read in the snapshot that named it."""

    key: Key
    headers: tuple[tuple[str, str], ...]
    access: int


FLIGHT_WAIT = 30.0  # seconds a reader waits for another's build before reading it itself


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    answer: KeptAnswer | None = None
    waiting: int = 0  # readers that came while it was built


@dataclass
class _Kept:
    answer: KeptAnswer
    report_id: int


# The access revision (`AccessRevision`), as a column of a kept read's statement: NULL when
# its row is gone (then no route is kept).
ACCESS = select(AccessRevision.value).where(AccessRevision.id == 1).scalar_subquery()
# Two routed reads of one generation read two access revisions (a write no commit listener
# heard moved it): no route is served until the next commit.
_MIXED = -1


def report_state(session: Session, report: Report) -> Key:
    """What names the report's committed state in the request's snapshot (PostgreSQL): read
    from the report row, which the request has read in it already (no statement)."""
    return state_of_report(report)


def state_of_report(report: Report) -> Key:
    """`report_state` of a report row (the front's check reads it without a request)."""
    return (
        report.created_at.astimezone(UTC).isoformat(),
        report.revision,
        report.updated_at.astimezone(UTC).isoformat(),
        report.event_seq,
        report.outline_revision,
    )


@dataclass(frozen=True)
class Checked:
    """What one statement read of a report's committed state, after the requests it serves
    arrived (PostgreSQL: the front's check, app/kept_front.py)."""

    access: int | None  # the access revision
    due: bool  # whether a consent round of the report is due (the app settles it first)
    states: dict[str, Key]  # per kind of answer: `report_state` and the route's own state


@dataclass
class KeptAnswers:
    """Kept answers of every kind; `checked`: PostgreSQL (keys hold the report's state)."""

    checked: bool
    routes: bool = False  # the front's routes are on (setting `kept_views`)
    budget_bytes: int = 64 * 1024 * 1024
    generation: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _kept: dict[Key, _Kept] = field(default_factory=dict)
    _bytes: int = 0
    # SQLite: the response each request (token, path and query, as sent) got since the last
    # commit, served before routing (`KeptAnswerFront`); bodies are shared with `_kept`.
    _served: dict[Asked, Served] = field(default_factory=dict)
    _flights: dict[Key, _Flight] = field(default_factory=dict)  # answers being built
    # Which kept answer each request (as `_served`) named, kept across commits, with the
    # access revision read in the snapshot that named it. The view in a key rests only on rows
    # whose every change moves that revision (a trigger), so a route is served only while the
    # revision is the same: on SQLite the one a routed read of the current generation read
    # (`_access`: None until one has, after each commit); on PostgreSQL the one the front's
    # check read after the request arrived (`routed`). And only once a reader has built its
    # answer since the last commit, or for the state the check read (`_kept`).
    _access: int | None = None
    _routes: dict[Asked, _Route] = field(default_factory=dict)
    # A floor's delta: the route of a reader's (token, path) delta, its key without the
    # watermark (`_delta`).
    _deltas: dict[tuple[str | None, str], _Route] = field(default_factory=dict)

    def invalidate(self) -> None:
        """After any write commits (SQLite: the text, roster, stages all live in the db)."""
        with self._lock:
            self.generation += 1
            self._kept.clear()
            self._served.clear()
            self._bytes = 0
            self._access = None  # the next routed read says what it is now

    def forget_report(self, report_id: int) -> None:
        """A process wrote to `report_id` (its NOTIFY): its kept answers can no longer match."""
        with self._lock:
            for key in [k for k, kept in self._kept.items() if kept.report_id == report_id]:
                self._bytes -= len(self._kept.pop(key).answer.body)

    def get(self, key: Key, now: datetime) -> KeptAnswer | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        return kept.answer if still_holds(kept.answer, now) else None

    def keep(self, generation: int, key: Key, report_id: int, answer: KeptAnswer) -> None:
        """`generation`: noted before the request's transaction began (SQLite); `key` read in
        the snapshot the answer was built from (PostgreSQL)."""
        with self._lock:
            if not self.checked and generation != self.generation:
                return  # a write committed while this answer was read: it may be stale
            size = len(answer.body)
            if size > self.budget_bytes:
                return
            if self._bytes + size > self.budget_bytes:
                self._kept.clear()
                self._bytes = 0
            previous = self._kept.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.answer.body)
            self._kept[key] = _Kept(answer, report_id)
            self._bytes += size

    def remember(
        self, generation: int, asked: Asked | None, served: Served, access: int | None = None
    ) -> None:
        """`asked` was answered `served`, with the access revision `access` read in the same
        snapshot (None: not read): its route is kept (setting `kept_views`). SQLite: from
        the state of `generation` (noted before the request's transaction began), and the
        same request gets it until the next commit."""
        if asked is None:
            return
        with self._lock:
            if not self.checked:
                if generation != self.generation:
                    return
                if len(self._served) >= SERVED_LIMIT:
                    self._served.clear()
                self._served[asked] = served
            if not self.routes or access is None:
                return
            if not self.checked:
                self._access = access if self._access in (None, access) else _MIXED
            key = served.answer.key
            if key is None or served.answer.next is not None:
                return
            key = key[: len(key) - served.answer.state_size]
            if len(self._routes) >= SERVED_LIMIT:
                self._routes.clear()
                self._deltas.clear()
            self._routes[asked] = _Route(key, served.headers, access)
            watermark = _delta(asked)
            # The whole floor's key ends with None where a delta's has its watermark: a page
            # that has read only the whole floor asks its first delta after the next commit.
            whole = asked[1].endswith("/floor") and not asked[2] and key[-1] is None
            if whole or (watermark is not None and key[-1] == watermark):
                self._deltas[asked[:2]] = _Route(key[:-1], served.headers, access)

    def _route(self, asked: Asked) -> _Route | None:
        """The route of `asked` (under the lock), whatever its access revision: its own, or
        for a floor's delta the route of the same reader's delta after any other watermark,
        with this one's."""
        route = self._routes.get(asked)
        if route is None:
            watermark = _delta(asked)
            general = None if watermark is None else self._deltas.get(asked[:2])
            if general is not None:
                route = _Route((*general.key, watermark), general.headers, general.access)
        return route

    def route_of(self, asked: Asked) -> tuple[Key, int] | None:
        """The key `asked` named (its route, whether or not it still holds: for waiting on
        the read that will say) and the generation now, or None."""
        with self._lock:
            route = self._route(asked)
            return None if route is None else (route.key, self.generation)

    def served(self, asked: Asked, now: datetime) -> Served | None:
        """The response `asked` got since the last commit; else, when a reader has built the
        answer it named before (its route) since then, and nobody's access has changed since
        it was named (a routed read since the last commit read the same revision), that
        answer."""
        found = self._served.get(asked)
        if found is None:
            with self._lock:  # the route and the answer as one commit left them
                route = self._route(asked)
                if route is not None and route.access != self._access:
                    route = None
                kept = None if route is None else self._kept.get(route.key)
            if route is None or kept is None or kept.answer.next is not None:
                return None
            found = Served(kept.answer, route.headers)
        return found if still_holds(found.answer, now) else None

    def routed(
        self, asked: Asked, checked: Checked, now: datetime
    ) -> tuple[Key, Served | None] | None:
        """PostgreSQL: the key `asked`'s route names in the state `checked` read, and the
        answer kept under it (None: none yet); None when `asked` has no route, its access
        revision is not the one read, or a round of the report is due."""
        with self._lock:
            route = self._route(asked)
            if route is None or route.access != checked.access or checked.due:
                return None
            state = checked.states.get(route.key[0])
            if state is None:
                return None
            key = (*route.key, *state)
            kept = self._kept.get(key)
        if kept is None or kept.answer.next is not None or not still_holds(kept.answer, now):
            return key, None
        return key, Served(kept.answer, route.headers)

    def board(self, key: Key) -> tuple[_Flight, bool]:
        """The build of `key` under way, and whether the caller leads it (builds it)."""
        with self._lock:
            flight = self._flights.get(key)
            if flight is None:
                flight = self._flights[key] = _Flight()
                return flight, True
            flight.waiting += 1
            return flight, False

    def land(self, key: Key, flight: _Flight, answer: KeptAnswer | None) -> None:
        """The build of `key` ended (`answer` None: it failed): its waiters take it."""
        with self._lock:
            flight.answer = answer
            if self._flights.get(key) is flight:
                del self._flights[key]
        flight.done.set()

    def waiting(self) -> int:
        """Readers waiting for another's build now."""
        with self._lock:
            return sum(flight.waiting for flight in self._flights.values())

    def __len__(self) -> int:
        return len(self._kept)


def respond(served: Served, if_none_match: str | None) -> Response:
    answer, headers = served.answer, dict(served.headers)
    if answer.etag is not None:
        headers["ETag"] = answer.etag
        if if_none_match is not None and matches(if_none_match, answer.etag):
            return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type="application/json", headers=headers)


def still_holds(answer: KeptAnswer, now: datetime) -> bool:
    """Whether the clock has not moved `answer` on yet (a running speaker's seconds)."""
    return answer.expires is None or now < answer.expires


def asked_of(scope: Scope) -> Asked | None:
    """The request as the store remembers it; None: a header no route reads as a token."""
    token = None
    for name, value in scope["headers"]:
        if name == b"authorization":  # the first, as the routes read it
            secret = bearer_secret(value.decode("latin-1"))
            if secret is None:
                return None
            token = hash_token(secret)
            break
    return (token, scope["path"], scope["query_string"])


# A floor's delta (`texts_after`, as the route validates it): after each adoption the page
# asks with the watermark it has just been given, a request it never made; the floor's key
# ends with the watermark, and the rest of it (the reader's view) does not depend on it.
_DELTA = re.compile(rb"texts_after=(0|[1-9][0-9]{0,9})")


def _delta(asked: Asked) -> int | None:
    """A floor's delta's watermark (None: not a floor's delta as the route takes it)."""
    _token, path, query = asked
    if not path.endswith("/floor"):
        return None
    found = _DELTA.fullmatch(query)
    if found is None or int(found[1]) > MAX_ID:
        return None
    return int(found[1])
