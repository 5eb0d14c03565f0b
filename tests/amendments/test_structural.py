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


def _add_into_chapter_two(client: TestClient, room: Room, o: Outline, position: int) -> int:
    return int(
        ok(
            client.post(
                f"/v1/reports/{o.rid}/sections",
                json={
                    "kind": "section",
                    "label": "new",
                    "heading": "New",
                    "text": "A new section.",
                    "parent_id": o["II"],
                    "position": position,
                },
                headers=room.secretariat.headers,
            ),
            201,
        )["id"]
    )


def _concurrent_elsewhere(client: TestClient, room: Room, o: Outline, kind: str) -> None:
    """A change made after the proposal that does not touch what it touches."""
    if kind == "insert":
        write_direct(client, room, o["II.B"], TEXTS["II.B"] + "\n\nMedia play a role.")
        _add_into_chapter_two(client, room, o, 0)  # another gap of chapter II
    elif kind == "delete":
        write_direct(client, room, o["I"], TEXTS["I"].replace("three", "four"))
    elif kind == "move":
        write_direct(client, room, o["II.A"], TEXTS["II.A"].replace("role", "part"))
        patch_section(client, room, o["III"], heading="Recommendations")
    elif kind == "split":
        text = TEXTS["II.A"].replace("Governments", "National governments")
        write_direct(client, room, o["II.A"], text.replace("private", "business"))
    elif kind == "merge":
        write_direct(client, room, o["II.B"], TEXTS["II.B"].replace("society", "society at large"))
    elif kind == "rename":
        patch_section(client, room, o["II.C"], heading="The technique")
    elif kind == "span":
        write_direct(client, room, o["II.B"], TEXTS["II.B"].replace("society", "society also"))


@pytest.mark.parametrize("kind", KINDS)
def test_carried_over_a_concurrent_change(
    client: TestClient, room: Room, outline: Outline, kind: str
) -> None:
    o = outline
    amendment = structural(client, room.members[0], o.rid, **bodies(o)[kind])
    _concurrent_elsewhere(client, room, o, kind)
    assert on_floor_adopt(client, room, o.rid, amendment["id"])["status"] == "adopted"
    labels = [label for label, _, _ in outline_of(client, room, o.rid)]
    if kind == "insert":
        assert labels[labels.index("II.B") + 1] == "II.B bis"
    elif kind == "delete":
        assert "1" not in labels
        assert "four" in text_of(client, room, o["I"])
    elif kind == "move":
        assert labels[-2:] == ["II.A", "1"]
        assert text_of(client, room, o["II.A"]) == TEXTS["II.A"].replace("role", "part")
    elif kind == "split":
        assert text_of(client, room, o["II.A"]) == "National governments play a role."
        report = ok(client.get(f"/v1/reports/{o.rid}", headers=room.chair.headers))
        new = next(e for e in report["outline"] if e["label"] == "II.A bis")
        assert text_of(client, room, new["id"]) == "The business sector plays a role."
    elif kind == "merge":
        merged = TEXTS["II.A"] + "\n\n" + TEXTS["II.B"].replace("society", "society at large")
        assert text_of(client, room, o["II.A"]) == merged
    elif kind == "rename":
        assert ("II.D", 1, "The technique") in outline_of(client, room, o.rid)
    elif kind == "span":
        assert text_of(client, room, o["II.B"]) == (
            "Civil society also plays a role.\n\nAcademia and"
        )


def _concurrent_clash(client: TestClient, room: Room, o: Outline, kind: str) -> None:
    """A change made after the proposal to what it touches."""
    if kind == "insert":
        _add_into_chapter_two(client, room, o, 2)  # between II.B and II.C: the same gap
    elif kind == "delete":
        write_direct(client, room, o["1"], TEXTS["1"] + " And observers.")
    elif kind == "move":
        ok(
            client.post(
                f"/v1/sections/{o['II.A']}/move",
                json={"parent_id": o["I"], "position": 0},
                headers=matched(client, f"/v1/sections/{o['II.A']}", room.secretariat.headers),
            )
        )
    elif kind == "split":  # the start of paragraph 6, where it cuts
        write_direct(
            client, room, o["II.A"], TEXTS["II.A"].replace("The private", "Also the private")
        )
    elif kind == "merge":
        _add_into_chapter_two(client, room, o, 1)  # between II.A and II.B
    elif kind == "rename":
        patch_section(client, room, o["II.C"], label="II.Z")
    elif kind == "span":
        write_direct(client, room, o["II.B"], TEXTS["II.B"].replace("a role too", "a big role too"))


