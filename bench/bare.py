"""Ceilings that do the same work as plenary, served with the same uvicorn settings.

- `GET /bare`: the same bytes as plenary's answer for the section the bench reads (the file
  named by PLENARY_BENCH_BODY, written by the bench from plenary's own answer): JSON out,
  nothing computed.
- `POST /bare/write`: validates the same request body as a proposal (Pydantic) and inserts
  one row holding its text with SQLAlchemy Core in one transaction, on the same database
  (PLENARY_DATABASE_URL): the least any write of a 20 KB amendment must do.
- `POST /bare/consent`: the same as `/bare/write`, and first the check plenary makes of every
  answer in a consent round or a notice: the answer message over the SHA-256 of the wording
  (`app/signatures.py`, the same bytes) verified with the voter's Ed25519 public key. The
  ceiling of a signed answer: plenary reads the key from its table, the ceiling takes it (and
  the report, amendment and round the message names) from the body.
- `GET /bare/stream` and `POST /bare/publish`: the event stream's ceiling. Subscribers follow
  a plain StreamingResponse; a publish fans the bytes it was sent (one of plenary's own stream
  messages, captured by the bench) out to every subscriber, encoded once, with `created_at`
  set to now: the least any fan-out of the same bytes to the same subscribers must do.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, event

from app.main import tune_garbage_collector
from app.signatures import answer_message, verifies, wording_sha256

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


class SignedAnswer(Proposal):
    report_id: int
    amendment_id: int
    round: str = Field(max_length=40)
    public_key: str = Field(max_length=100)
    signature: str = Field(max_length=200)


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    # The process is tuned as plenary's is (its garbage collector paused 2,000 streams for
    # 100-280 ms at a time otherwise): the ceiling differs by the work it skips, nothing else.
    tune_garbage_collector()
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/bare")
async def bare() -> Response:
    return Response(BODY, media_type="application/json")


@app.post("/bare/write", status_code=201)
def write(body: Proposal) -> dict[str, int]:
    with engine.begin() as connection:
        inserted = connection.execute(ceiling_write.insert().values(**body.model_dump()))
    return {"id": int(inserted.inserted_primary_key[0])}


@app.post("/bare/consent", status_code=201)
def consent(body: SignedAnswer) -> dict[str, int]:
    message = answer_message(
        report_id=body.report_id,
        amendment_id=body.amendment_id,
        round=body.round,
        wording_sha256=wording_sha256(body.text),
        answer="consent",
        reason="",
    )
    if not verifies(body.public_key, body.signature, message):
        raise HTTPException(422, "signature-invalid")
    row = body.model_dump(include={"base_version", "kind", "rationale", "text"})
    with engine.begin() as connection:
        inserted = connection.execute(ceiling_write.insert().values(**row))
    return {"id": int(inserted.inserted_primary_key[0])}


_subscribers: set[asyncio.Queue[bytes]] = set()
_CREATED_AT = re.compile(rb'"created_at":"[^"]*"')


@app.get("/bare/stream")
async def stream() -> StreamingResponse:
    async def follow() -> AsyncIterator[bytes]:
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        _subscribers.add(queue)
        try:
            yield b"retry: 1000\n: following\n\n"
            while True:
                yield await queue.get()
        finally:
            _subscribers.discard(queue)

    return StreamingResponse(
        follow(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@app.post("/bare/publish", status_code=204)
async def publish(request: Request) -> Response:
    stamp = datetime.now(UTC).isoformat().encode()
    message = _CREATED_AT.sub(b'"created_at":"' + stamp + b'"', await request.body(), count=1)
    for queue in _subscribers:
        queue.put_nowait(message)
    return Response(status_code=204)
