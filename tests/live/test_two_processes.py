"""Two `plenary serve` processes on one PostgreSQL database, as a deployment that outgrew one
process runs (README, "Several processes"): whatever one process writes, the other serves at
once, streams, replays and settles exactly once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.amendments.helpers import TEXT, report_with_section
from tests.factories import make_room, matched, ok, write_version
from tests.server import LiveServer, live_server
from tests.sse import Message, messages
from tests.test_webhooks import Receiver


@pytest.fixture(scope="module")
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture(scope="module")
def pair(database_url: str, receiver: Receiver) -> Iterator[tuple[LiveServer, LiveServer]]:
    if not database_url.startswith("postgresql"):
        pytest.skip(
            "several processes share a PostgreSQL database (PLENARY_TEST_DATABASE_URL is "
            "not one); SQLite is served by one process"
        )
    env = {
        "PLENARY_WEBHOOK_ALLOWED_HOSTS": json.dumps([receiver.entry]),
        "PLENARY_WEBHOOK_POLL_SECONDS": "0.05",
        "PLENARY_DEADLINE_SWEEP_SECONDS": "0.05",
        "PLENARY_WRITE_RATE_PER_SECOND": "0",
    }
    with (
        live_server(database_url, extra_env=env) as one,
        live_server(database_url, extra_env=env) as other,
    ):
        yield one, other


@pytest.fixture(autouse=True)
def _emptied_after(app: FastAPI) -> None:
    """Requesting the app makes conftest empty the database after each test."""


def _clients(pair: tuple[LiveServer, LiveServer]) -> tuple[httpx.Client, httpx.Client]:
    one, other = pair
    return httpx.Client(base_url=one.url, timeout=30), httpx.Client(base_url=other.url, timeout=30)


def _soon(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def test_a_write_through_one_process_is_read_at_once_through_the_other(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = _clients(pair)
    room = make_room(a)  # type: ignore[arg-type]
    rid, sid = report_with_section(a, room)  # type: ignore[arg-type]
    member, observer = room.members[0].headers, room.observers[0].headers
    path = f"/v1/sections/{sid}"
    for n in range(2, 12):
        ok(b.get(path, headers=member))  # B keeps its answer ...
        ok(b.get(path, headers=member))
        write_version(a, room, sid, n - 1, f"{TEXT} ({n})")  # type: ignore[arg-type]
        fresh = ok(b.get(path, headers=member))  # ... and never serves it after A's write
        assert fresh["head_version"] == n and fresh["head"]["text"].endswith(f"({n})")
        tag = b.get(path, headers=member).headers["etag"]
        assert b.get(path, headers={**member, "If-None-Match": tag}).status_code == 304

    # Who may read, and which view, follow A's writes at once on B too.
    assert ok(b.get(path, headers=observer))["head"]["author_id"] is None
    assert b.get(path).status_code == 401
    ok(
        a.post(
            f"/v1/reports/{rid}/visibility",
            json={"public": True},
            headers=matched(a, f"/v1/reports/{rid}", room.chair.headers),  # type: ignore[arg-type]
        )
    )
    assert ok(b.get(path))["head"]["author_id"] is None
    me = ok(b.get("/v1/me", headers=member))
    ok(a.delete(f"/v1/tokens/{me['token_id']}", headers=member))
    assert b.get(path, headers=member).status_code == 401


def test_a_subscriber_of_one_process_receives_what_the_other_writes(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, _b = _clients(pair)
    room = make_room(a)  # type: ignore[arg-type]
    rid, sid = report_with_section(a, room)  # type: ignore[arg-type]
    # A ticket issued by A opens the stream on B (tickets live in the database).
    ticket = ok(a.post(f"/v1/reports/{rid}/stream-tickets", headers=room.members[0].headers), 201)
    received: list[Message] = []
    connected = threading.Event()

    def follow() -> None:
        with httpx.stream("GET", pair[1].url + ticket["stream_url"], timeout=30) as response:
            assert response.status_code == 200
            connected.set()
            for message in messages(response):
                if isinstance(message, Message):
                    received.append(message)
                    if (
                        message.event == "version.created"
                        and len([m for m in received if m.event == "version.created"]) == 5
                    ):
                        return

    follower = threading.Thread(target=follow, daemon=True)
    follower.start()
    assert connected.wait(10)
    for n in range(2, 7):
        write_version(a, room, sid, n - 1, f"{TEXT} [{n}]")  # type: ignore[arg-type]
    follower.join(20)
    assert not follower.is_alive(), [m.event for m in received]
    ids = [m.id for m in received]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    versions = [m.data["payload"]["number"] for m in received if m.event == "version.created"]
    assert versions[-5:] == [2, 3, 4, 5, 6]


def test_an_idempotency_key_is_honoured_across_processes(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = _clients(pair)
    room = make_room(a)  # type: ignore[arg-type]
    rid, sid = report_with_section(a, room)  # type: ignore[arg-type]
    body = {"base_version": 1, "text": TEXT + " Once.", "kind": "substantive"}
    headers = {**room.members[0].headers, "Idempotency-Key": "propose-once"}

    def post(client: httpx.Client) -> httpx.Response:
        for _ in range(100):  # 409 while the other process still runs it: retry
            response = client.post(f"/v1/sections/{sid}/amendments", json=body, headers=headers)
            if response.status_code != 409:
                return response
            time.sleep(0.05)
        raise AssertionError("the key stayed in use")

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(post, [a, b, a, b]))
    assert {r.status_code for r in answers} == {201}
    assert len({r.json()["id"] for r in answers}) == 1
    listed = ok(b.get(f"/v1/reports/{rid}/amendments", headers=room.chair.headers))["items"]
    assert [x["id"] for x in listed] == [answers[0].json()["id"]]
    other = b.post(
        f"/v1/sections/{sid}/amendments", json={**body, "text": TEXT + " Other."}, headers=headers
    )
    assert other.status_code == 422, other.text


def test_a_webhook_is_delivered_once_whichever_process_wrote(
    pair: tuple[LiveServer, LiveServer], receiver: Receiver
) -> None:
    a, b = _clients(pair)
    room = make_room(a)  # type: ignore[arg-type]
    _rid, sid = report_with_section(a, room)  # type: ignore[arg-type]
    ok(
        a.post(
            f"/v1/groups/{room.group_id}/webhooks",
            json={"url": receiver.url, "event_types": ["version.created"]},
            headers=room.chair.headers,
        ),
        201,
    )
    before = len(receiver.calls)
    for n in range(2, 12):
        write_version(a if n % 2 else b, room, sid, n - 1, f"{TEXT} <{n}>")  # type: ignore[arg-type]
    deadline = time.monotonic() + 20
    while len(receiver.calls) - before < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # both workers poll every 50 ms: a second send would have come by now
    calls = receiver.calls[before:]
    numbers = sorted(json.loads(c["body"])["event"]["payload"]["number"] for c in calls)
    assert numbers == list(range(2, 12)), numbers


def test_a_passed_deadline_is_settled_once_by_two_sweeping_processes(
    pair: tuple[LiveServer, LiveServer],
) -> None:
    a, b = _clients(pair)
    room = make_room(a)  # type: ignore[arg-type]
    rid = ok(
        a.post(
            f"/v1/groups/{room.group_id}/reports",
            json={"title": "Silence", "silence_procedure": True},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    sections = [
        ok(
            a.post(
                f"/v1/reports/{rid}/sections",
                json={"kind": "chapter", "label": str(n), "heading": f"H{n}", "text": TEXT},
                headers=room.secretariat.headers,
            ),
            201,
        )["id"]
        for n in range(1, 5)
    ]
    ok(a.post(f"/v1/reports/{rid}/meetings", headers=room.chair.headers), 201)  # in session
    ok(
        a.post(
            f"/v1/reports/{rid}/adopt",
            json={"editorial_window_days": 7},
            headers=matched(a, f"/v1/reports/{rid}", room.chair.headers),  # type: ignore[arg-type]
        )
    )
    amendments: list[dict[str, Any]] = []
    for n, sid in enumerate(sections):
        proposal = {
            "base_version": 1,
            "text": f"{TEXT} Silence {n}.",
            "kind": "substantive",
            "consent_deadline": _soon(1.5),
        }
        writer = a if n % 2 else b
        created = writer.post(
            f"/v1/sections/{sid}/amendments", json=proposal, headers=room.members[0].headers
        )
        amendments.append(ok(created, 201))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        states = [
            ok(b.get(f"/v1/amendments/{x['id']}", headers=room.chair.headers))["status"]
            for x in amendments
        ]
        if set(states) == {"adopted"}:
            break
        time.sleep(0.1)
    assert set(states) == {"adopted"}, states
    time.sleep(0.5)  # both sweepers run every 50 ms
    for sid in sections:
        assert ok(a.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head_version"] == 2
    events = ok(a.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    adopted = [e["payload"]["amendment_id"] for e in events["items"] if _adopts(e)]
    assert sorted(adopted) == sorted(x["id"] for x in amendments)


def _adopts(event: dict[str, Any]) -> bool:
    return bool(event["type"] == "amendment.adopted")
