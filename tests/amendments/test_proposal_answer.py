"""A proposal's answer and its rows (issue 35): the answer is encoded in the endpoint's own
thread and the amendment and its event are written by one Core insert each
(`db_writes.insert_now`), not by a flush; what a caller sees must be what every later read says."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.amendments.helpers import TEXT, report_with_section
from tests.factories import make_room, ok


def test_the_answer_is_the_amendment_as_read_afterwards(client: TestClient) -> None:
    room = make_room(client, members=1)
    rid, sid = report_with_section(client, room)
    member = room.members[0].headers
    body = {"base_version": 1, "text": TEXT.replace("Geneva", "Tunis"), "kind": "editorial"}
    answer = client.post(f"/v1/sections/{sid}/amendments", json=body, headers=member)
    assert answer.status_code == 201, answer.text
    assert answer.headers["content-type"] == "application/json"
    proposed = answer.json()
    assert answer.headers["location"] == f"/v1/amendments/{proposed['id']}"
    read = client.get(answer.headers["location"], headers=member)
    # every column the insert filled in (defaults included) is what the database holds
    assert ok(read) == proposed
    assert read.headers["etag"] == answer.headers["etag"]
    assert proposed["status"] == "proposed" and proposed["kind"] == "editorial"
    assert proposed["instruction"] == 'In paragraph 2, replace "Geneva" with "Tunis".'
    # the ETag answers If-Match: the row's version counter starts where a flush starts it
    withdrawn = client.post(
        f"/v1/amendments/{proposed['id']}/withdraw",
        json={"reason": "changed my mind"},
        headers={**member, "If-Match": answer.headers["etag"]},
    )
    assert ok(withdrawn)["status"] == "withdrawn"
    events = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    proposed_events = [e for e in events["items"] if e["type"] == "amendment.proposed"]
    assert [e["payload"]["amendment_id"] for e in proposed_events] == [proposed["id"]]
    chain = ok(client.get(f"/v1/reports/{rid}/events/verify", headers=room.chair.headers))
    assert chain["ok"] is True


def test_a_replay_gives_the_same_bytes_and_headers(client: TestClient) -> None:
    room = make_room(client, members=1)
    _rid, sid = report_with_section(client, room)
    headers = {**room.members[0].headers, "Idempotency-Key": "answer-bytes"}
    body = {"base_version": 1, "text": TEXT + " Once more.", "kind": "substantive"}
    first = client.post(f"/v1/sections/{sid}/amendments", json=body, headers=headers)
    again = client.post(f"/v1/sections/{sid}/amendments", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    for name in ("location", "etag"):
        assert again.headers[name] == first.headers[name]


def test_a_refused_proposal_writes_nothing(client: TestClient) -> None:
    """The amendment's row is written before its event and before the checks that follow
    it (the wording must carry onto the head): a refusal after the insert leaves no row."""
    room = make_room(client, members=1)
    rid, sid = report_with_section(client, room)
    member = room.members[0].headers
    head = TEXT.replace("Geneva", "Rome")
    ok(
        client.post(
            f"/v1/sections/{sid}/versions",
            json={"base_version": 1, "text": head},
            headers=room.secretariat.headers,
        ),
        201,
    )
    clash = {"base_version": 1, "text": TEXT.replace("Geneva", "Tunis"), "kind": "substantive"}
    refused = client.post(f"/v1/sections/{sid}/amendments", json=clash, headers=member)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    listed = ok(client.get(f"/v1/reports/{rid}/amendments", headers=room.chair.headers))
    assert listed["items"] == []
    events = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.chair.headers))
    assert "amendment.proposed" not in [e["type"] for e in events["items"]]