SLUGS = {
    "insert": "structure-conflict",
    "delete": "structure-conflict",
    "move": "structure-conflict",
    "split": "amendment-conflict",
    "merge": "structure-conflict",
    "rename": "structure-conflict",
    "span": "amendment-conflict",
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_change_to_what_it_touches_is_a_conflict_with_both_sides(
    client: TestClient, room: Room, outline: Outline, kind: str
) -> None:
    o = outline
    amendment = structural(client, room.members[0], o.rid, **bodies(o)[kind])
    _concurrent_clash(client, room, o, kind)
    before = outline_of(client, room, o.rid)
    problem = on_floor_adopt(client, room, o.rid, amendment["id"], expect=409)
    assert problem["type"].endswith(SLUGS[kind]), problem
    assert problem["amendment_id"] == amendment["id"]
    (conflict,) = problem["conflicts"][:1]
    assert conflict["proposal"] != conflict["head"]
    assert {"proposal", "head"} <= set(conflict)
    if SLUGS[kind] == "amendment-conflict":  # the texts, as for any amendment
        assert problem["base_text"] != problem["head_text"]
    # nothing was applied, and the amendment is still on the floor
    assert outline_of(client, room, o.rid) == before
    assert (
        ok(client.get(f"/v1/amendments/{amendment['id']}", headers=room.chair.headers))["status"]
        == "on_floor"
    )
    if kind == "span":  # proposed again on the same base versions: the same clash, at once
        again = structural(client, room.members[0], o.rid, **bodies(o)[kind], expect=409)
        assert again["amendment_id"] is None and again["conflicts"] == problem["conflicts"]
    elif kind not in ("insert", "merge"):  # proposed again on the outline as it stands
        assert structural(client, room.members[0], o.rid, **bodies(o)[kind])["id"]


@pytest.mark.parametrize("kind", KINDS)
def test_after_adoption_a_consent_round_applies_it(
    client: TestClient, room: Room, outline: Outline, kind: str
) -> None:
    o = outline
    adopt_report(client, room, o.rid)
    amendment = structural(client, room.members[0], o.rid, **bodies(o)[kind])
    assert amendment["status"] == "consent_open" and amendment["round"]
    # nobody adopts it on their own word
    act(client, room.chair, amendment["id"], "adopt", expect=409)
    assert outline_of(client, room, o.rid) == BEFORE
    result: dict[str, Any] = {}
    for voter in room.voters:  # signed answers over its canonical wording
        result = act(client, voter, amendment["id"], "consent")
    assert result["status"] == "adopted"
    assert outline_of(client, room, o.rid) == after_adoption(o, kind)
    _check_texts(client, room, o, kind)


def test_an_editorial_renumbering_waits_out_its_notice(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    adopt_report(client, room, o.rid)
    body = bodies(o)["rename"]
    amendment = structural(client, room.members[0], o.rid, **{**body, "kind": "editorial"})
    assert amendment["suggested_kind"] == "editorial"
    assert amendment["notice"] is True and amendment["status"] == "consent_open"
    act(client, room.chair, amendment["id"], "adopt", expect=409)
    assert accept_everywhere(client, room, amendment["id"])["status"] == "adopted"
    assert ("II.D", 1, "Technique") in outline_of(client, room, o.rid)


def test_an_open_round_that_no_longer_applies_ends_conflicted(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    adopt_report(client, room, o.rid)
    split = structural(client, room.members[0], o.rid, **bodies(o)["split"])
    clash = propose(
        client, room.members[1], o["II.A"], TEXTS["II.A"].replace("The private", "Also the private")
    )
    for voter in room.voters:
        act(client, voter, clash["id"], "consent")
    assert (
        ok(client.get(f"/v1/amendments/{split['id']}", headers=room.chair.headers))["status"]
        == "conflicted"
    )


def test_a_round_on_another_section_that_no_longer_applies_ends_conflicted(
    client: TestClient, room: Room, outline: Outline
) -> None:
    """The merge names II.A; the change adopted is to II.B, which the merge also touches:
    the adoption finds the merge's round among the report's structural rounds, not by the
    section it changed."""
    o = outline
    adopt_report(client, room, o.rid)
    merge = structural(client, room.members[0], o.rid, **bodies(o)["merge"])
    assert merge["section_id"] == o["II.A"] and merge["status"] == "consent_open"
    change = propose(
        client, room.members[1], o["II.B"], TEXTS["II.B"].replace("Civil", "Organised civil")
    )
    for voter in room.voters:
        act(client, voter, change["id"], "consent")
    assert (
        ok(client.get(f"/v1/amendments/{change['id']}", headers=room.chair.headers))["status"]
        == "adopted"
    )
    ended = ok(client.get(f"/v1/amendments/{merge['id']}", headers=room.chair.headers))
    assert ended["status"] == "conflicted", ended


def test_amendments_to_a_deleted_section_end_conflicted(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    text = propose(client, room.members[1], o["1"], TEXTS["1"] + " And observers.")
    delete = structural(client, room.members[0], o.rid, **bodies(o)["delete"])
    on_floor_adopt(client, room, o.rid, delete["id"])
    closed = ok(client.get(f"/v1/amendments/{text['id']}", headers=room.chair.headers))
    assert closed["status"] == "conflicted"
    assert "amendment.conflicted" in event_types(client, room, o.rid)


def test_a_structural_amendment_is_not_revised_or_redrafted(
    client: TestClient, room: Room, outline: Outline
) -> None:
    o = outline
    amendment = structural(client, room.members[0], o.rid, **bodies(o)["merge"])
    response = client.post(
        f"/v1/amendments/{amendment['id']}/revise",
        json={"text": "Anything."},
        headers=matched(client, f"/v1/amendments/{amendment['id']}", room.members[0].headers),
    )
    assert response.status_code == 409, response.text


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"operation": "merge", "first_id": "II.A", "second_id": "II.C"}, "neighbouring"),
        ({"operation": "split", "section_id": "II.A", "paragraph": 5}, "after its first"),
        ({"operation": "rename", "section_id": "II.C", "label": "II.C"}, "changes nothing"),
        ({"operation": "move", "section_id": "II", "parent_id": "II.A"}, "inside itself"),
    ],
)
def test_what_makes_no_sense_here_is_refused(
    client: TestClient, room: Room, outline: Outline, body: dict[str, Any], why: str
) -> None:
    named = {k: outline[v] if k.endswith("_id") else v for k, v in body.items()}
    problem = structural(client, room.members[0], outline.rid, **named, expect=422)
    assert why in problem["detail"]
