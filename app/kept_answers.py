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
  what a route adds of its own (`roster_digest`: names and roles change with no event on
  the report). A kept answer is served only when the snapshot a request reads names it; a
  NOTIFY (`forget_report`) only frees memory.

An answer may also carry a moment after which it no longer holds (`expires`: a running
speaker's seconds on the floor move with the clock).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import Request, Response
from sqlalchemy import func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.etags import not_modified
from app.groups.models import Participant
from app.pagination import link_next
from app.reports.models import Report

Key = tuple[Any, ...]


@dataclass(frozen=True)
class KeptAnswer:
    body: bytes
    etag: str | None = None  # None: the route answers without one
    expires: datetime | None = None  # None: good until the database changes
    next: int | None = None  # a page's cursor (its Link header is made per request)


@dataclass
class _Kept:
    answer: KeptAnswer
    report_id: int


def report_state(session: Session, report: Report) -> Key:
    """What names the report's committed state in the request's snapshot (PostgreSQL): read
    from the report row, which the request has read in it already (no statement)."""
    return (
        report.created_at.astimezone(UTC).isoformat(),
        report.revision,
        report.updated_at.astimezone(UTC).isoformat(),
        report.event_seq,
        report.outline_revision,
    )


def roster_digest(session: Session, group_id: int) -> str | None:
    """A digest of the group's participants as an answer naming them reads them (one
    statement, PostgreSQL): a new name or role records no event on the report."""
    return session.scalar(
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
        ).where(Participant.group_id == group_id)
    )


@dataclass
class KeptAnswers:
    """Kept answers of every kind; `checked`: PostgreSQL (keys hold the report's state)."""

    checked: bool
    budget_bytes: int = 64 * 1024 * 1024
    generation: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _kept: dict[Key, _Kept] = field(default_factory=dict)
    _bytes: int = 0

    def invalidate(self) -> None:
        """After any write commits (SQLite: the text, roster, stages all live in the db)."""
        with self._lock:
            self.generation += 1
            self._kept.clear()
            self._bytes = 0

    def forget_report(self, report_id: int) -> None:
        """A process wrote to `report_id` (its NOTIFY): its kept answers can no longer match."""
        with self._lock:
            for key in [k for k, kept in self._kept.items() if kept.report_id == report_id]:
                self._bytes -= len(self._kept.pop(key).answer.body)

    def get(self, key: Key, now: datetime) -> KeptAnswer | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        expires = kept.answer.expires
        return kept.answer if expires is None or now < expires else None

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

    def __len__(self) -> int:
        return len(self._kept)


def kept_or_built(
    answers: KeptAnswers | None,
    generation: int,
    session: Session,
    report: Report,
    key: Key,
    build: Callable[[], KeptAnswer],
    *,
    more: Callable[[], Key] | None = None,
) -> KeptAnswer:
    """The answer `key` names (its kind, the report and the caller's view): kept, or built by
    `build` (and kept for the next reader with the same view). `report` has passed
    `ensure_readable` in `session`; `generation`: `answers.generation` noted before the
    session's first read; `more`: what else of the committed state the answer reads that
    records no event on the report (PostgreSQL only: read in the request's snapshot)."""
    if answers is None:
        return build()
    if answers.checked:
        key += report_state(session, report)
        if more is not None:
            key += more()
    found = answers.get(key, utcnow())
    if found is not None:
        return found
    answer = build()
    answers.keep(generation, key, report.id, answer)
    return answer


def kept_response(
    request: Request, answer: KeptAnswer, headers: dict[str, str] | None = None
) -> Response:
    """The answer as its route sends it: 304 when the caller holds its ETag already, the
    `Link` of a page's next cursor made from this request's own URL."""
    headers = dict(headers or {})
    if answer.etag is not None:
        headers["ETag"] = answer.etag
        if not_modified(request, Response(), answer.etag):
            return Response(status_code=304, headers=headers)
    if answer.next is not None:
        linked = Response()
        link_next(request, linked, answer.next)
        headers["Link"] = linked.headers["Link"]
    return Response(answer.body, media_type="application/json", headers=headers)
