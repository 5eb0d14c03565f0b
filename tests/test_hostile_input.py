"""Hostile text never reaches the database: a clear 422, nothing written, never a 500."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.amendments.helpers import TEXT, report_with_section
from tests.factories import make_room


@pytest.mark.parametrize("bad", ["nul \u0000 byte", "lone \ud800 surrogate", "\udfff"])
def test_nul_and_lone_surrogates_are_refused_everywhere(
    client: TestClient, app: FastAPI, bad: str
) -> None:
    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    with app.state.database.engine.connect() as connection:
        before = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM section_version) + (SELECT count(*) FROM amendment) + (SELECT count(*) FROM report)"
            )
        ).scalar_one()
    attempts = [
        (
            "POST",
            f"/v1/sections/{sid}/versions",
            {"base_version": 1, "text": bad},
            room.secretariat,
        ),
        (
            "POST",
            f"/v1/sections/{sid}/amendments",
            {"base_version": 1, "text": bad, "kind": "editorial"},
            room.members[0],
        ),
        (
            "POST",
            f"/v1/sections/{sid}/amendments",
            {"base_version": 1, "text": TEXT + "!", "kind": "editorial", "rationale": bad},
            room.members[0],
        ),
        (
            "POST",
            f"/v1/groups/{room.group_id}/reports/import",
            {"markdown": f"# {bad}\n\nx"},
            room.secretariat,
        ),
        ("POST", f"/v1/groups/{room.group_id}/reports", {"title": bad}, room.secretariat),
        (
            "POST",
            f"/v1/groups/{room.group_id}/participants",
            {"name": bad, "role": "member"},
            room.chair,
        ),
        (
            "POST",
            f"/v1/groups/{room.group_id}/webhooks",
            {"url": "http://127.0.0.1/x", "event_types": [bad]},
            room.chair,
        ),
    ]
    for method, url, body, who in attempts:
        raw = json.dumps(body)  # escapes \u0000 and \ud800 the way any JSON client sends them
        response = client.request(
            method, url, content=raw, headers={**who.headers, "content-type": "application/json"}
        )
        assert response.status_code == 422, (url, response.status_code, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    with app.state.database.engine.connect() as connection:
        after = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM section_version) + (SELECT count(*) FROM amendment) + (SELECT count(*) FROM report)"
            )
        ).scalar_one()
    assert after == before


def test_bidi_and_zero_width_characters_are_kept_as_data_and_isolated_in_html(
    client: TestClient,
) -> None:
    room = make_room(client)
    rid, sid = report_with_section(
        client, room, text="Before \u202eevil override\u202c after \u200b zero width."
    )
    html = client.get(f"/v1/reports/{rid}/export?format=html", headers=room.members[0].headers).text
    assert "\u202eevil override\u202c" in html  # kept as data
    assert 'dir="auto"' in html and "unicode-bidi:isolate" in html  # isolated per paragraph
    head = client.get(f"/v1/sections/{sid}", headers=room.members[0].headers).json()["head"]["text"]
    assert "\u200b" in head
