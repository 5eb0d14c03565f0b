"""The work of plenary's reads and of a consent, done bare: the ceilings `bench/bare.py` serves.

Kept apart from the server module so that a test (tests/test_bench_ceilings.py) can run each
ceiling beside the request it divides, on the test's own database, and compare what both
answered and read.

- `fast_path`: plenary's kept-answer path for `GET /v1/sections/{id}`
  (`app/reports/read_cache.py`) with nothing around it. The same cache class as plenary's on
  that engine, holding plenary's own answer, behind the same ASGI matcher: a token hash looked
  up in memory and the If-None-Match check on SQLite, and on PostgreSQL the same one
  statement. What plenary adds on a hit is its other layers, nothing else.
- `read_section`: a read that misses every cache, with SQLAlchemy Core: the token's row by
  its hash (and its person's), then the section joined to its head version and its report;
  the answer serialised by the same schema, so the bytes are plenary's. The first paragraph's
  number comes from the whole outline (every section before it): the bench gives it from
  plenary's own answers, as it gives the GET ceiling its bytes.
- `consent`: what a signed consent that applies must do at least: no request body beyond the
  signature, one row read (the round: the voter's key, the wording, the text it applies),
  the Ed25519 check over the same answer message, the answer's row inserted and the ~1 KB
  text applied as a new version row, in one transaction.
- `room_read`: the live room's reads after an event (`bench/room.py`), one Core statement
  each reading the rows plenary's answer of the same name is made of: the outline, every
  section's head text (a whole floor), each section's head version with its text only where
  it is newer than the reader's watermark (a floor delta, `texts_after`), the report's
  amendments, its consultations.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    select,
    text,
)
from starlette.types import ASGIApp, Receive, Scope, Send

from app import visibility
from app.etags import etag
from app.groups.models import Participant, Role, Token
from app.reports.checked_reads import CheckedReadCache, section_state
from app.reports.models import Report, Section, Version
from app.reports.read_cache import CachedSection, ReadCache, SectionReadCache, token_key
from app.reports.schemas import PUBLIC_VIEWS, SectionRead, VersionRead
from app.signatures import answer_message, verifies, wording_sha256

# --- GET, kept answer ---------------------------------------------------------------------


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    await send({"type": "http.response.start", "status": 404, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def fast_path(
    engine: Engine,
    database_url: str,
    *,
    section_id: int,
    authorization: str,
    body: bytes,
    etag_value: str,
    inner: ASGIApp = _not_found,
) -> tuple[ASGIApp, ReadCache | CheckedReadCache]:
    """An ASGI app answering `GET /v1/sections/{section_id}` with `body` as plenary's read
    cache does on this engine (the caller is read from the database once, here)."""
    token_hash = token_key(authorization)
    with engine.connect() as connection:
        state = section_state(connection, section_id, token_hash, admin=False)
    if state is None or state.grant is None:
        raise ValueError(f"section {section_id} or its reader is unknown")
    attributed = visibility.sees_attributed(state.grant, state.group_id)
    cache: ReadCache | CheckedReadCache
    if engine.dialect.name == "sqlite":
        cache = ReadCache()
        cache.keep(
            cache.generation,
            authorization=authorization,
            grant=state.grant,
            section_id=section_id,
            section=CachedSection(
                group_id=state.group_id, is_public=state.is_public, etag=etag_value
            ),
            attributed=attributed,
            body=body,
        )
    else:
        cache = CheckedReadCache(database_url, admin_token=None)
        cache.keep(state, etag=etag_value, attributed=attributed, body=body)
    return SectionReadCache(inner, cache), cache


# --- GET, missed answer -------------------------------------------------------------------

_CALLER = (
    select(Token.is_admin, Participant.group_id, Participant.role, Participant.active)
    .outerjoin(Participant, Participant.id == Token.participant_id)
    .where(Token.token_hash == bindparam("token_hash"), Token.revoked_at.is_(None))
)
_SECTION = (
    select(
        Section.id,
        Section.report_id,
        Section.parent_id,
        Section.kind,
        Section.label,
        Section.heading,
        Section.position,
        Section.head_version,
        Section.removed_at,
        Section.created_at,
        Section.revision,
        Report.group_id.label("group_id"),
        Report.is_public.label("is_public"),
        Version.section_id.label("v_section_id"),
        Version.number.label("v_number"),
        Version.sha256.label("v_sha256"),
        Version.paragraph_count.label("v_paragraph_count"),
        Version.source.label("v_source"),
        Version.author_id.label("v_author_id"),
        Version.amendment_id.label("v_amendment_id"),
        Version.created_at.label("v_created_at"),
        Version.text.label("v_text"),
    )
    .join(Report, Report.id == Section.report_id)
    .join(Version, and_(Version.section_id == Section.id, Version.number == Section.head_version))
    .where(Section.id == bindparam("section_id"))
)


def read_section(
    engine: Engine, section_id: int, authorization: str, first_paragraph: int | None
) -> tuple[int, bytes, str]:
    """(status, body, ETag) for a member's read of a section, by two Core statements."""
    with engine.connect() as connection:
        caller = connection.execute(_CALLER, {"token_hash": token_key(authorization)}).first()
        if caller is None or caller.group_id is None or not caller.active:
            return 401, b"", ""
        row = connection.execute(_SECTION, {"section_id": section_id}).first()
    grant = visibility.grant_for(
        is_admin=bool(caller.is_admin), group_id=caller.group_id, role=Role(caller.role)
    )
    if row is None or not visibility.may_read(
        grant, group_id=row.group_id, is_public=row.is_public
    ):
        return 404, b"", ""
    head = VersionRead(
        section_id=row.v_section_id,
        number=row.v_number,
        sha256=row.v_sha256,
        paragraph_count=row.v_paragraph_count,
        source=row.v_source,
        author_id=row.v_author_id,
        amendment_id=row.v_amendment_id,
        created_at=row.v_created_at,
        text=row.v_text,
    )
    if not grant.sees_attributed(row.group_id):
        head = visibility.redacted(head, PUBLIC_VIEWS)
    read = SectionRead(
        id=row.id,
        report_id=row.report_id,
        parent_id=row.parent_id,
        kind=row.kind,
        label=row.label,
        heading=row.heading,
        position=row.position,
        head_version=row.head_version,
        removed_at=row.removed_at,
        created_at=row.created_at,
        revision=row.revision,
        first_paragraph=first_paragraph,
        head=head,
    )
    tag = etag("s", row.id, row.revision)[:-1] + f'.{first_paragraph or 0}"'
    return 200, read.model_dump_json().encode(), tag


