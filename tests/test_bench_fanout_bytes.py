"""The fan-out ceilings of `python -m bench.audience` (bench/bare.py) send, for each event, the
bytes plenary's stream sends for it: same messages, same length, only `created_at` restamped
so that the client measures both lags alike. A ceiling that sent fewer bytes would flatter
itself."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.events.broker import read_events
from app.events.stream import sse_message
from bench.sse_bytes import stamped
from tests.amendments.helpers import report_with_section
from tests.factories import make_room, matched, ok


def without_created_at(message: bytes) -> bytes:
    start = message.index(b'"created_at":"') + len(b'"created_at":"')
    return message[:start] + message[message.index(b'"', start) :]


def test_the_ceiling_sends_each_event_in_as_many_bytes_as_the_stream(
    client: TestClient, app: FastAPI
) -> None:
    room = make_room(client)
    rid, _sid = report_with_section(client, room)
    headers = matched(client, f"/v1/reports/{rid}", room.chair.headers)
    ok(client.post(f"/v1/reports/{rid}/visibility", json={"public": True}, headers=headers))
    meeting = ok(
        client.post(
            f"/v1/reports/{rid}/meetings",
            json={"first_session": "open_consultation"},
            headers=room.chair.headers,
        ),
        201,
    )
    sitting = ok(client.get(f"/v1/meetings/{meeting['id']}/sessions"))["items"][0]
    ok(
        client.post(
            f"/v1/meetings/{meeting['id']}/captioners",
            json={"participant_id": room.secretariat.id, "captioner": True},
            headers=room.chair.headers,
        )
    )
    for n in range(2):
        ok(
            client.post(
                f"/v1/sessions/{sitting['id']}/captions",
                json={"text": f"Line {n}: the floor is given to civil society."},
                headers=room.secretariat.headers,
            ),
            201,
        )
    # The events as the stream encodes them (its own function, on what the feed holds).
    events = read_events(app.state.database, rid, 0, 100)
    captions = [e for e in events if e.type == "caption.added"]
    assert len(captions) == 2
    stamp = datetime.now(UTC).replace(microsecond=123456).isoformat().encode()
    for attributed in (False, True):
        one = sse_message(captions[0], attributed=attributed)
        batch = b"".join(sse_message(e, attributed=attributed) for e in captions)
        for sent in (one, batch):
            restamped = stamped(sent, stamp)
            assert len(restamped) == len(sent)
            assert restamped.count(stamp) == sent.count(b"\nevent: ")
            parts = zip(restamped.split(b"\n\n"), sent.split(b"\n\n"), strict=True)
            for ours, theirs in parts:
                if theirs:
                    assert without_created_at(ours) == without_created_at(theirs)
