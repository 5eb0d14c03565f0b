"""A stream message is encoded once per event and audience, and those bytes are shared by
every subscriber of that audience: a public subscriber must never get the attributed bytes,
whichever audience asked first."""

from __future__ import annotations

import json

from app.events.broker import StoredEvent
from app.events.stream import sse_message


def stored(event_id: int = 9) -> StoredEvent:
    return StoredEvent(
        id=event_id,
        seq=3,
        report_id=2,
        type="version.created",
        actor_id=41,
        actor_salt="5a" * 32,
        actor_commitment="c0" * 32,
        payload={"number": 2, "section_id": 7},
        created_at="2026-11-28T14:02:09.561552+00:00",
        prev_hash="a" * 64,
        hash="b" * 64,
        legacy_hash="d" * 64,
    )


def data_of(message: bytes) -> dict[str, object]:
    lines = message.decode().split("\n")
    assert lines[0] == "id: 9" and lines[1] == "event: version.created"
    assert message.endswith(b"\n\n")
    return dict(json.loads(lines[2].removeprefix("data: ")))


def test_the_public_bytes_never_carry_the_actor_whichever_audience_is_encoded_first() -> None:
    for first in (True, False):
        event = stored()
        encoded = {first: sse_message(event, attributed=first)}
        encoded[not first] = sse_message(event, attributed=not first)
        public, attributed = data_of(encoded[False]), data_of(encoded[True])
        assert attributed["actor_id"] == 41 and attributed["actor_salt"] == "5a" * 32
        assert attributed["legacy_hash"] == "d" * 64
        # The public view: the same fields, the ones that name or open the actor null.
        hidden = {"actor_id", "actor_salt", "legacy_hash"}
        assert public == {k: (None if k in hidden else v) for k, v in attributed.items()}
        assert b"5a5a" not in encoded[False] and b"dddd" not in encoded[False]


def test_each_audience_gets_the_same_bytes_object_for_every_subscriber() -> None:
    event = stored()
    public, attributed = sse_message(event, attributed=False), sse_message(event, attributed=True)
    assert sse_message(event, attributed=False) is public
    assert sse_message(event, attributed=True) is attributed
    assert public != attributed