# --- a consent that applies ---------------------------------------------------------------

metadata = MetaData()
ceiling_round = Table(
    "bench_ceiling_round",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer),
    Column("round", String(40)),
    Column("public_key", String(100)),
    Column("wording_sha256", String(64)),
    Column("text", Text),  # what the last consent applies
)
ceiling_answer = Table(
    "bench_ceiling_answer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer),
    Column("answer", String(20)),
    Column("signature", String(200)),
)
ceiling_version = Table(
    "bench_ceiling_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", Integer),
    Column("text", Text),
    Column("sha256", String(64)),
)


def prepare_round(engine: Engine, *, report_id: int, round: str, public_key: str, text: str) -> int:
    """One round for the consent ceiling to answer; returns its id (not timed)."""
    metadata.create_all(engine)
    with engine.begin() as connection:
        inserted = connection.execute(
            ceiling_round.insert().values(
                report_id=report_id,
                round=round,
                public_key=public_key,
                wording_sha256=wording_sha256(text),
                text=text,
            )
        )
    return int(inserted.inserted_primary_key[0])


_ROUND = select(ceiling_round).where(ceiling_round.c.id == bindparam("round_id"))


def consent(engine: Engine, round_id: int, signature: str) -> dict[str, Any] | None:
    """The ceiling of the last signed consent: None when there is no such round, or when the
    signature does not verify."""
    with engine.begin() as connection:
        row = connection.execute(_ROUND, {"round_id": round_id}).first()
        if row is None:
            return None
        message = answer_message(
            report_id=row.report_id,
            amendment_id=round_id,
            round=row.round,
            wording_sha256=row.wording_sha256,
            answer="consent",
            reason="",
        )
        if not verifies(row.public_key, signature, message):
            return None
        connection.execute(
            ceiling_answer.insert().values(round_id=round_id, answer="consent", signature=signature)
        )
        connection.execute(
            ceiling_version.insert().values(
                round_id=round_id, text=row.text, sha256=row.wording_sha256
            )
        )
    return {"id": round_id, "status": "adopted", "at": datetime.now(UTC).isoformat()}


# The rows each of plenary's room answers is made of, one statement each (`:id`: the report's;
# `:after`: a floor delta's watermark).
ROOM_READS = {
    "report": "SELECT id, parent_id, kind, label, heading, position, head_version "
    "FROM section WHERE report_id = :id AND removed_at IS NULL",
    "floor": "SELECT s.id, s.kind, s.label, s.heading, v.text FROM section s "
    "JOIN section_version v ON v.section_id = s.id AND v.number = s.head_version "
    "WHERE s.report_id = :id AND s.removed_at IS NULL",
    "floor_delta": "SELECT s.id, s.kind, s.label, s.heading, v.id AS version_id, "
    "CASE WHEN v.id > :after THEN v.text END AS text FROM section s "
    "JOIN section_version v ON v.section_id = s.id AND v.number = s.head_version "
    "WHERE s.report_id = :id AND s.removed_at IS NULL",
    "amendments": "SELECT * FROM amendment WHERE report_id = :id ORDER BY id LIMIT 500",
    "consultations": "SELECT * FROM consultation WHERE report_id = :id ORDER BY id LIMIT 500",
}


def room_read(engine: Engine, what: str, report_id: int, after: int = 0) -> list[Any]:
    """The rows of the room read `what` (a key of ROOM_READS), in one statement."""
    with engine.connect() as connection:
        return list(
            connection.execute(text(ROOM_READS[what]), {"id": report_id, "after": after}).all()
        )
