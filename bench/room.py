"""The live room's clients, in one process (`python -m bench.client room JSON`).

Members follow the report's stream and, on each event, read what changed as the web client
does (`app/static/app/main.js`: `refresh()`, `readFloor()`, `noteEvent()`, `refreshSoon()`,
`scheduleRefresh()`; `app/static/app/api.js`: `getKept`, `allKept`): the report only after an
event that can change it (`REPORT_QUIET`), the floor with `texts_after` (the texts changed
since the ones held, merged in; a section whose text was never held reads the whole floor),
the amendment list only after an event that can change it (`LIST_QUIET`), all at once, and the
consultations only after a consultation's or a comment's event (the page also reads them
when a round is due to open or close by the clock: none is, here). Every read names the
answer held for its path (If-None-Match): a 304 is that answer again.
The events of one piece of the stream (one commit's) ask for one refresh, begun once they are
all in; events that arrive during a refresh ask for one more refresh after it, however many
they are, as the page does. Public viewers only follow the stream. Everything is callbacks
and plain HTTP/1.1 on raw sockets (keep-alive, three connections per member as a browser's
parallel reads): the client must cost less than the server it measures.

What is measured, per member and adoption: from the adoption's `created_at` (recorded in its
transaction, just before the commit) to the end of the first refresh that began after the
member received the adoption's event, the refresh after which the texts the member holds
contain the new text (checked when `marks` are given: each adopted amendment's unique word
must be in a section's text; a refresh that does not hold it yet does not count, the next one
is awaited).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.client import _Follower, _Run, percentile

_CREATED_AT = b'"created_at":"'
_NEXT = re.compile(rb'"next":(null|\d+)\}\s*$')

# main.js's rule (tests/test_bench_ceilings.py checks they are the same): events after which
# the report, or the amendment list, is still the one held.
ROOM_ONLY = (
    "caption.",
    "speaker.",
    "attendance.",
    "projection.",
    "agenda.",
    "session.",
    "comment.",
    "consultation.",
    "key.",
    "reply.",
    "questionnaire.",
    "reservation.",
    "thread.",
)
REPORT_QUIET = (*ROOM_ONLY, "floor.", "consent.", "meeting.")
LIST_QUIET = ROOM_ONLY


def report_quiet(kind: str) -> bool:
    if kind.startswith("amendment.") and kind != "amendment.adopted":
        return True
    return kind.startswith(REPORT_QUIET)


def list_quiet(kind: str) -> bool:
    return kind.startswith(LIST_QUIET)


class Connection:
    """One keep-alive HTTP/1.1 connection: GETs one after another."""

    def __init__(self, host: str, port: int, auth: bytes) -> None:
        self.host, self.port, self.auth = host, port, auth
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, held: tuple[bytes, bytes] | None = None) -> tuple[bytes, bytes]:
        """(body, ETag) of `path`; `held`: the (body, ETag) held for it, named in
        If-None-Match and given back on a 304."""
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        condition = b"If-None-Match: " + held[1] + b"\r\n" if held and held[1] else b""
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n".encode()
            + self.auth
            + condition
            + b"\r\n"
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        at = lower.find(b"content-length:")
        if status == 304:
            body = b""
        elif at >= 0:
            length = int(lower[at + 15 : lower.find(b"\r\n", at)])
            body = await self.reader.readexactly(length)
        else:  # chunked
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(p[:-2] for p in parts)
        if b"connection: close" in lower:
            self.writer.close()
            self.writer = None
        if status == 304 and held is not None:
            return held
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
        at = lower.find(b"\r\netag:")
        etag = head[at + 8 : head.find(b"\r\n", at + 2)].strip() if at >= 0 else b""
        return body, etag

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


@dataclass
class Adoption:
    number: int  # the member's n-th adoption event: the same adoption for every member
    amendment_id: int
    created: float  # epoch seconds
    received: float


@dataclass
class Room:
    paths: dict[str, str]  # report, floor, amendments, consultations
    marks: dict[int, str]  # amendment id -> the word its adoption brings (empty: no check)
    adoptions: int  # how many each member awaits
    lags: dict[int, list[float]] = field(default_factory=dict)  # adoption -> each member's
    refreshes: int = 0
    reads: int = 0
    stale: int = 0  # refreshes that began after the event and did not hold the text yet
    failed: list[str] = field(default_factory=list)
    members_done: int = 0
    members: int = 0
    done: asyncio.Future[None] | None = None

    def member_finished(self) -> None:
        self.members_done += 1
        if self.members_done == self.members and self.done and not self.done.done():
            self.done.set_result(None)


class Member:
    def __init__(self, room: Room, host: str, port: int, token: str | None) -> None:
        auth = f"Authorization: Bearer {token}\r\n".encode() if token else b""
        self.room = room
        self.connections = [Connection(host, port, auth) for _ in range(3)]
        self.pending: list[Adoption] = []
        self.held = 0
        self.adopted = 0
        self.refreshing: asyncio.Task[None] | None = None
        self.soon: asyncio.Handle | None = None
        self.again = False
        # The page read the consultations and the notes (reservations, open points) when it
        # opened the report, before the room began; the report has no notes, so they are not
        # read again (the page reads them after every event only while there are some).
        self.consultations_stale = False
        # main.js: readEverything() when the page opens the report.
        self.report_stale = self.list_stale = True
        self.texts: dict[int, str] | None = None  # heldTexts
        self.through: int | None = None
        self.answers: dict[str, tuple[bytes, bytes]] = {}  # api.js `held`: path -> (body, ETag)

    # --- the page's onEvent and scheduleRefresh ------------------------------------------

    def on_event(self, kind: bytes, message: bytes, now: float) -> None:
        if kind.startswith((b"consultation.", b"comment.")):
            self.consultations_stale = True
        name = kind.decode()
        if not report_quiet(name):
            self.report_stale = True
        if not list_quiet(name):
            self.list_stale = True
        if kind == b"amendment.adopted":
            data = json.loads(message[message.find(b"\ndata: ") + 7 :])
            created = datetime.fromisoformat(data["created_at"]).timestamp()
            self.adopted += 1
            amendment = int(data["payload"]["amendment_id"])
            self.pending.append(Adoption(self.adopted, amendment, created, now))
        # main.js refreshSoon(): during a refresh, one more after it; else a refresh once the
        # events of this piece of the stream (one commit's) are all in (the page's timer of 0).
        if self.refreshing is not None:
            self.again = True
            return
        if self.soon is None:
            self.soon = asyncio.get_running_loop().call_soon(self._start)

    def _start(self) -> None:
        self.soon = None
        if self.refreshing is not None:
            self.again = True
            return
        self.again = False
        self.refreshing = asyncio.ensure_future(self._refresh_loop())

    async def _refresh_loop(self) -> None:
        try:
            first = True
            while first or self.again:
                if not first:
                    self.again = False
                first = False
                began = time.time()
                await self.refresh()
                ended = time.time()
                self._settle(began, ended)
        except Exception as error:  # a failed read: counted, the run goes on
            self.room.failed.append(repr(error)[:300])
        finally:
            self.refreshing = None

    def _settle(self, began: float, ended: float) -> None:
        room = self.room
        waiting = [a for a in self.pending if a.received <= began]
        if not waiting:
            return
        texts = (self.texts or {}).values()
        for adoption in waiting:
            mark = room.marks.get(adoption.amendment_id)
            if mark is not None and not any(mark in text for text in texts):
                room.stale += 1
                continue
            self.pending.remove(adoption)
            room.lags.setdefault(adoption.number, []).append((ended - adoption.created) * 1000)
            self.held += 1
            if self.held == room.adoptions:
                room.member_finished()

    async def _get(self, connection: Connection, path: str) -> bytes:
        """api.getKept: names the answer held for `path`; a 304 is that answer."""
        self.room.reads += 1
        body, etag = await connection.get(path, self.answers.get(path))
        self.answers.pop(path, None)
        if etag:
            self.answers[path] = (body, etag)
            if len(self.answers) > 64:
                del self.answers[next(iter(self.answers))]
        return body

    async def refresh(self) -> None:
        """main.js refresh(): every read at once, one connection each (the report's carries
        the consultations after it when they are read)."""
        room, (one, two, three) = self.room, self.connections
        paths = room.paths
        read_report, read_list = self.report_stale, self.list_stale
        self.report_stale = self.list_stale = False
        consultations = self.consultations_stale
        self.consultations_stale = False

        async def first() -> None:
            if read_report:
                await self._get(one, paths["report"])
            if consultations:
                await self._all(one, paths["consultations"])

        reads: list[Any] = [first(), self._floor(two)]
        if read_list:
            reads.append(self._all(three, paths["amendments"]))
        await asyncio.gather(*reads)
        room.refreshes += 1

    async def _floor(self, connection: Connection) -> None:
        """main.js readFloor(): the delta merged into the texts held, else the whole floor."""
        path = self.room.paths["floor"]
        if self.texts is not None:
            body = await self._get(connection, f"{path}?texts_after={self.through}")
            if self._merge(body):
                return
        self.texts = None
        self._merge(await self._get(connection, path))

    def _merge(self, body: bytes) -> bool:
        state = json.loads(body)
        held = self.texts or {}
        texts = {}
        for section in state["sections"]:
            text = section["text"]
            if text is None:
                text = held.get(section["id"])
                if text is None:
                    return False
            texts[section["id"]] = text
        through = state.get("texts_through")
        self.texts, self.through = (None, None) if through is None else (texts, through)
        return True

    async def _all(self, connection: Connection, path: str) -> None:
        """Every page of a list (`api.allKept`), as the page reads it."""
        after = 0
        glue = "&" if "?" in path else "?"
        while True:
            body = await self._get(connection, f"{path}{glue}after={after}&limit=500")
            found = _NEXT.search(body, max(0, len(body) - 64))
            if found is None or found.group(1) == b"null":
                return
            after = int(found.group(1))


class MemberStream(asyncio.Protocol):
    """A member's SSE stream: each whole message is an event for the page."""

    def __init__(self, member: Member, request: bytes, attached: list[int]) -> None:
        self.member = member
        self.request = request
        self.attached = attached
        self.buffer = b""
        self.started = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.request)  # type: ignore[union-attr]

    def data_received(self, data: bytes) -> None:
        now = time.time()
        buffer = self.buffer + data
        if not self.started:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self.buffer = buffer
                return
            if not buffer.startswith(b"HTTP/1.1 200"):
                self.member.room.failed.append(buffer[:200].decode(errors="replace"))
                return
            self.started = True
            self.attached[0] += 1
            buffer = buffer[end + 4 :]
        # Chunked framing: both servers write whole messages per chunk, so the chunk-size
        # lines fall between messages; a message is `event:` ... up to its blank line.
        position = 0
        while True:
            found = buffer.find(b"\nevent: ", position)
            if found < 0:
                break
            end = buffer.find(b"\n\n", found)
            if end < 0:
                break
            kind = buffer[found + 8 : buffer.find(b"\n", found + 8)]
            self.member.on_event(kind, buffer[found:end], now)
            position = end + 2
        self.buffer = buffer[position:]

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def room(
    base: str,
    paths: dict[str, str],
    members: list[str],
    stream: str,
    public_stream: str,
    public: int,
    adoptions: int,
    public_events: int,
    ready: str,
    marks: dict[str, str] | None = None,
    ticket_path: str | None = None,
    last_event_id: int | None = None,
) -> dict[str, Any]:
    """Members (one per token) and `public` viewers follow the room until every member held
    every one of `adoptions` adoptions (or nothing moved for 20 s)."""
    host, port_text = base.removeprefix("http://").split(":")
    port = int(port_text)
    loop = asyncio.get_running_loop()
    state = Room(
        paths=paths,
        marks={int(k): v for k, v in (marks or {}).items()},
        adoptions=adoptions,
        members=len(members),
        done=loop.create_future(),
    )
    attached = [0]
    suffix = "" if last_event_id is None else f"last_event_id={last_event_id}"
    crowd = [Member(state, host, port, token) for token in members]
    streams = []
    tickets: list[str | None] = [None] * len(members)
    if ticket_path is not None:
        from bench.client import _tickets

        tickets = list(await _tickets(base, ticket_path, members, len(members)))
    for member, ticket in zip(crowd, tickets, strict=True):
        query = "&".join(q for q in (f"ticket={ticket}" if ticket else "", suffix) if q)
        target = f"{stream}?{query}" if query else stream
        request = (
            f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
        _transport, protocol = await loop.create_connection(
            lambda m=member, r=request: MemberStream(m, r, attached), host, port
        )
        streams.append(protocol)
    # The public: the fan-out client's followers (their lags are the public's delivery).
    viewers = _Run(public, public_events, b"\nevent: ", ready + ".public")
    target = f"{public_stream}?{suffix}" if suffix else public_stream
    request = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
    for start in range(0, public, 250):
        for _ in range(min(250, public - start)):
            await loop.create_connection(lambda: _Follower(viewers, request.encode()), host, port)
        await asyncio.sleep(0.05)
    deadline = time.monotonic() + 60
    while (attached[0] < len(members) or viewers.attached < public) and (
        time.monotonic() < deadline
    ):
        await asyncio.sleep(0.05)
    # Every member reads the room once before the chair begins, as a page opening does.
    await asyncio.gather(*(m.refresh() for m in crowd))
    state.refreshes = state.reads = 0
    Path(ready).touch()
    began_cpu, began_wall = time.process_time(), time.perf_counter()
    last = (state.members_done, sum(len(v) for v in state.lags.values()), viewers.complete)
    moved = time.monotonic()
    give_up = moved + 180  # a server that cannot keep up: what it did in 3 minutes
    while not (state.done.done() and viewers.done.done()):
        await asyncio.sleep(0.25)
        now = (state.members_done, sum(len(v) for v in state.lags.values()), viewers.complete)
        if now != last:
            last, moved = now, time.monotonic()
        elif time.monotonic() - moved > 20 or time.monotonic() > give_up:
            break
    busy = (time.process_time() - began_cpu) / max(1e-9, time.perf_counter() - began_wall)
    for protocol in streams:
        protocol.close()
    for member in crowd:
        for connection in member.connections:
            connection.close()
    worst = [max(v) for _, v in sorted(state.lags.items())]
    every = [lag for v in state.lags.values() for lag in v]
    return {
        "last_member": worst,  # per adoption, the last member to hold it
        "members_held": state.members_done,
        "every_p50": percentile(every, 50),
        "every_p99": percentile(every, 99),
        "refreshes": state.refreshes,
        "reads": state.reads,
        "stale": state.stale,
        "failed": state.failed[:5],
        "public_p50": percentile(viewers.lags, 50),
        "public_p99": percentile(viewers.lags, 99),
        "public_complete": viewers.complete,
        "client_busy": busy,
    }
