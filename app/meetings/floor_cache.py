"""One answer of `GET /v1/reports/{id}/floor` per report, view and committed state.

In a live room every member's page reads the floor after every event: the whole report's
text, the amendment on the floor, the meeting and the latest decisions, the same bytes for
every reader with the same view. Built once per commit and view, kept, and served to the
others (setting `read_cache`, like the section cache: answers kept in memory).

The promise is the section cache's: an answer from here is exactly what the database would
give at that moment to that caller. Two halves make it hold:

- **The view** (`view_of`): everything `floor_state` reads of the caller, computed for each
  request from its own rows: whether it sees names (`is_attributed`), the sections hidden
  from it (a staged report's work in progress), and whether it reads the inside of a session
  of each kind (which also decides whether it reads its summary). Two callers with the same
  view get the same answer by construction: `floor_state` reads nothing else of the caller.
- **The committed state.** On SQLite (one process) every committed write empties the cache
  (a commit listener) and a reader keeps its answer only if no write committed since before
  its transaction began (a generation counter). On PostgreSQL (several processes, whose
  writes no process sees as they happen) the key also holds the report's state read in the
  request's own repeatable-read snapshot: its creation time, its event head (every write
  that changes what the floor shows records an event on the report: roster changes too,
  `app/groups/roster.py`), its outline revision, and a digest of its group's participants
  (names and affiliations change with no event, and the floor names speakers and the pen).
  A kept answer is served only when the snapshot a request reads names it; a NOTIFY only
  frees memory.

An answer that shows a running speaker's spoken seconds changes with the clock: it is kept
only until the first of those counters moves on.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from app import visibility
from app.auth import Principal
from app.clock import utcnow
from app.groups.models import Participant
from app.meetings.models import SessionKind
from app.meetings.schemas import FloorState
from app.meetings.screen import floor_state
from app.reports.models import Report

View = tuple[bool, frozenset[int], tuple[bool, ...]]


@dataclass(frozen=True)
class FloorAnswer:
    body: bytes
    etag: str
    expires: datetime | None  # None: good until the database changes


@dataclass
class _Kept:
    answer: FloorAnswer
    report_id: int


def view_of(report: Report, principal: Principal | None, hidden: set[int]) -> View:
    """Everything `floor_state` reads of the caller (after `ensure_readable`, which may turn
    a non-member's view public). `hidden`: `visibility.hidden_sections` for this caller."""
    return (
        visibility.is_attributed(principal),
        frozenset(hidden),
        tuple(visibility.reads_session(report, kind, principal) for kind in SessionKind),
    )


def report_state(session: Session, report: Report) -> tuple[Any, ...]:
    """What names the report's committed state in the request's snapshot (PostgreSQL): the
    report row was read in it already; the roster's digest is one more statement."""
    digest = session.scalar(
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
        ).where(Participant.group_id == report.group_id)
    )
    created = report.created_at.astimezone(UTC).isoformat()
    return (created, report.event_seq, report.outline_revision, digest)


def answer_of(state: FloorState) -> FloorAnswer:
    body = state.model_dump_json().encode()
    etag = '"floor-' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    return FloorAnswer(body=body, etag=etag, expires=_clock_bound(state))


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


def floor_answer(
    session: Session,
    report: Report,
    principal: Principal | None,
    answers: FloorAnswers | None,
    generation: int,
) -> FloorAnswer:
    """The floor as `principal` reads it: kept, or built (and kept for the next reader with
    the same view). `report` has passed `ensure_readable` in this session; `generation`:
    `answers.generation` noted before this session's first read."""
    hidden = visibility.hidden_sections(session, report, principal)
    if answers is None:
        return answer_of(floor_state(session, report, principal, hidden=hidden))
    key: tuple[Any, ...] = (report.id, view_of(report, principal, hidden))
    if answers.checked:
        key += report_state(session, report)
    found = answers.get(key, utcnow())
    if found is not None:
        return found
    answer = answer_of(floor_state(session, report, principal, hidden=hidden))
    answers.keep(generation, key, report.id, answer)
    return answer


@dataclass
class FloorAnswers:
    """Kept floor answers; `checked`: PostgreSQL (keys hold the report's state)."""

    checked: bool
    budget_bytes: int = 64 * 1024 * 1024
    generation: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _kept: dict[tuple[Any, ...], _Kept] = field(default_factory=dict)
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

    def get(self, key: tuple[Any, ...], now: datetime) -> FloorAnswer | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        expires = kept.answer.expires
        return kept.answer if expires is None or now < expires else None

    def keep(
        self, generation: int, key: tuple[Any, ...], report_id: int, answer: FloorAnswer
    ) -> None:
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
