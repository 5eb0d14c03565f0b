"""Stream tickets in-process: their lifetime is a minute, and each is spent once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.clock import utcnow
from app.errors import Unauthorized
from app.events.tickets import TICKET_LIFETIME, redeem_ticket
from tests.amendments.helpers import report_with_section
from tests.factories import make_room, ok


def test_a_ticket_lives_sixty_seconds_and_is_spent_once(client: TestClient, app: FastAPI) -> None:
    room = make_room(client)
    rid, _sid = report_with_section(client, room)
    assert timedelta(seconds=60) == TICKET_LIFETIME
    issued = [
        ok(client.post(f"/v1/reports/{rid}/stream-tickets", headers=room.observers[0].headers), 201)
        for _ in range(2)
    ]
    database = app.state.database
    late = utcnow() + timedelta(seconds=61)
    with pytest.raises(Unauthorized), database.session() as session:
        redeem_ticket(session, secret=issued[0]["ticket"], report_id=rid, now=late)
    in_time = utcnow() + timedelta(seconds=55)
    with database.session() as session:
        who = redeem_ticket(session, secret=issued[1]["ticket"], report_id=rid, now=in_time)
        assert who.participant_id == room.observers[0].id
    with pytest.raises(Unauthorized), database.session() as session:
        redeem_ticket(session, secret=issued[1]["ticket"], report_id=rid, now=in_time)
