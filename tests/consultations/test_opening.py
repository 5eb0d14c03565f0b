"""Opening a round: who may, on which words, for how long; and the round's own reads."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.amendments.helpers import report_with_section
from tests.consultations.helpers import clock_at, comment, in_days, open_round, public_comment
from tests.factories import make_room, ok, write_version

TEXT = "The forum should be open to all stakeholders.\n\nIt should meet once a year."


def test_only_the_chair_or_secretariat_opens_a_round_with_a_future_deadline(
    client: TestClient,
) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room, TEXT)
    body = {"title": "Draft", "closes_at": in_days(3).isoformat(), "audiences": ["public"]}
    url = f"/v1/reports/{rid}/consultations"
    assert client.post(url, json=body, headers=room.members[0].headers).status_code == 403
    past = {**body, "closes_at": in_days(-1).isoformat()}
    assert client.post(url, json=past, headers=room.chair.headers).status_code == 422
    unknown = {**body, "section_ids": [sid + 1000]}
    assert client.post(url, json=unknown, headers=room.chair.headers).status_code == 422
    assert (
        client.post(url, json={**body, "audiences": []}, headers=room.chair.headers).status_code
        == 422
    )
    page = ok(client.get(url, headers=room.chair.headers))
    assert page == {"items": [], "next": None}
    for _ in range(3):
        open_round(client, room, rid)
    first = client.get(f"{url}?limit=2", headers=room.chair.headers)
    assert first.json()["next"] is not None and 'rel="next"' in first.headers["link"]
    rest = ok(client.get(f"{url}?after={first.json()['next']}", headers=room.chair.headers))
    assert len(rest["items"]) == 1 and rest["next"] is None


def test_comments_are_on_the_posted_words_even_after_the_text_moves_on(
    client: TestClient,
) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room, TEXT)
    cid = open_round(client, room, rid, section_ids=[sid])["id"]
    write_version(client, room, sid, 1, "Entirely new words.")
    posted = ok(client.get(f"/v1/consultations/{cid}/text"))
    assert posted["sections"][0]["text"] == TEXT and posted["sections"][0]["version"] == 1
    made = comment(
        client, room.members[0], cid, "Yearly is fine.", section_id=sid, quote="once a year"
    )
    assert made["anchor"]["posted_version"] == 1 and made["anchor"]["paragraph"] == 2
    assert made["current"]["outdated"] is True  # the head rewrote that passage


def test_a_scheduled_round_takes_no_comments_yet(client: TestClient, app: FastAPI) -> None:
    room = make_room(client)
    rid, _sid = report_with_section(client, room, TEXT)
    round_ = open_round(client, room, rid, opens_at=in_days(1).isoformat())
    assert round_["state"] == "scheduled"
    early = comment(client, room.members[0], round_["id"], "Too soon.", expect=409)
    assert early["type"].endswith("consultation-not-open") and early["opens_at"]
    public_comment(client, round_["id"], expect=409)
    with clock_at(app, in_days(1) + timedelta(minutes=1)):
        comment(client, room.members[0], round_["id"], "Now.")
