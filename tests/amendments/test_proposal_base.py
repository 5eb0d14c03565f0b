"""What a proposal's base_version may name."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.amendments.helpers import propose, report_with_section
from tests.factories import make_room


def test_a_base_version_that_does_not_exist_is_not_found_and_names_the_head(
    client: TestClient,
) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    response = client.post(
        f"/v1/sections/{sid}/amendments",
        json={"base_version": 7, "text": "Other words.", "kind": "substantive"},
        headers=room.members[0].headers,
    )
    assert response.status_code == 404, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["type"].endswith("not-found")
    assert problem["head_version"] == 1
    assert "no version 7" in problem["detail"]
    # the head itself is a base like any other
    assert propose(client, room.members[0], sid, "Other words.", base=1)["base_version"] == 1
    listed = client.get(f"/v1/reports/{rid}/amendments", headers=room.chair.headers)
    assert [a["base_version"] for a in listed.json()["items"]] == [1]  # nothing half-written
