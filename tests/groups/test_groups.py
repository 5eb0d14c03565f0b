from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.factories import ADMIN, Person, add_person, bearer, make_group, make_room, ok, redeem


def test_admin_creates_and_lists_groups(client: TestClient) -> None:
    first = make_group(client, "WGIG")
    second = make_group(client, "MAG")
    groups = ok(client.get("/v1/groups", headers=ADMIN))["items"]
    assert [g["id"] for g in groups] == [first, second]
    duplicate = client.post("/v1/groups", json={"name": "WGIG"}, headers=ADMIN)
    assert duplicate.status_code == 409
    assert duplicate.headers["content-type"] == "application/problem+json"


def test_participant_lists_only_its_own_group(client: TestClient) -> None:
    room = make_room(client, members=1, observers=0)
    make_group(client, "Another group")
    groups = ok(client.get("/v1/groups", headers=room.members[0].headers))["items"]
    assert [g["id"] for g in groups] == [room.group_id]


def test_token_is_shown_once_and_stored_only_as_hash(client: TestClient, app: FastAPI) -> None:
    group_id = make_group(client)
    created = ok(
        client.post(
            f"/v1/groups/{group_id}/participants",
            json={"name": "Chair", "role": "chair", "stakeholder": "government"},
            headers=ADMIN,
        ),
        201,
    )
    code = created["invitation"]["code"]
    secret = redeem(client, created["invitation"])
    assert secret.startswith("plen_") and len(secret) >= 5 + 43
    listed = ok(client.get(f"/v1/participants/{created['id']}/tokens", headers=bearer(secret)))[
        "items"
    ]
    assert listed and all("token" not in t for t in listed)
    with app.state.database.engine.connect() as connection:
        stored = connection.execute(text("SELECT token_hash FROM token")).scalars().all()
        dump = "\n".join(
            str(row)
            for table in ("token", "invitation")
            for row in connection.execute(text(f"SELECT * FROM {table}")).all()
        )
    assert secret not in dump and code not in dump
    assert hashlib.sha256(secret.encode()).hexdigest() in stored
    # the stored hash is not itself a credential
    assert client.get("/v1/me", headers=bearer(stored[0])).status_code == 401


def test_revoked_token_is_refused(client: TestClient) -> None:
    room = make_room(client, members=1, observers=0)
    member = room.members[0]
    me = ok(client.get("/v1/me", headers=member.headers))
    assert me["participant"]["id"] == member.id
    ok(client.delete(f"/v1/tokens/{me['token_id']}", headers=member.headers))
    refused = client.get("/v1/me", headers=member.headers)
    assert refused.status_code == 401
    assert refused.json()["type"] == "urn:plenary:problem:unauthorized"
    assert refused.headers["www-authenticate"].startswith("Bearer")


