"""Structural amendments (issue 32): insert, delete, move, split, merge, rename, and a text
change across neighbouring sections. For each: proposing, the instruction, rebase over a
concurrent change, conflict (409 with both sides), adoption on the floor, and consent after
the report is adopted."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from app.events.types import TypedEvent
from tests.amendments.helpers import accept_everywhere, act, adopt_report, event_types, propose
from tests.amendments.structural_helpers import (
    TEXTS,
    Outline,
    build_outline,
    on_floor_adopt,
    outline_of,
    patch_section,
    structural,
    text_of,
    write_direct,
)
from tests.factories import Room, make_room, matched, ok

BEFORE = [
    ("I", 0, "Introduction"),
    ("II", 0, "Findings"),
    ("II.A", 1, "Governments"),
    ("II.B", 1, "Others"),
    ("II.C", 1, "Technique"),
    ("III", 0, "Proposals"),
    ("III.A", 1, "A forum"),
    ("1", 0, "Members"),
]


@pytest.fixture
def room(client: TestClient) -> Room:
    return make_room(client)


@pytest.fixture
def outline(client: TestClient, room: Room) -> Outline:
    return build_outline(client, room)


def span_body(o: Outline) -> dict[str, Any]:
    """The end of paragraph 8 (II.B) and the start of paragraph 9 (II.C) rewritten as one
    sentence, and a word further on in paragraph 9."""
    return {
        "operation": "span",
        "texts": [
            {
                "section_id": o["II.B"],
                "base_version": 1,
                "text": TEXTS["II.B"].replace("plays a role too.", "and"),
            },
            {
                "section_id": o["II.C"],
                "base_version": 1,
                "text": "the technical community keep the network running.",
            },
        ],
    }


def bodies(o: Outline) -> dict[str, dict[str, Any]]:
    """One proposal of each kind, on the outline built by `build_outline`."""
    return {
        "insert": {
            "operation": "insert",
            "after_id": o["II.B"],
            "label": "II.B bis",
            "heading": "Users",
            "text": "Users play a role.",
        },
        "delete": {"operation": "delete", "section_id": o["1"]},
        "move": {
            "operation": "move",
            "section_id": o["II.A"],
            "parent_id": o["III"],
            "at_end": True,
        },
        "split": {
            "operation": "split",
            "section_id": o["II.A"],
            "paragraph": 6,
            "label": "II.A bis",
            "heading": "Business",
        },
        "merge": {"operation": "merge", "first_id": o["II.A"], "second_id": o["II.B"]},
        "rename": {"operation": "rename", "section_id": o["II.C"], "label": "II.D"},
        "span": span_body(o),
    }


INSTRUCTIONS = {
    "insert": 'Insert the following new section II.B bis "Users" after section II.B:\n'
    "Users play a role.",
    "delete": "Delete annex 1 (paragraph 13).",
    "move": "Move section II.A (paragraphs 5-6) to the end of chapter III.",
    "split": "Split section II.A before paragraph 6: paragraph 6 becomes a new section "
    'II.A bis "Business" after it.',
    "merge": "Merge sections II.A and II.B.",
    "rename": "Renumber section II.C as II.D.",
    "span": '1. In paragraphs 8-9, replace "plays a role too.\n\nThe" with the following:\n'
    '"and\n\nthe".\n2. In paragraph 9, replace "keeps" with "keep"',
}


def after_adoption(o: Outline, kind: str) -> list[tuple[str, int, str]]:
    """The outline once the amendment of `kind` (from `bodies`) is applied."""
    out = list(BEFORE)
    if kind == "insert":
        out.insert(4, ("II.B bis", 1, "Users"))
    elif kind == "delete":
        out.remove(("1", 0, "Members"))
    elif kind == "move":
        out.remove(("II.A", 1, "Governments"))
        out.insert(6, ("II.A", 1, "Governments"))
    elif kind == "split":
        out.insert(3, ("II.A bis", 1, "Business"))
    elif kind == "merge":
        out.remove(("II.B", 1, "Others"))
    elif kind == "rename":
        out[4] = ("II.D", 1, "Technique")
    return out


KINDS = list(INSTRUCTIONS)


@pytest.mark.parametrize("kind", KINDS)
def test_proposing_reads_out_the_instruction(
    client: TestClient, room: Room, outline: Outline, kind: str
) -> None:
    amendment = structural(client, room.members[0], outline.rid, **bodies(outline)[kind])
    assert amendment["status"] == "proposed"
    assert amendment["instruction"].rstrip(".") == INSTRUCTIONS[kind].rstrip(".")
    assert amendment["structure"]["operation"] == ("split" if kind == "split" else kind)
    # nothing changes until it is adopted
    assert outline_of(client, room, outline.rid) == BEFORE


@pytest.mark.parametrize("kind", KINDS)
def test_adopted_on_the_floor(client: TestClient, room: Room, outline: Outline, kind: str) -> None:
    amendment = structural(client, room.members[0], outline.rid, **bodies(outline)[kind])
    adopted = on_floor_adopt(client, room, outline.rid, amendment["id"])
    assert adopted["status"] == "adopted"
    assert outline_of(client, room, outline.rid) == after_adoption(outline, kind)
    _check_texts(client, room, outline, kind)
    events = ok(
        client.get(f"/v1/reports/{outline.rid}/events?limit=1000", headers=room.chair.headers)
    )["items"]
    adapter = TypeAdapter(TypedEvent)
    done = [e for e in events if e["type"] == "amendment.structure_adopted"]
    assert len(done) == 1
    typed = adapter.validate_python(done[0])
    assert typed.payload.operation == ("split" if kind == "split" else kind)
    assert "amendment.structure_proposed" in [e["type"] for e in events]


def _check_texts(client: TestClient, room: Room, o: Outline, kind: str) -> None:
    if kind == "split":
        assert text_of(client, room, o["II.A"]) == "Governments play a role."
        report = ok(client.get(f"/v1/reports/{o.rid}", headers=room.chair.headers))
        new = next(e for e in report["outline"] if e["label"] == "II.A bis")
        assert text_of(client, room, new["id"]) == "The private sector plays a role."
    elif kind == "merge":
        assert text_of(client, room, o["II.A"]) == TEXTS["II.A"] + "\n\n" + TEXTS["II.B"]
    elif kind == "span":
        assert text_of(client, room, o["II.B"]).endswith("Academia and")
        assert text_of(client, room, o["II.C"]).startswith("the technical community keep ")
    elif kind == "insert":
        report = ok(client.get(f"/v1/reports/{o.rid}", headers=room.chair.headers))
        new = next(e for e in report["outline"] if e["label"] == "II.B bis")
        assert text_of(client, room, new["id"]) == "Users play a role."
