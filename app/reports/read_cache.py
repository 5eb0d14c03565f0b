"""Answers to `GET /v1/sections/{id}` kept in memory between writes.

Every screen and script in the room polls sections, while the text changes only when someone
writes. Two caches, one per engine, with one promise: an answer from here is exactly what the
database would give at that moment, and which view a caller gets is decided by
`app/visibility.py` (its `Grant`), never here.

- `ReadCache` (SQLite: one server process). Answers with no query at all. Every write commits
  through `Database.session`, which empties it after the commit; a reader notes the
  generation before it reads and keeps its answer only if no write committed meanwhile.
- `CheckedReadCache` (PostgreSQL: several processes share the database). No process sees the
  others' writes as they happen: a NOTIFY arrives after the writer's commit has returned, so a
  cache trusted until told would serve a stale text to a reader on another process in between.
  Here every answer costs one statement instead, run without a transaction: it resolves the
  token (revoked? deactivated? which group and role?) and reads the section's revision, its
  report's group and visibility, and the outline's state, which together name the section's
  ETag. Kept answers are keyed by that state, so a hit is the current answer by construction,
  whichever process wrote last. A NOTIFY for a report (sent by every write that records an
  event) drops that report's entries, so memory holds only answers that can still be served.
"""

from __future__ import annotations

import hmac
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import Response
from sqlalchemy import Connection, Row, bindparam, func, select, true
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from app import visibility
from app.auth import hash_token
from app.groups.models import Participant, Token
from app.reports.models import Report, Section
from app.schemas import MAX_ID
from app.visibility import Grant

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.db import Database


@dataclass
class CachedSection:
    group_id: int
    is_public: bool
    etag: str
    bodies: dict[bool, bytes] = field(default_factory=dict)  # attributed view -> JSON


class ReadCache:
    blocking = False  # a hit is a dictionary lookup

    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self.generation = 0
        self._lock = threading.Lock()
        self._grants: dict[str, Grant] = {}
        self._sections: dict[int, CachedSection] = {}

    def invalidate(self) -> None:
        """After any write commits (tokens, roles, visibility and text all live in the db)."""
        with self._lock:
            self.generation += 1
            self._grants.clear()
            self._sections.clear()

    def answer(
        self, section_id: int, authorization: str | None, if_none_match: str | None
    ) -> Response | None:
        """The response, or None when the database must be asked (a miss, or any error)."""
        entry = self._sections.get(section_id)
        if entry is None:
            return None
        grant: Grant | None = None
        if authorization is not None:
            key = token_key(authorization)
            grant = self._grants.get(key) if key else None
            if grant is None:
                return None
        if not visibility.may_read(grant, group_id=entry.group_id, is_public=entry.is_public):
            return None
        body = entry.bodies.get(visibility.sees_attributed(grant, entry.group_id))
        return None if body is None else _respond(body, entry.etag, if_none_match)

    def keep(
        self,
        generation: int,
        *,
        authorization: str | None,
        grant: Grant | None,
        section_id: int,
        section: CachedSection,
        attributed: bool,
        body: bytes,
    ) -> None:
        with self._lock:
            if generation != self.generation:
                return  # a write committed while this answer was read: it may be stale
            if len(self._sections) >= self.limit or len(self._grants) >= self.limit:
                self._sections.clear()
                self._grants.clear()
            if authorization is not None and grant is not None:
                key = token_key(authorization)
                if key:
                    self._grants[key] = grant
            kept = self._sections.get(section_id)
            if kept is None or kept.etag != section.etag:
                kept = self._sections[section_id] = section
            kept.bodies[attributed] = body


def _respond(body: bytes, etag: str, if_none_match: str | None) -> Response:
    if if_none_match is not None and {etag, "*"} & set(_offered(if_none_match)):
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag})


# --- PostgreSQL: every answer checked by one statement ------------------------------------

# The outline's state (count, highest id, sum of revisions of the report's sections): every
# change to a section bumps its revision, so with the report's creation time it names one
# outline, hence one first paragraph number (`app/reports/outline.py` keys its cache the same).
_outline = (
    select(
        Section.report_id.label("report_id"),
        func.count(Section.id).label("sections"),
        func.max(Section.id).label("top_id"),
        func.sum(Section.revision).label("revisions"),
    )
    .where(
        Section.report_id
        == select(Section.report_id).where(Section.id == bindparam("section_id")).scalar_subquery()
    )
    .group_by(Section.report_id)
    .subquery("outline_state")
)
_token = (
    select(
        Token.is_admin.label("token_is_admin"),
        Participant.group_id.label("participant_group_id"),
        Participant.role.label("participant_role"),
        Participant.active.label("participant_active"),
    )
    .outerjoin(Participant, Participant.id == Token.participant_id)
    .where(Token.token_hash == bindparam("token_hash"), Token.revoked_at.is_(None))
    .subquery("caller")
)
SECTION_STATE = (
    select(
        Section.report_id,
        Section.revision,
        Report.group_id,
        Report.is_public,
        Report.created_at,
        _outline.c.sections,
        _outline.c.top_id,
        _outline.c.revisions,
        _token,
    )
    .join(Report, Report.id == Section.report_id)
    .join(_outline, _outline.c.report_id == Section.report_id)
    .outerjoin(_token, true())
    .where(Section.id == bindparam("section_id"))
)


@dataclass(frozen=True)
class SectionState:
    """What one statement says about a section and its reader: enough to pick a kept answer."""

    report_id: int
    group_id: int
    is_public: bool
    key: tuple[Any, ...]  # names the section's ETag and its answer
    grant: Grant | None  # None: no token
    caller_known: bool  # False: a token that is unknown, revoked, or of a deactivated person


