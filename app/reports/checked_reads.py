"""The read cache on PostgreSQL: every answer checked by one statement (see
`app/reports/read_cache.py` for why, and for the cache of SQLite).

The check runs on the event loop, on a few connections of its own in autocommit
(`app/reports/loop_statements.py`): no worker thread, no transaction, no ORM, one round trip.
Anything unusual (no such section, a token that is unknown, revoked or of a deactivated
person, no kept answer, a lost connection) goes on to the request's own path, which answers
it and fills the cache.
"""

from __future__ import annotations

import hmac
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import Response
from sqlalchemy import Connection, bindparam, exists, select, true

from app import visibility
from app.auth import hash_token
from app.drafting_groups.models import SectionStage
from app.groups.models import Participant, Role, Token
from app.reports.loop_statements import LoopStatements
from app.reports.models import Report, Section
from app.reports.read_cache import respond, token_key
from app.visibility import Grant

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

logger = logging.getLogger("plenary.read_cache")

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
# A staged report's sections are read by stage, finer than a grant: never answered from here.
_staged = (
    exists(select(SectionStage.section_id).where(SectionStage.report_id == Section.report_id))
    .correlate(Section)
    .label("staged")
)
SECTION_STATE = (
    select(
        Section.report_id,
        _staged,
        Section.revision,
        Report.group_id,
        Report.is_public,
        Report.created_at,
        Report.outline_revision,
        _token,
    )
    .join(Report, Report.id == Section.report_id)
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
    staged: bool  # the report's sections are read by stage: never kept, never served


def section_state(
    connection: Connection | Session, section_id: int, token_hash: str | None, *, admin: bool
) -> SectionState | None:
    """None when the section does not exist. `admin`: the token is the site admin's of the
    settings (it has no row)."""
    row = connection.execute(
        SECTION_STATE, {"section_id": section_id, "token_hash": token_hash}
    ).first()
    return None if row is None else state_of_row(row, section_id, token_hash, admin=admin)


def state_of_row(row: Any, section_id: int, token_hash: str | None, *, admin: bool) -> SectionState:
    """From a row of SECTION_STATE, read by SQLAlchemy or by psycopg directly."""
    created: datetime = row.created_at.astimezone(UTC)
    key = (section_id, row.revision, created.isoformat(), row.outline_revision)
    grant, known = _grant_of_row(row, token_hash, admin=admin)
    return SectionState(
        report_id=row.report_id,
        group_id=row.group_id,
        is_public=row.is_public,
        key=key,
        grant=grant,
        caller_known=known,
        staged=bool(row.staged),
    )


def _grant_of_row(row: Any, token_hash: str | None, *, admin: bool) -> tuple[Grant | None, bool]:
    if admin:
        return visibility.grant_for(is_admin=True, group_id=None, role=None), True
    if token_hash is None:
        return None, True
    if row.token_is_admin:
        return visibility.grant_for(is_admin=True, group_id=None, role=None), True
    if row.participant_group_id is None or not row.participant_active:
        return None, False  # the request's own path answers 401, with the reason
    grant = visibility.grant_for(
        is_admin=False, group_id=row.participant_group_id, role=Role(row.participant_role)
    )
    return grant, True


@dataclass
class CheckedEntry:
    report_id: int
    etag: str
    bodies: dict[bool, bytes] = field(default_factory=dict)  # attributed view -> JSON


class CheckedReadCache:
    """Kept answers keyed by the state that names them; see the module's docstring."""

    def __init__(self, database_url: str, admin_token: str | None, limit: int = 20_000) -> None:
        self.statements = LoopStatements(database_url, SECTION_STATE)
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

    async def lookup(
        self, section_id: int, authorization: str | None, if_none_match: str | None
    ) -> Response | None:
        token_hash = None if authorization is None else token_key(authorization)
        if authorization is not None and token_hash is None:
            return None  # not a bearer token: the request's own path says why
        row = await self.statements.fetch_one({"section_id": section_id, "token_hash": token_hash})
        if row is None:
            return None
        state = state_of_row(row, section_id, token_hash, admin=self.is_admin_hash(token_hash))
        if not state.caller_known or state.staged:
            return None
        if not visibility.may_read(state.grant, group_id=state.group_id, is_public=state.is_public):
            return None
        entry = self._entries.get(state.key)
        if entry is None:
            return None
        body = entry.bodies.get(visibility.sees_attributed(state.grant, state.group_id))
        return None if body is None else respond(body, entry.etag, if_none_match)

    def keep(self, state: SectionState, *, etag: str, attributed: bool, body: bytes) -> None:
        """`state` must have been read in the same snapshot as `body` (a repeatable-read
        transaction), so that the key names exactly this answer."""
        if state.staged:
            return
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
