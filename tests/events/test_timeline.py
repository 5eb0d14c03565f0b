"""The group's timeline (issue 33): what each reader sees of it, and its Markdown."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import ADMIN, make_room, ok


def test_the_timeline_shows_each_reader_what_it_may_read(client: TestClient) -> None:
    room = make_room(client, members=2)
    chair, sec = room.chair.headers, room.secretariat.headers
    made = client.post(
        f"/v1/groups/{room.group_id}/reports/import",
        json={"markdown": "# I. Mandate\n\nThe group met.\n", "title": "Private draft"},
        headers=sec,
    )
    private = ok(made, 201)["id"]
    posted = ok(
        client.post(
            f"/v1/groups/{room.group_id}/reports/import",
            json={"markdown": "# I. Papers\n\nPosted.\n", "title": "Posted papers"},
            headers=sec,
        ),
        201,
    )["id"]
    ok(client.post(f"/v1/reports/{private}/meetings", json={"title": "First"}, headers=chair), 201)
    ok(client.post(f"/v1/reports/{posted}/milestones", json={"name": "Posted"}, headers=sec), 201)
    etag = client.get(f"/v1/reports/{posted}", headers=chair).headers["etag"]
    ok(
        client.post(
            f"/v1/reports/{posted}/visibility",
            json={"public": True},
            headers={**chair, "If-Match": etag},
        )
    )
    path = f"/v1/groups/{room.group_id}/timeline"
    member = ok(client.get(path, headers=room.members[0].headers))["entries"]
    titles = [e["title"] for e in member]
    assert "First opens" in titles and "Milestone: Posted" in titles
    assert [e["at"] for e in member] == sorted(e["at"] for e in member)
    public = ok(client.get(path))["entries"]
    assert {e["report_id"] for e in public} == {posted}  # the private draft is not there
    assert "Posted papers published" in [e["title"] for e in public]
    document = client.get(path, params={"format": "markdown", "tz": "Europe/Zurich"})
    assert document.headers["content-type"].startswith("text/markdown")
    assert "- " in document.text and "[milestone](" in document.text
    assert client.get(path, params={"tz": "Mars/Olympus"}).status_code == 422
    assert client.get("/v1/groups/999999/timeline", headers=ADMIN).status_code == 404