def section_state(
    connection: Connection | Session, section_id: int, token_hash: str | None, *, admin: bool
) -> SectionState | None:
    """None when the section does not exist. `admin`: the token is the site admin's of the
    settings (it has no row)."""
    row: Row[Any] | None = connection.execute(
        SECTION_STATE, {"section_id": section_id, "token_hash": token_hash}
    ).first()
    if row is None:
        return None
    created: datetime = row.created_at
    key = (section_id, row.revision, created.isoformat(), row.sections, row.top_id, row.revisions)
    grant, known = _grant_of_row(row, token_hash, admin=admin)
    return SectionState(
        report_id=row.report_id,
        group_id=row.group_id,
        is_public=row.is_public,
        key=key,
        grant=grant,
        caller_known=known,
    )


def _grant_of_row(
    row: Row[Any], token_hash: str | None, *, admin: bool
) -> tuple[Grant | None, bool]:
    if admin:
        return visibility.grant_for(is_admin=True, group_id=None, role=None), True
    if token_hash is None:
        return None, True
    if row.token_is_admin:
        return visibility.grant_for(is_admin=True, group_id=None, role=None), True
    if row.participant_group_id is None or not row.participant_active:
        return None, False  # the request's own path answers 401, with the reason
    grant = visibility.grant_for(
        is_admin=False, group_id=row.participant_group_id, role=row.participant_role
    )
    return grant, True


@dataclass
class CheckedEntry:
    report_id: int
    etag: str
    bodies: dict[bool, bytes] = field(default_factory=dict)  # attributed view -> JSON


class CheckedReadCache:
    """Kept answers keyed by the state that names them; see the module's docstring."""

    blocking = True  # `answer` queries the database: run it on a worker thread

    def __init__(self, database: Database, admin_token: str | None, limit: int = 20_000) -> None:
        self.database = database
        self.limit = limit
        self._admin_hash = hash_token(admin_token) if admin_token else None
        self._lock = threading.Lock()
        self._entries: dict[tuple[Any, ...], CheckedEntry] = {}
        self._by_report: dict[int, set[tuple[Any, ...]]] = {}

    def is_admin_hash(self, token_hash: str | None) -> bool:
        return (
            token_hash is not None
            and self._admin_hash is not None
            and hmac.compare_digest(token_hash, self._admin_hash)
        )

    def answer(
        self, section_id: int, authorization: str | None, if_none_match: str | None
    ) -> Response | None:
        token_hash = None if authorization is None else token_key(authorization)
        if authorization is not None and token_hash is None:
            return None  # not a bearer token: the request's own path says why
        with self.database.autocommit_engine.connect() as connection:
            state = section_state(
                connection, section_id, token_hash, admin=self.is_admin_hash(token_hash)
            )
        if state is None or not state.caller_known:
            return None
        if not visibility.may_read(state.grant, group_id=state.group_id, is_public=state.is_public):
            return None
        entry = self._entries.get(state.key)
        if entry is None:
            return None
        body = entry.bodies.get(visibility.sees_attributed(state.grant, state.group_id))
        return None if body is None else _respond(body, entry.etag, if_none_match)

    def keep(self, state: SectionState, *, etag: str, attributed: bool, body: bytes) -> None:
        """`state` must have been read in the same snapshot as `body` (a repeatable-read
        transaction), so that the key names exactly this answer."""
        with self._lock:
            if len(self._entries) >= self.limit:
                self._entries.clear()
                self._by_report.clear()
            entry = self._entries.get(state.key)
            if entry is None or entry.etag != etag:
                entry = self._entries[state.key] = CheckedEntry(state.report_id, etag)
                self._by_report.setdefault(state.report_id, set()).add(state.key)
            entry.bodies[attributed] = body

    def forget_report(self, report_id: int) -> None:
        """A process wrote to `report_id` (its NOTIFY): its kept answers can no longer match."""
        with self._lock:
            for key in self._by_report.pop(report_id, ()):
                self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


def token_key(authorization: str) -> str | None:
    scheme, _, secret = authorization.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return None
    return hash_token(secret)


def _offered(if_none_match: str) -> list[str]:
    if if_none_match.strip() == "*":
        return ["*"]
    return [t.strip().removeprefix("W/") for t in if_none_match.split(",")]


SECTION_PATH = re.compile(r"/v1/sections/([1-9][0-9]{0,9})")


class SectionReadCache:
    """ASGI: answers `GET /v1/sections/{id}` from the cache before routing, dependencies and
    the other middleware run; anything else, and every miss, goes on to the app (which fills
    the cache). A hit costs a dictionary lookup and a hash of the token, and on PostgreSQL one
    statement on a worker thread."""

    def __init__(self, app: ASGIApp, cache: ReadCache | CheckedReadCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = SECTION_PATH.fullmatch(scope["path"])
            if match is not None and int(match[1]) <= MAX_ID:
                headers = {k: v for k, v in scope["headers"] if k in _WANTED}
                authorization = headers.get(b"authorization")
                if_none_match = headers.get(b"if-none-match")
                question = (
                    int(match[1]),
                    None if authorization is None else authorization.decode("latin-1"),
                    None if if_none_match is None else if_none_match.decode("latin-1"),
                )
                if self.cache.blocking:
                    answer = await run_in_threadpool(self.cache.answer, *question)
                else:
                    answer = self.cache.answer(*question)
                if answer is not None:
                    await answer(scope, receive, send)
                    return
        await self.app(scope, receive, send)


_WANTED = frozenset({b"authorization", b"if-none-match"})
