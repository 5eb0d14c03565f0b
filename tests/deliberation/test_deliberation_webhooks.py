"""Deliberation events reach webhooks like every other event."""

from __future__ import annotations

import json

from tests.amendments.helpers import report_with_section
from tests.deliberation.helpers import open_thread
from tests.factories import make_room, ok
from tests.test_webhooks import AppFactory, Receiver, register, wait_for, webhook_app

__all__ = ["webhook_app"]  # the fixture, used by name


def test_thread_and_reservation_events_are_delivered(webhook_app: AppFactory) -> None:
    receiver = Receiver()
    client = webhook_app([receiver.entry])
    room = make_room(client)
    try:
        ok(
            register(
                client,
                room,
                receiver.url,
                event_types=["thread.opened", "reservation.recorded"],
            ),
            201,
        )
        rid, sid = report_with_section(client, room)
        thread = open_thread(client, room.members[0], rid, section_id=sid, body="Hm.")
        ok(
            client.post(
                f"/v1/sections/{sid}/reservations",
                json={"paragraph": 1, "text": "Reserved.", "attributed": True},
                headers=room.members[0].headers,
            ),
            201,
        )
        wait_for(lambda: len(receiver.calls) >= 2)
        # Deliveries run side by side: their order is not the events' order.
        events = {e["type"]: e for e in (json.loads(c["body"])["event"] for c in receiver.calls)}
        assert set(events) == {"thread.opened", "reservation.recorded"}
        assert events["thread.opened"]["payload"]["thread_id"] == thread["id"]
        recorded = events["reservation.recorded"]["payload"]
        assert recorded == {
            "reservation_id": recorded["reservation_id"],
            "section_id": sid,
            "paragraph": 1,
            "attributed": True,
        }
        assert room.members[0].name not in str(events)  # the text and the name are fetched
    finally:
        receiver.close()
