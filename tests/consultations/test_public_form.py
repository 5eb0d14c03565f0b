"""The public form is safe by design: hostile input gets a clear 4xx and nothing is stored;
members' and observers' comments follow the Chatham House rule in every public view."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.amendments.helpers import report_with_section
from tests.consultations.helpers import (
    all_comments,
    comment,
    open_round,
    public_comment,
    public_limit,
)
from tests.factories import add_person, make_room, ok

TEXT = "The forum should be open to all stakeholders.\n\nIt should meet once a year."


@pytest.fixture
def round_(client: TestClient, app: FastAPI) -> tuple[object, int, int, int]:
    room = make_room(client)
    rid, sid = report_with_section(client, room, TEXT)
    cid = open_round(client, room, rid, audiences=("members", "observers", "public"))["id"]
    return room, rid, sid, cid


@pytest.mark.parametrize(
    ("fields", "status", "problem"),
    [
        ({"body": "<script>alert(1)</script>"}, 422, "unprocessable"),
        ({"name": "<img src=x onerror=alert(1)>"}, 422, "unprocessable"),
        ({"organisation": "<!-- hidden -->"}, 422, "unprocessable"),
        ({"body": "see javascript:alert(1)"}, 422, "unprocessable"),
        ({"suggestion": "</textarea><svg onload=alert(1)>"}, 422, "unprocessable"),
        ({"body": "hidden\u202edirection"}, 422, "unprocessable"),
        ({"website": "http://spam.example"}, 422, "suspected-spam"),
        ({"body": "x" * 5_001}, 422, "validation-error"),
        ({"body": ""}, 422, "validation-error"),
        ({"name": ""}, 422, "validation-error"),
        ({"category": "robot"}, 422, "validation-error"),
        ({"participant_id": 1}, 422, "validation-error"),
        ({"body": "y" * 20_000}, 413, "payload-too-large"),
    ],
)
def test_hostile_input_is_refused_and_nothing_stored(
    client: TestClient,
    app: FastAPI,
    round_: tuple[object, int, int, int],
    fields: dict[str, object],
    status: int,
    problem: str,
) -> None:
    room, _rid, _sid, cid = round_
    answer = public_comment(client, cid, expect=status, **fields)
    assert answer["type"].endswith(problem)
    assert all_comments(client, cid, room.secretariat.headers) == []  # type: ignore[attr-defined]


def test_a_flood_from_one_address_is_cut_off(
    client: TestClient, app: FastAPI, round_: tuple[object, int, int, int]
) -> None:
    room, _rid, _sid, cid = round_
    with public_limit(app, per_second=0.001, burst=3):
        for n in range(3):
            public_comment(client, cid, body=f"Comment {n}.")
        refused = client.post(
            f"/v1/consultations/{cid}/public-comments",
            json={"name": "Bot", "category": "individual", "body": "Again."},
        )
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["type"].endswith("rate-limited")
    stored = all_comments(client, cid, room.secretariat.headers)  # type: ignore[attr-defined]
    assert [c["body"] for c in stored] == ["Comment 0.", "Comment 1.", "Comment 2."]


def test_plain_text_is_kept_and_escaped_in_every_export(
    client: TestClient, app: FastAPI, round_: tuple[object, int, int, int]
) -> None:
    _room, _rid, _sid, cid = round_
    with public_limit(app, per_second=0, burst=1):
        public_comment(
            client,
            cid,
            body="If a < b & c > d, then *bold* [link](x) =SUM(A1)",
            organisation="=HYPERLINK(evil)",
            publish_name=True,
            name="Ann & Bob",
        )
    html = client.get(f"/v1/consultations/{cid}/export?format=html")
    assert "a &lt; b &amp; c &gt; d" in html.text and "a < b" not in html.text
    assert "Ann &amp; Bob" in html.text
    assert "default-src 'none'" in html.headers["content-security-policy"]
    markdown = client.get(f"/v1/consultations/{cid}/export?format=markdown").text
    assert r"a \< b \& c \> d" in markdown and r"\*bold\*" in markdown
    csv_text = client.get(f"/v1/consultations/{cid}/export?format=csv").text
    assert '"\'=HYPERLINK(evil)"' in csv_text and "\"'=SUM" not in csv_text


def test_the_public_form_is_closed_to_rounds_without_the_public(client: TestClient) -> None:
    room = make_room(client)
    rid, _sid = report_with_section(client, room, TEXT)
    members_only = open_round(client, room, rid, audiences=("members",))["id"]
    assert public_comment(client, members_only, expect=404)["type"].endswith("not-found")
    assert client.get(f"/v1/consultations/{members_only}").status_code == 401
    # and observers may not comment where only members are asked
    comment(client, room.observers[0], members_only, "x", expect=403)
    # invited stakeholders comment with the code the secretariat gave them
    invited = open_round(client, room, rid, audiences=("members", "invited"))["id"]
    public_comment(client, invited, expect=403)
    # a round that takes no invited stakeholders cannot invite one: its state, not the body
    refused = client.post(
        f"/v1/consultations/{members_only}/invites",
        json={"organisation": "ISOC", "category": "technical_academic"},
        headers=room.secretariat.headers,
    )
    assert refused.status_code == 409 and refused.json()["type"].endswith("invalid-state")
    invite = ok(
        client.post(
            f"/v1/consultations/{invited}/invites",
            json={"organisation": "ISOC", "category": "technical_academic"},
            headers=room.secretariat.headers,
        ),
        201,
    )
    public_comment(client, invited, expect=403, invite_code="cons_wrong")
    made = public_comment(client, invited, invite_code=invite["code"], category="individual")
    assert made["category"] == "technical_academic" and made["organisation"] == "ISOC"


CANARY = "Canary Ambassador Qx7"


def test_chatham_house_canaries_never_reach_public_views(client: TestClient, app: FastAPI) -> None:
    room = make_room(client)
    canary_member = add_person(client, room.group_id, "member", name=CANARY)
    canary_observer = add_person(client, room.group_id, "observer", name=CANARY + " Obs")
    rid, sid = report_with_section(client, room, TEXT)
    ok(
        client.post(
            f"/v1/reports/{rid}/visibility",
            json={"public": True},
            headers={
                **room.chair.headers,
                "If-Match": client.get(f"/v1/reports/{rid}", headers=room.chair.headers).headers[
                    "etag"
                ],
            },
        )
    )
    cid = open_round(client, room, rid)["id"]
    said = comment(client, canary_member, cid, "Open to all.", section_id=sid, quote="all")
    comment(client, canary_observer, cid, "Once a year is too rare.", section_id=sid, paragraph=2)
    ok(
        client.post(
            f"/v1/comments/{said['id']}/replies",
            json={"body": "Agreed."},
            headers=canary_member.headers,
        ),
        201,
    )
    # members see who said it: the canary is real
    attributed = all_comments(client, cid, room.chair.headers)
    assert attributed[0]["participant_name"] == CANARY
    assert attributed[0]["participant_id"] == canary_member.id

    views = {
        "list (anonymous)": json.dumps(all_comments(client, cid)),
        "list (observer)": json.dumps(all_comments(client, cid, room.observers[0].headers)),
        "one comment": client.get(f"/v1/comments/{said['id']}").text,
        "compilation": client.get(f"/v1/consultations/{cid}/compilation").text,
        "paragraphs": client.get(f"/v1/consultations/{cid}/paragraphs").text,
        "events": client.get(f"/v1/reports/{rid}/events?limit=1000").text,
        **{
            f"export {fmt}": client.get(f"/v1/consultations/{cid}/export?format={fmt}").text
            for fmt in ("markdown", "html", "csv")
        },
    }
    for where, body in views.items():
        assert "Canary" not in body, where
        assert "participant_id" not in body and "participant_name" not in body, where
        assert "Open to all." in body or where in ("compilation", "paragraphs", "events"), where
    public = all_comments(client, cid)
    assert {c["commenter"] for c in public} == {"a participant"}
    assert {c["category"] for c in public} == {None}
