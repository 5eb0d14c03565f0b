"""A proposal's dry run (for the web client): the tracked change, instruction and suggested
kind exactly as filing would record them, and nothing written."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.amendments.helpers import TEXT, propose, report_with_section
from tests.factories import make_room, ok


def test_a_sketch_shows_what_filing_would_record_and_writes_nothing(client: TestClient) -> None:
    room = make_room(client, members=1, observers=0)
    rid, sid = report_with_section(client, room)
    member = room.members[0]
    wording = TEXT.replace("all stakeholders", "all stakeholders on an equal footing")
    events_before = ok(client.get(f"/v1/reports/{rid}/events", headers=member.headers))["items"]

    sketch = ok(
        client.post(
            f"/v1/sections/{sid}/amendments/sketch",
            json={"base_version": 1, "text": wording},
            headers=member.headers,
        )
    )

    assert sketch["changes_nothing"] is False
    assert sketch["suggested_kind"] == "substantive"
    assert sketch["instruction"] == (
        'In paragraph 3, after "to all stakeholders" insert "on an equal footing".'
    )
    inserted = [op["text"] for op in sketch["ops"] if op["op"] == "insert"]
    assert inserted == [" on an equal footing"]
    assert "<ins> on an equal footing</ins>" in sketch["html"]
    assert "".join(op["text"] for op in sketch["ops"] if op["op"] != "insert") == TEXT
    # Nothing filed, nothing recorded.
    listed = ok(client.get(f"/v1/reports/{rid}/amendments", headers=member.headers))["items"]
    assert listed == []
    events = ok(client.get(f"/v1/reports/{rid}/events", headers=member.headers))["items"]
    assert events == events_before
    # Filing the same wording records the same instruction and suggestion.
    filed = propose(client, member, sid, wording, kind="editorial")
    assert filed["instruction"] == sketch["instruction"]
    assert filed["suggested_kind"] == sketch["suggested_kind"]


def test_a_sketch_of_punctuation_suggests_editorial_and_of_no_change_says_so(
    client: TestClient,
) -> None:
    room = make_room(client, members=1, observers=0)
    _, sid = report_with_section(client, room)
    headers = room.members[0].headers
    url = f"/v1/sections/{sid}/amendments/sketch"
    comma = ok(
        client.post(
            url,
            json={"base_version": 1, "text": TEXT.replace("Geneva on", "Geneva, on")},
            headers=headers,
        )
    )
    assert comma["suggested_kind"] == "editorial"
    same = ok(client.post(url, json={"base_version": 1, "text": TEXT}, headers=headers))
    assert same["changes_nothing"] is True and same["ops"] == [{"op": "equal", "text": TEXT}]


def test_a_sketch_needs_a_reader_and_a_real_base(client: TestClient) -> None:
    room = make_room(client, members=1, observers=0)
    _, sid = report_with_section(client, room)
    url = f"/v1/sections/{sid}/amendments/sketch"
    body = {"base_version": 1, "text": "x"}
    assert client.post(url, json=body).status_code == 401
    outsider = make_room(client, members=1, observers=0).members[0]
    assert client.post(url, json=body, headers=outsider.headers).status_code in (403, 404)
    missing = client.post(url, json={**body, "base_version": 9}, headers=room.chair.headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    unknown = client.post(
        "/v1/sections/999999/amendments/sketch", json=body, headers=room.chair.headers
    )
    assert unknown.status_code == 404


def test_the_web_client_is_served_at_app(client: TestClient) -> None:
    page = client.get("/app/")
    assert page.status_code == 200 and 'src="main.js"' in page.text
    assert client.get("/app", follow_redirects=False).headers["location"] == "/app/"
    script = client.get("/app/main.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert client.get("/app/nothing.js").status_code == 404
