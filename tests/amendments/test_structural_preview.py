"""A structural amendment for people: its preview (what the screen and the web client show)
gives each section it touches as tracked changes, moved text marked as moved, and its
instruction, never its raw JSON wording."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.amendments.structural_helpers import (
    TEXTS,
    Outline,
    build_outline,
    structural,
    write_direct,
)
from tests.amendments.test_structural import bodies
from tests.factories import Room, make_room, ok


@pytest.fixture
def room(client: TestClient) -> Room:
    return make_room(client)


@pytest.fixture
def outline(client: TestClient, room: Room) -> Outline:
    return build_outline(client, room)


def _preview(client: TestClient, room: Room, amendment_id: int) -> dict[str, Any]:
    return ok(client.get(f"/v1/amendments/{amendment_id}/preview", headers=room.chair.headers))


def _ops(part: dict[str, Any]) -> list[tuple[str, str]]:
    return [(o["op"], o["text"]) for o in part["ops"]]


def test_moved_paragraphs_are_marked_as_moved_in_both_places(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    body = {
        "operation": "move_paragraphs",
        "section_id": o["I"],
        "first": 2,
        "last": 3,
        "to_section_id": o["III"],
        "at_end": True,
    }
    amendment = structural(client, room.members[0], o.rid, **body)
    preview = _preview(client, room, amendment["id"])
    assert preview["applies"] is True and preview["ops"] == []
    source, target = preview["parts"]
    assert (source["section_id"], target["section_id"]) == (o["I"], o["III"])
    run = "It heard many voices.\n\nIt agreed on a report."
    assert ("move_from", "\n\n" + run) in _ops(source)
    assert ("move_to", "\n\n" + run) in _ops(target)
    assert not any(op in ("insert", "delete") for part in (source, target) for op, _ in _ops(part))
    assert 'class="move-from"' in preview["html"] and 'class="move-to"' in preview["html"]


def test_a_change_across_sections_is_tracked_in_each_against_today(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    amendment = structural(client, room.members[0], o.rid, **bodies(o)["span"])
    write_direct(client, room, o["II.B"], TEXTS["II.B"].replace("society", "society also"))
    first, second = _preview(client, room, amendment["id"])["parts"]
    assert ("equal", "Civil society also plays a role.\n\nAcademia ") in _ops(first)
    assert ("delete", "plays a role too.") in _ops(first)
    assert ("insert", "and") in _ops(first)
    assert ("insert", "t") in _ops(second) or ("delete", "The") in _ops(second)


@pytest.mark.parametrize(
    ("kind", "roles"),
    [
        ("insert", ["inserted"]),
        ("delete", ["deleted"]),
        ("move", ["moved"]),
        ("split", ["changed", "inserted"]),
        ("merge", ["changed", "deleted"]),
        ("rename", ["renamed"]),
    ],
)
def test_every_operation_has_a_preview_for_people(
    client: TestClient, room: Room, outline: Outline, kind: str, roles: list[str]
) -> None:
    amendment = structural(client, room.members[0], outline.rid, **bodies(outline)[kind])
    preview = _preview(client, room, amendment["id"])
    assert [p["role"] for p in preview["parts"]] == roles
    assert "{" not in preview["html"]  # its wording is JSON; people read this instead
    if kind == "split":
        assert _ops(preview["parts"][1]) == [("move_to", "The private sector plays a role.")]
    if kind == "rename":
        assert preview["parts"][0]["label"] == "II.D" and preview["parts"][0]["was"].startswith(
            "II.C"
        )


def test_a_preview_that_no_longer_applies_shows_what_was_proposed(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    amendment = structural(client, room.members[0], o.rid, **bodies(o)["span"])
    write_direct(client, room, o["II.B"], TEXTS["II.B"].replace("a role too", "a big role too"))
    preview = _preview(client, room, amendment["id"])
    assert preview["applies"] is False
    assert ("delete", "plays a role too.") in _ops(preview["parts"][0])
