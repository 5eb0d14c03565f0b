"""Ceilings that do the same work as plenary, served with the same uvicorn settings.

- `GET /bare`: the same bytes as plenary's answer for the section the bench reads (the file
  named by PLENARY_BENCH_BODY, written by the bench from plenary's own answer): JSON out,
  nothing computed.
- `POST /bare/write`: validates the same request body as a proposal (Pydantic) and inserts
  one row holding its text with SQLAlchemy Core in one transaction, on the same database
  (PLENARY_DATABASE_URL): the least any write of a 20 KB amendment must do.
- `POST /bare/consent/{round}`: the last signed consent's own work (`bench/ceilings.py`): a
  body of one signature, one row read, the Ed25519 check over the same answer message, one
  answer inserted and the ~1 KB text applied as a version row, in one transaction.
- `GET /bare/section/{id}`: a read that misses every cache, by SQLAlchemy Core on the same
  database (`bench/ceilings.py`); first paragraphs from the file PLENARY_BENCH_FIRST.
- `GET /v1/sections/{id}` (when PLENARY_BENCH_FAST names a section, a reader and an ETag):
  plenary's own kept-answer path for it, in front of everything else here.
- `GET /bare/stream` and `POST /bare/publish`: the event stream's ceiling. Subscribers follow
  a plain StreamingResponse; a publish fans the bytes it was sent (one of plenary's own stream
  messages, captured by the bench) out to every subscriber, encoded once, with `created_at`
  set to now: the least any fan-out of the same bytes to the same subscribers must do. A body
  of several messages (the events one commit recorded) goes out in one write per subscriber,
  as plenary sends a commit's events; `?channel=` keeps audiences apart (members get the
  attributed bytes, the public its own).
- `GET /bare/room/{what}/{id}`: the live room's read ceiling (`python -m bench.audience`). Each
  reads, with one SQLAlchemy Core statement on the same database, the rows plenary's answer of
  the same name is made of (the outline, every section's head text, one amendment, the
  report's amendments, its consultations; a floor read with `texts_after` reads the floor
  delta's rows: `ceilings.ROOM_READS`), then answers plenary's own bytes for that read
  (files in PLENARY_BENCH_ROOM, written by the bench from plenary's answers): a bare read,
  the least a client's read after an event must cost. Never a 304.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, event
from starlette.types import ASGIApp

from app.main import tune_garbage_collector
from bench import ceilings
from bench.sse_bytes import stamped

_body_file = os.environ.get("PLENARY_BENCH_BODY")
BODY = (
    Path(_body_file).read_bytes()
    if _body_file
    else b'{"id": 1, "number": 3, "text": "' + b"x" * 1000 + b'"}'
)

_url = os.environ.get("PLENARY_DATABASE_URL", "sqlite:///bench-bare.db")
engine = create_engine(_url)
if _url.startswith("sqlite"):

    @event.listens_for(engine, "connect")
    def _pragmas(connection: object, _record: object) -> None:
        cursor = connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


metadata = MetaData()
ceiling_write = Table(
    "bench_ceiling_write",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("base_version", Integer),
    Column("kind", String(20)),
    Column("rationale", Text),
    Column("text", Text),
)
metadata.create_all(engine)


class Proposal(BaseModel):
    base_version: int = Field(ge=1)
    text: str = Field(max_length=1_000_000)
    kind: Literal["editorial", "substantive"]
    rationale: str = Field(default="", max_length=20_000)


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # The process is tuned as plenary's is (its garbage collector paused 2,000 streams for
    # 100-280 ms at a time otherwise): the ceiling differs by the work it skips, nothing else.
    tune_garbage_collector()
    yield


api = FastAPI(lifespan=lifespan)


@api.get("/bare")
async def bare() -> Response:
    return Response(BODY, media_type="application/json")


@api.post("/bare/write", status_code=201)
def write(body: Proposal) -> dict[str, int]:
    with engine.begin() as connection:
        inserted = connection.execute(ceiling_write.insert().values(**body.model_dump()))
    return {"id": int(inserted.inserted_primary_key[0])}


class Signature(BaseModel):
    signature: str = Field(max_length=200)


@api.post("/bare/consent/{round_id}")
def consent(round_id: int, body: Signature) -> dict[str, Any]:
    answered = ceilings.consent(engine, round_id, body.signature)
    if answered is None:
        raise HTTPException(422, "signature-invalid")
    return answered


_FIRST: dict[int, int | None] = {}  # section id -> its first paragraph (plenary's answers)
if os.environ.get("PLENARY_BENCH_FIRST"):
    _FIRST = {
        int(k): v
        for k, v in json.loads(Path(os.environ["PLENARY_BENCH_FIRST"]).read_text()).items()
    }


@api.get("/bare/section/{section_id}")
def read_section(section_id: int, request: Request) -> Response:
    status, body, tag = ceilings.read_section(
        engine, section_id, request.headers.get("authorization", ""), _FIRST.get(section_id)
    )
    if status != 200:
        return Response(status_code=status)
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    return Response(body, media_type="application/json", headers={"ETag": tag})


_channels: dict[str, set[asyncio.Queue[bytes]]] = {}


@api.get("/bare/stream")
async def stream(channel: str = "all") -> StreamingResponse:
    subscribers = _channels.setdefault(channel, set())

    async def follow() -> AsyncIterator[bytes]:
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        subscribers.add(queue)
        try:
            yield b"retry: 1000\n: following\n\n"
            while True:
                yield await queue.get()
        finally:
            subscribers.discard(queue)

    return StreamingResponse(
        follow(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@api.post("/bare/publish", status_code=204)
async def publish(request: Request, channel: str = "all") -> Response:
    message = stamped(await request.body(), datetime.now(UTC).isoformat().encode())
    for queue in _channels.get(channel, ()):
        queue.put_nowait(message)
    return Response(status_code=204)


# --- the live room's reads ------------------------------------------------------------------

_room_dir = os.environ.get("PLENARY_BENCH_ROOM")
ROOM: dict[str, bytes] = (
    {f.stem: f.read_bytes() for f in Path(_room_dir).glob("*.json")} if _room_dir else {}
)


@api.get("/bare/room/{what}/{row_id}")
def room_read(what: str, row_id: int, texts_after: int | None = None) -> Response:
    # A floor read with a watermark is the delta: its own rows and plenary's delta bytes.
    if what == "floor" and texts_after is not None:
        what = "floor_delta"
    if what not in ROOM or what not in ceilings.ROOM_READS:
        raise HTTPException(404, what)
    ceilings.room_read(engine, what, row_id, texts_after or 0)
    # No ETag: every read answers the bytes in full (plenary answers 304 where nothing
    # changed, so the ceiling never does less than plenary).
    return Response(ROOM[what], media_type="application/json")


app: ASGIApp = api
if os.environ.get("PLENARY_BENCH_FAST"):
    # The kept-answer ceiling: plenary's own fast path for the section it reads, in front of
    # this app (so `GET /v1/sections/{id}` is answered here as plenary's cache answers it).
    _fast = json.loads(os.environ["PLENARY_BENCH_FAST"])
    app, _cache = ceilings.fast_path(
        engine,
        _url,
        section_id=int(_fast["section_id"]),
        authorization=_fast["authorization"],
        body=BODY,
        etag_value=_fast["etag"],
        inner=api,
    )
