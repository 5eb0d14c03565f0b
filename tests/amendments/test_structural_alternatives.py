"""Alternatives and structural amendments (issue 32): a structural amendment may answer a
text amendment of the same section and the other way round; adopting one supersedes the
others of its group, even when it leaves their section's text unchanged (a move)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.amendments.helpers import propose
from tests.amendments.structural_helpers import (
    TEXTS,
    Outline,
    build_outline,
    on_floor_adopt,
    outline_of,
    structural,
    text_of,
)
from tests.amendments.test_structural import bodies
from tests.factories import Room, make_room, ok


@pytest.fixture
def room(client: TestClient) -> Room:
    return make_room(client)


@pytest.fixture
def outline(client: TestClient, room: Room) -> Outline:
    return build_outline(client, room)


def _status(client: TestClient, room: Room, amendment_id: int) -> str:
    return str(
        ok(client.get(f"/v1/amendments/{amendment_id}", headers=room.chair.headers))["status"]
    )


def test_a_split_adopted_as_the_alternative_to_a_rewording_supersedes_it(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    text = propose(client, room.members[1], o["II.A"], TEXTS["II.A"].replace("role", "part"))
    split = structural(
        client, room.members[0], o.rid, **bodies(o)["split"], alternative_to=text["id"]
    )
    assert split["alternative_to_id"] == text["id"]
    alternatives = ok(
        client.get(f"/v1/amendments/{text['id']}/alternatives", headers=room.chair.headers)
    )
    assert {entry["amendment"]["id"] for entry in alternatives["items"]} == {
        text["id"],
        split["id"],
    }
    on_floor_adopt(client, room, o.rid, split["id"])
    assert _status(client, room, text["id"]) == "superseded"
    assert text_of(client, room, o["II.A"]) == "Governments play a role."


def test_a_rewording_adopted_instead_of_a_move_supersedes_the_move(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    move = structural(client, room.members[0], o.rid, **bodies(o)["move"])
    text = propose(
        client,
        room.members[1],
        o["II.A"],
        TEXTS["II.A"].replace("role", "part"),
        alternative_to=move["id"],
    )
    on_floor_adopt(client, room, o.rid, text["id"])
    assert _status(client, room, move["id"]) == "superseded"
    before = outline_of(client, room, o.rid)
    assert before.index(("II.A", 1, "Governments")) == 2  # it did not move


def test_an_alternative_must_act_on_the_same_section(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    text = propose(client, room.members[1], o["I"], TEXTS["I"].replace("three", "four"))
    problem = structural(
        client, room.members[0], o.rid, **bodies(o)["merge"], alternative_to=text["id"], expect=422
    )
    assert "same section" in problem["detail"]
    ghost = structural(
        client, room.members[0], o.rid, **bodies(o)["merge"], alternative_to=9999, expect=404
    )
    assert ghost["status"] == 404
