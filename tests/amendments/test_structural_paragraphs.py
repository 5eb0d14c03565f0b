"""Moving a run of paragraphs (issue 32): to another section or elsewhere in its own, as a
structural amendment with the guarantees of any amendment: recorded against its base,
carried by recorded edits, a conflict with both sides when the run or the place it goes was
edited since, read out as an instruction, applied in one transaction."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.amendments.helpers import act, adopt_report
from tests.amendments.structural_helpers import (
    TEXTS,
    Outline,
    build_outline,
    on_floor_adopt,
    outline_of,
    structural,
    text_of,
    write_direct,
)
from tests.factories import Room, make_room, ok

# Paragraphs: I 1-3, II 4, II.A 5-6, II.B 7-8, II.C 9, III 10, III.A 11-12, annex 1 13.


@pytest.fixture
def room(client: TestClient) -> Room:
    return make_room(client)


@pytest.fixture
def outline(client: TestClient, room: Room) -> Outline:
    return build_outline(client, room)


def to_end_of_three(o: Outline) -> dict[str, Any]:
    """Paragraphs 2 and 3 of chapter I to the end of chapter III's own text."""
    return {
        "operation": "move_paragraphs",
        "section_id": o["I"],
        "first": 2,
        "last": 3,
        "to_section_id": o["III"],
        "at_end": True,
    }


MOVED_I = "The group met three times."
MOVED_III = (
    "This chapter sets out the proposals.\n\nIt heard many voices.\n\nIt agreed on a report."
)


