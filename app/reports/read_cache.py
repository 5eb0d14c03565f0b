"""Answers to `GET /v1/sections/{id}` kept in memory between writes.

Every screen and script in the room polls sections, while the text changes only when someone
writes. Two caches, one per engine, with one promise: an answer from here is exactly what the
database would give at that moment, and which view a caller gets is decided by
`app/visibility.py` (its `Grant`), never here.

- `ReadCache` (SQLite: one server process). Answers with no query at all. Every write commits
  through `Database.session`, which empties it after the commit; a reader notes the
  generation before it reads and keeps its answer only if no write committed meanwhile.
- `CheckedReadCache` (`app/reports/checked_reads.py`, PostgreSQL: several processes share the
  database). No process sees the others' writes as they happen: a NOTIFY arrives after the
  writer's commit has returned, so a cache trusted until told would serve a stale text to a
  reader on another process in between (tests/live/test_two_processes.py caught one in ten).
  Here every answer costs one statement instead, run without a transaction: it resolves the
  token (revoked? deactivated? which group and role?) and reads the section's revision, its
  report's group and visibility, and its outline revision, which together name the section's
  ETag. Kept answers are keyed by that state, so a hit is the current answer by construction,
  whichever process wrote last. A NOTIFY for a report (sent by every write that records an
  event) drops that report's entries, so memory holds only answers that can still be served.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Protocol

from fastapi import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app import visibility
from app.auth import bearer_secret, hash_token
from app.etags import matches
from app.schemas import MAX_ID
from app.visibility import Grant


@dataclass
class CachedSection:
    group_id: int
    is_public: bool
    etag: str
    bodies: dict[bool, bytes] = field(default_factory=dict)  # attributed view -> JSON


class Answers(Protocol):
    async def lookup(
        self, section_id: int, authorization: str | None, if_none_match: str | None
    ) -> Response | None:
        """The response, or None when the request must go on to the app."""
        ...


class ReadCache:
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

    async def lookup(
        self, section_id: int, authorization: str | None, if_none_match: str | None
    ) -> Response | None:
        return self.answer(section_id, authorization, if_none_match)

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
        return None if body is None else respond(body, entry.etag, if_none_match)

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


def respond(body: bytes, etag: str, if_none_match: str | None) -> Response:
    if if_none_match is not None and matches(if_none_match, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag})


def token_key(authorization: str) -> str | None:
    secret = bearer_secret(authorization)
    return None if secret is None else hash_token(secret)


SECTION_PATH = re.compile(r"/v1/sections/([1-9][0-9]{0,9})")


class SectionReadCache:
    """ASGI: answers `GET /v1/sections/{id}` from the cache before routing, dependencies and
    the other middleware run; anything else, and every miss, goes on to the app (which fills
    the cache). A hit costs a dictionary lookup and a hash of the token, and on PostgreSQL one
    statement, sent from the event loop."""

    def __init__(self, app: ASGIApp, cache: Answers) -> None:
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
                answer = await self.cache.lookup(*question)
                if answer is not None:
                    await answer(scope, receive, send)
                    return
        await self.app(scope, receive, send)


_WANTED = frozenset({b"authorization", b"if-none-match"})
