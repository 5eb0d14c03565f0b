"""One pagination style on every list, and a Location on every 201."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.consultations.models import Comment
from tests.amendments.helpers import TEXT, act, open_meeting, propose, report_with_section
from tests.consultations.helpers import comment, open_round
from tests.factories import ADMIN, Room, make_group, make_room, matched, ok, write_version
from tests.questionnaires.helpers import answers_for, create, in_days, process_functions, reply

LINK = re.compile(r'<([^>]+)>; rel="next"')
# Lists that arrived with other work (consultations, threads) and page by their own code,
# walked by their own tests: named here so that a new list elsewhere still fails this test.
OTHER_OWNERS_PAGED = {
    "/v1/reports/{x}/consultations",
    "/v1/consultations/{x}/comments",
    "/v1/amendments/{x}/comments",  # test_the_comments_an_amendment_came_from_come_in_pages
    "/v1/reports/{x}/threads",  # tests/deliberation/test_threads.py
}
NOT_YET_PAGED: set[str] = set()


def created(client: TestClient, response: httpx.Response, *, readable: bool = True) -> Any:
    """A 201 with a Location that names what was made (read back where it can be read)."""
    body = ok(response, 201)
    location = response.headers["location"]
    assert location.startswith("/v1/"), location
    if readable:
        assert client.get(location, headers=ADMIN).status_code == 200, location
    return body


def walk(client: TestClient, path: str, headers: dict[str, str], limit: int) -> list[Any]:
    """Every item of a list, following the Link header page by page."""
    url = f"{path}{'&' if '?' in path else '?'}limit={limit}"
    items: list[Any] = []
    for _ in range(100):
        response = client.get(url, headers=headers)
        page = ok(response)
        assert set(page) >= {"items", "next"}, page
        assert len(page["items"]) <= limit
        items += page["items"]
        if page["next"] is None:
            assert "link" not in response.headers
            return items
        assert len(page["items"]) == limit  # a short page is the last one
        match = LINK.fullmatch(response.headers["link"])
        assert match is not None, response.headers["link"]
        url = match[1]
        assert f"after={page['next']}" in url and f"limit={limit}" in url
        assert url.startswith(path.split("?")[0] + "?")
    raise AssertionError("the pages never ended")


def furnish(client: TestClient) -> tuple[Room, dict[str, dict[str, str]]]:
    """A group with at least three of everything that is listed; each 201 checked for
    Location. Returns the room and the list paths with who may read them."""
    for n in range(3):
        make_group(client, f"Listed group {n}")
    room = make_room(client, members=3, observers=1)
    chair, secretariat, member = room.chair.headers, room.secretariat.headers, room.members[0]
    for label in ("laptop", "phone"):
        created(
            client,
            client.post(
                f"/v1/participants/{member.id}/tokens",
                json={"label": label},
                headers=member.headers,
            ),
            readable=False,  # a token can be revoked at its Location, not read
        )
    created(
        client,
        client.post(
            f"/v1/groups/{room.group_id}/participants",
            json={"name": "Late member", "role": "member", "stakeholder": "other"},
            headers=ADMIN,
        ),
    )
    late = created(
        client,
        client.post(
            f"/v1/groups/{room.group_id}/participants",
            json={"name": "Later member", "role": "member", "stakeholder": "other"},
            headers=ADMIN,
        ),
    )
    for _ in range(3):  # a new invitation voids the earlier ones; all three are listed
        ok(client.post(f"/v1/participants/{late['id']}/invitations", json={}, headers=chair), 201)
    hook = created(
        client,
        client.post(
            f"/v1/groups/{room.group_id}/webhooks",
            json={"url": "http://127.0.0.1:9/hook"},
            headers=chair,
        ),
        readable=False,  # deactivated at its Location (DELETE)
    )
    for n in range(2):
        client.post(
            f"/v1/groups/{room.group_id}/webhooks",
            json={"url": f"http://127.0.0.1:9/hook{n}"},
            headers=chair,
        )
    rid, sid = report_with_section(client, room)
    created(
        client,
        client.post(
            f"/v1/groups/{room.group_id}/reports", json={"title": "Two"}, headers=secretariat
        ),
    )
    created(
        client,
        client.post(
            f"/v1/groups/{room.group_id}/reports/import",
            json={"markdown": "# Three\n\nText."},
            headers=secretariat,
        ),
    )
    created(
        client,
        client.post(
            f"/v1/reports/{rid}/sections",
            json={"kind": "chapter", "label": "II", "heading": "More", "text": "More text."},
            headers=secretariat,
        ),
    )
    for base in (1, 2):
        write_version(client, room, sid, base, f"{TEXT} (v{base + 1})")
    version = client.post(
        f"/v1/sections/{sid}/versions",
        json={"base_version": 3, "text": TEXT + " (v4)"},
        headers=secretariat,
    )
    created(client, version)
    for name in ("First reading", "Second reading", "Third reading"):
        created(
            client,
            client.post(f"/v1/reports/{rid}/milestones", json={"name": name}, headers=secretariat),
        )
    first = propose(client, member, sid, TEXT + " One.", base=4)
    assert client.get(f"/v1/amendments/{first['id']}", headers=ADMIN).status_code == 200
    alternatives = [
        propose(client, member, sid, TEXT + f" Alt {n}.", base=4, alternative_to=first["id"])
        for n in range(2)
    ]
    revised = client.post(
        f"/v1/amendments/{first['id']}/revise",
        json={"text": TEXT + " One, revised."},
        headers=matched(client, f"/v1/amendments/{first['id']}", member.headers),
    )
    first = created(client, revised)
    for _ in range(2):  # three meetings: two closed, one open
        meeting = created(client, client.post(f"/v1/reports/{rid}/meetings", headers=chair))
        ok(client.post(f"/v1/meetings/{meeting['id']}/close", headers=chair))
    open_meeting(client, room, rid)
    act(client, room.chair, first["id"], "floor")
    for n in range(3):
        revision = client.post(
            f"/v1/amendments/{first['id']}/revisions",
            json={"text": TEXT + f" One, live {n}."},
            headers=matched(client, f"/v1/amendments/{first['id']}", secretariat),
        )
        created(client, revision)
    for n, drafter in enumerate(room.members):
        body = {
            "name": f"Drafting group {n}",
            "member_ids": [drafter.id],
            "co_lead_ids": [drafter.id],
        }
        created(
            client,
            client.post(f"/v1/groups/{room.group_id}/drafting-groups", json=body, headers=chair),
        )
    questionnaires = [create(client, room, process_functions(in_days(n + 1))) for n in range(3)]
    questionnaire = questionnaires[0]
    for n, who in enumerate(room.members):
        answers = answers_for(questionnaire["questions"], n)
        created(client, reply(client, who, questionnaire["id"], answers))
    paths = {
        f"/v1/groups/{room.group_id}/questionnaires": chair,
        f"/v1/questionnaires/{questionnaire['id']}/replies": chair,
        f"/v1/groups/{room.group_id}/drafting-groups": chair,
        "/v1/groups": ADMIN,
        f"/v1/groups/{room.group_id}/participants": chair,
        f"/v1/groups/{room.group_id}/signing-keys": chair,
        f"/v1/participants/{member.id}/tokens": member.headers,
        "/v1/me/tokens": member.headers,
        f"/v1/groups/{room.group_id}/invitations": chair,
        f"/v1/groups/{room.group_id}/reports": chair,
        f"/v1/groups/{room.group_id}/webhooks": chair,
        f"/v1/webhooks/{hook['id']}/deliveries": chair,
        f"/v1/reports/{rid}/amendments": chair,
        f"/v1/reports/{rid}/amendments?kind=substantive": chair,
        f"/v1/amendments/{alternatives[0]['id']}/alternatives": chair,
        f"/v1/amendments/{first['id']}/revisions": room.observers[0].headers,
        f"/v1/reports/{rid}/events": chair,
        f"/v1/sections/{sid}/versions": chair,
        f"/v1/reports/{rid}/milestones": chair,
        f"/v1/reports/{rid}/meetings": chair,
    }
    return room, paths


def item_key(item: dict[str, Any]) -> Any:
    return item.get("id") or item.get("number") or item["amendment"]["id"]


def test_every_list_walks_in_pages_with_next_and_link(client: TestClient, app: FastAPI) -> None:
    _room, paths = furnish(client)
    listed = {
        path
        for path, item in app.openapi()["paths"].items()
        if "get" in item
        and item["get"]["responses"]["200"]
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
        .get("$ref", "")
        .endswith("Page")
    }
    walked = {
        re.sub(r"/\d+", "/{x}", p.split("?")[0]) for p in paths
    }  # every list endpoint of the API is walked here
    listed_paths = {re.sub(r"\{[a-z_]+\}", "{x}", p) for p in listed}
    assert listed_paths - OTHER_OWNERS_PAGED == walked
    for path, headers in paths.items():
        whole = ok(client.get(f"{path}{'&' if '?' in path else '?'}limit=500", headers=headers))
        assert whole["next"] is None and len(whole["items"]) >= 3, (path, len(whole["items"]))
        for limit in (1, 2):
            items = walk(client, path, headers, limit)
            assert [item_key(i) for i in items] == [item_key(i) for i in whole["items"]], path


def test_no_list_answers_a_bare_array(app: FastAPI) -> None:
    for path, item in app.openapi()["paths"].items():
        get = item.get("get")
        if get is None:
            continue
        content = get["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        assert schema.get("type") != "array" or path in NOT_YET_PAGED, path


def test_the_comments_an_amendment_came_from_come_in_pages(
    client: TestClient, app: FastAPI
) -> None:
    room = make_room(client, members=3)
    rid, sid = report_with_section(client, room)
    cid = open_round(client, room, rid)["id"]
    made = [
        comment(client, who, cid, f"Comment {n}.", section_id=sid)["id"]
        for n, who in enumerate(room.members)
    ]
    amendment = ok(
        client.post(
            f"/v1/comments/{made[0]}/amendment",
            json={"text": TEXT + " Amended."},
            headers=room.secretariat.headers,
        ),
        201,
    )
    # Through the API a comment becomes an amendment of its own; two more share this one here,
    # so that the list is longer than a page.
    with app.state.database.session() as session:
        session.execute(
            update(Comment).where(Comment.id.in_(made[1:])).values(amendment_id=amendment["id"])
        )
    path = f"/v1/amendments/{amendment['id']}/comments"
    whole = ok(client.get(f"{path}?limit=500", headers=room.chair.headers))
    assert [c["id"] for c in whole["items"]] == made and whole["next"] is None
    for limit in (1, 2):
        assert [c["id"] for c in walk(client, path, room.chair.headers, limit)] == made


def test_limit_is_bounded(client: TestClient) -> None:
    room = make_room(client)
    for limit in (0, 501, -1):
        response = client.get(
            f"/v1/groups/{room.group_id}/participants?limit={limit}", headers=room.chair.headers
        )
        assert response.status_code == 422, limit
    assert client.get("/v1/groups?limit=abc", headers=ADMIN).status_code == 422


def test_a_replayed_201_says_where_and_which_version_as_the_first_did(client: TestClient) -> None:
    room = make_room(client)
    headers = {**room.secretariat.headers, "Idempotency-Key": "replay-location"}
    path = f"/v1/groups/{room.group_id}/reports"
    first = client.post(path, json={"title": "Once"}, headers=headers)
    again = client.post(path, json={"title": "Once"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert (
        again.headers["location"]
        == first.headers["location"]
        == f"/v1/reports/{first.json()['id']}"
    )
    assert again.headers["etag"] == first.headers["etag"]