def test_a_run_moves_to_the_end_of_another_section(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    amendment = structural(client, room.members[0], o.rid, **to_end_of_three(o))
    assert amendment["instruction"] == "Move paragraphs 2 and 3 to the end of chapter III."
    assert amendment["structure"]["operation"] == "move_paragraphs"
    assert [t["section_id"] for t in amendment["structure"]["touched"]] == [o["I"], o["III"]]
    assert text_of(client, room, o["I"]) == TEXTS["I"]  # nothing moves until adopted
    before = outline_of(client, room, o.rid)
    assert on_floor_adopt(client, room, o.rid, amendment["id"])["status"] == "adopted"
    assert text_of(client, room, o["I"]) == MOVED_I
    assert text_of(client, room, o["III"]) == MOVED_III
    assert outline_of(client, room, o.rid) == before  # the outline's shape is unchanged
    adopted = ok(client.get(f"/v1/amendments/{amendment['id']}", headers=room.chair.headers))
    versions = adopted["structure"]["result"]["versions"]
    assert versions == [[o["I"], 2], [o["III"], 2]]  # one new version in each, once


def test_a_run_moves_within_its_section_in_one_version(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    body = {
        "operation": "move_paragraphs",
        "section_id": o["I"],
        "first": 1,
        "to_section_id": o["I"],
        "after_paragraph": 3,
    }
    amendment = structural(client, room.members[0], o.rid, **body)
    assert amendment["instruction"] == "Move paragraph 1 to follow paragraph 3."
    on_floor_adopt(client, room, o.rid, amendment["id"])
    assert text_of(client, room, o["I"]) == (
        "It heard many voices.\n\nIt agreed on a report.\n\nThe group met three times."
    )
    adopted = ok(client.get(f"/v1/amendments/{amendment['id']}", headers=room.chair.headers))
    assert adopted["structure"]["result"]["versions"] == [[o["I"], 2]]


def test_a_run_moves_to_the_beginning_of_a_section(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    body = {
        "operation": "move_paragraphs",
        "section_id": o["III.A"],
        "first": 12,
        "to_section_id": o["II.A"],
    }
    amendment = structural(client, room.members[0], o.rid, **body)
    assert amendment["instruction"] == "Move paragraph 12 to the beginning of section II.A."
    on_floor_adopt(client, room, o.rid, amendment["id"])
    assert text_of(client, room, o["II.A"]) == "It should meet once a year.\n\n" + TEXTS["II.A"]
    assert text_of(client, room, o["III.A"]) == "A forum should be created."


def test_carried_over_edits_made_since_elsewhere(
    client: TestClient, room: Room, outline: Outline
) -> None:
    """Edits since the base before the run, and in the target before the point, shift the
    recorded edits; the result is the move applied to today's texts."""
    o = outline
    amendment = structural(client, room.members[0], o.rid, **to_end_of_three(o))
    write_direct(client, room, o["I"], TEXTS["I"].replace("three", "thirty-three"))
    write_direct(client, room, o["III"], TEXTS["III"].replace("This chapter", "Chapter III"))
    on_floor_adopt(client, room, o.rid, amendment["id"])
    assert text_of(client, room, o["I"]) == "The group met thirty-three times."
    assert text_of(client, room, o["III"]) == MOVED_III.replace("This chapter", "Chapter III")


@pytest.mark.parametrize(
    ("where", "edited"),
    [
        ("the run", TEXTS["I"].replace("many voices", "many, many voices")),
        ("the place it goes", TEXTS["III"] + " And a word more."),
    ],
)
def test_an_edit_to_the_run_or_its_place_is_a_conflict(
    client: TestClient, room: Room, outline: Outline, where: str, edited: str
) -> None:
    o = outline
    amendment = structural(client, room.members[0], o.rid, **to_end_of_three(o))
    section = o["I"] if where == "the run" else o["III"]
    write_direct(client, room, section, edited)
    problem = on_floor_adopt(client, room, o.rid, amendment["id"], expect=409)
    assert problem["type"].endswith("amendment-conflict"), problem
    assert problem["amendment_id"] == amendment["id"]
    assert problem["base_text"] != problem["head_text"]
    assert problem["conflicts"] and {"proposal", "head"} <= set(problem["conflicts"][0])
    # nothing half-written: neither section moved a paragraph
    assert text_of(client, room, o["I"]) == (TEXTS["I"] if where != "the run" else edited)
    assert text_of(client, room, o["III"]) == (TEXTS["III"] if where == "the run" else edited)


def test_proposed_on_an_older_base_it_carries_or_conflicts_at_once(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    write_direct(client, room, o["I"], TEXTS["I"].replace("many voices", "many, many voices"))
    body = {**to_end_of_three(o), "base_version": 1}
    problem = structural(client, room.members[0], o.rid, **body, expect=409)
    assert problem["type"].endswith("amendment-conflict") and problem["amendment_id"] is None


def test_after_adoption_a_consent_round_applies_it(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    adopt_report(client, room, o.rid)
    amendment = structural(client, room.members[0], o.rid, **to_end_of_three(o))
    assert amendment["status"] == "consent_open"
    act(client, room.chair, amendment["id"], "adopt", expect=409)
    result: dict[str, Any] = {}
    for voter in room.voters:
        result = act(client, voter, amendment["id"], "consent")
    assert result["status"] == "adopted"
    assert text_of(client, room, o["III"]) == MOVED_III


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"section_id": "I", "first": 2, "to_section_id": "I", "after_paragraph": 1}, "already"),
        ({"section_id": "I", "first": 2, "to_section_id": "I", "after_paragraph": 2}, "already"),
        ({"section_id": "I", "first": 5, "to_section_id": "III", "at_end": True}, "not a para"),
        ({"section_id": "I", "first": 3, "last": 2, "to_section_id": "III"}, "comes before"),
        ({"section_id": "II.C", "first": 9, "to_section_id": "III"}, "empties it"),
        ({"section_id": "I", "first": 1, "to_section_id": "III", "after_paragraph": 4}, "not a"),
    ],
)
def test_what_makes_no_sense_is_refused(
    client: TestClient, room: Room, outline: Outline, body: dict[str, Any], why: str
) -> None:
    named = {k: outline[v] if k.endswith("_id") else v for k, v in body.items()}
    problem = structural(
        client, room.members[0], outline.rid, operation="move_paragraphs", **named, expect=422
    )
    assert problem["type"].endswith("validation") or problem["status"] == 422
    assert why in problem["detail"], problem