def test_missing_and_unknown_tokens_get_401(client: TestClient) -> None:
    for headers in ({}, bearer("plen_nope"), {"Authorization": "Basic abc"}):
        response = client.get("/v1/groups", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["content-type"] == "application/problem+json"


def test_role_boundaries(client: TestClient) -> None:
    room = make_room(client, members=1, observers=1)
    member, observer = room.members[0], room.observers[0]
    body = {"name": "New member", "role": "member"}
    # only chair, secretariat (and the admin) manage participants
    for person in (member, observer):
        response = client.post(
            f"/v1/groups/{room.group_id}/participants", json=body, headers=person.headers
        )
        assert response.status_code == 403
        assert response.json()["type"] == "urn:plenary:problem:forbidden"
    for person in (room.chair, room.secretariat):
        ok(
            client.post(
                f"/v1/groups/{room.group_id}/participants", json=body, headers=person.headers
            ),
            201,
        )
    # only the admin creates groups
    assert (
        client.post("/v1/groups", json={"name": "x"}, headers=room.chair.headers).status_code == 403
    )
    # observers do not read the attributed roster
    assert (
        client.get(f"/v1/groups/{room.group_id}/participants", headers=observer.headers).status_code
        == 403
    )
    roster = ok(client.get(f"/v1/groups/{room.group_id}/participants", headers=member.headers))[
        "items"
    ]
    assert len(roster) == 6
    # a member cannot promote itself
    promote = client.patch(
        f"/v1/participants/{member.id}", json={"role": "chair"}, headers=member.headers
    )
    assert promote.status_code == 403
    changed = ok(
        client.patch(
            f"/v1/participants/{member.id}", json={"active": False}, headers=room.chair.headers
        )
    )
    assert changed["active"] is False


def test_groups_are_invisible_to_each_other(client: TestClient) -> None:
    ours = make_room(client, members=1, observers=0)
    theirs = make_room(client, members=1, observers=0)
    chair = ours.chair.headers
    for method, url in (
        ("GET", f"/v1/groups/{theirs.group_id}"),
        ("GET", f"/v1/groups/{theirs.group_id}/participants"),
        ("POST", f"/v1/groups/{theirs.group_id}/participants"),
        ("GET", f"/v1/participants/{theirs.members[0].id}"),
        ("PATCH", f"/v1/participants/{theirs.members[0].id}"),
        ("POST", f"/v1/participants/{theirs.members[0].id}/tokens"),
    ):
        body = {"name": "x", "role": "member"} if url.endswith("participants") else {}
        response = client.request(
            method, url, headers=chair, json=body if method != "GET" else None
        )
        assert response.status_code == 404, (method, url, response.text)
    their_token = ok(client.get("/v1/me", headers=theirs.members[0].headers))["token_id"]
    assert client.delete(f"/v1/tokens/{their_token}", headers=chair).status_code == 404
    assert client.get("/v1/me", headers=theirs.members[0].headers).status_code == 200


def test_server_owned_fields_are_refused(client: TestClient) -> None:
    group_id = make_group(client)
    response = client.post(
        f"/v1/groups/{group_id}/participants",
        json={"name": "x", "role": "member", "id": 7, "active": False},
        headers=ADMIN,
    )
    assert response.status_code == 422
    assert response.json()["type"] == "urn:plenary:problem:validation-error"


def test_admin_token_from_cli_works(client: TestClient, app: FastAPI) -> None:
    from app.groups.service import issue_token

    with app.state.database.session() as session:
        _token, secret = issue_token(session, participant=None, label="cli")
    assert ok(client.get("/v1/me", headers=bearer(secret)))["is_admin"] is True
    group_id = ok(client.post("/v1/groups", json={"name": "via cli"}, headers=bearer(secret)), 201)[
        "id"
    ]
    add_person(client, group_id, "chair", by=bearer(secret))


def test_the_only_chair_cannot_step_down_or_be_deactivated(client: TestClient) -> None:
    room = make_room(client)
    me = f"/v1/participants/{room.chair.id}"
    for change in ({"active": False}, {"role": "member"}):
        refused = client.patch(me, json=change, headers=room.chair.headers)
        assert refused.status_code == 409, refused.text
        assert refused.json()["type"] == "urn:plenary:problem:last-chair"
    still = client.get(me, headers=room.chair.headers).json()
    assert still["active"] and still["role"] == "chair"
    deputy = add_person(client, room.group_id, "chair")
    assert client.patch(me, json={"role": "member"}, headers=deputy.headers).status_code == 200
    alone = client.patch(f"/v1/participants/{deputy.id}", json={"active": False}, headers=ADMIN)
    assert alone.status_code == 409


def test_two_chairs_deactivating_each_other_at_once_leave_one_chair(client: TestClient) -> None:
    room = make_room(client)
    second = add_person(client, room.group_id, "chair")
    pairs = [(room.chair, second), (second, room.chair)]

    def deactivate(pair: tuple[Person, Person]) -> int:
        actor, target = pair
        return client.patch(
            f"/v1/participants/{target.id}", json={"active": False}, headers=actor.headers
        ).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = sorted(pool.map(deactivate, pairs))
    # The loser is refused either as the last chair or because its own token died with it.
    assert codes[0] == 200 and codes[1] in (401, 409), codes
    listed = client.get(
        f"/v1/groups/{room.group_id}/participants", headers=room.secretariat.headers
    ).json()["items"]
    assert sum(1 for p in listed if p["role"] == "chair" and p["active"]) == 1
