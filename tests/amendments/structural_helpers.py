"""A report with an outline to restructure, and the calls structural amendment tests make."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from tests.amendments.helpers import act
from tests.factories import Person, Room, matched, ok


@dataclass
class Outline:
    """Chapter I (paragraphs 1-3); chapter II (4) with sections II.A (5-6), II.B (7-8) and
    II.C (9); chapter III (10) with section III.A (11-12); annex 1 (13)."""

    rid: int
    ids: dict[str, int]

    def __getitem__(self, label: str) -> int:
        return self.ids[label]


TEXTS = {
    "I": "The group met three times.\n\nIt heard many voices.\n\nIt agreed on a report.",
    "II": "This chapter sets out the findings.",
    "II.A": "Governments play a role.\n\nThe private sector plays a role.",
    "II.B": "Civil society plays a role.\n\nAcademia plays a role too.",
    "II.C": "The technical community keeps the network running.",
    "III": "This chapter sets out the proposals.",
    "III.A": "A forum should be created.\n\nIt should meet once a year.",
    "1": "The members of the group are listed here.",
}


def build_outline(client: TestClient, room: Room) -> Outline:
    rid = ok(
        client.post(
            f"/v1/groups/{room.group_id}/reports",
            json={"title": "Structure"},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    ids: dict[str, int] = {}
    shape = [
        ("I", "chapter", None, "Introduction"),
        ("II", "chapter", None, "Findings"),
        ("II.A", "section", "II", "Governments"),
        ("II.B", "section", "II", "Others"),
        ("II.C", "section", "II", "Technique"),
        ("III", "chapter", None, "Proposals"),
        ("III.A", "section", "III", "A forum"),
        ("1", "annex", None, "Members"),
    ]
    for label, kind, parent, heading in shape:
        body = {
            "kind": kind,
            "label": label,
            "heading": heading,
            "text": TEXTS[label],
            "parent_id": None if parent is None else ids[parent],
        }
        ids[label] = ok(
            client.post(f"/v1/reports/{rid}/sections", json=body, headers=room.secretariat.headers),
            201,
        )["id"]
    return Outline(rid, ids)


def structural(
    client: TestClient, who: Person, rid: int, *, expect: int = 201, **body: Any
) -> dict[str, Any]:
    body.setdefault("kind", "substantive")
    response = client.post(
        f"/v1/reports/{rid}/structural-amendments", json=body, headers=who.headers
    )
    assert response.status_code == expect, response.text
    return response.json()  # type: ignore[no-any-return]


def outline_of(client: TestClient, room: Room, rid: int) -> list[tuple[str, int, str]]:
    """(label, depth, heading) in outline order."""
    report = ok(client.get(f"/v1/reports/{rid}", headers=room.chair.headers))
    return [(e["label"], e["depth"], e["heading"]) for e in report["outline"]]


def text_of(client: TestClient, room: Room, sid: int) -> str:
    return str(ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head"]["text"])


def on_floor_adopt(
    client: TestClient, room: Room, rid: int, amendment_id: int, expect: int = 200
) -> dict[str, Any]:
    """The chair puts the amendment on the floor of an open meeting and adopts it."""
    meetings = client.post(f"/v1/reports/{rid}/meetings", headers=room.chair.headers)
    assert meetings.status_code in (201, 409), meetings.text
    act(client, room.chair, amendment_id, "floor")
    return act(client, room.chair, amendment_id, "adopt", expect=expect)


def write_direct(client: TestClient, room: Room, sid: int, text: str) -> None:
    head = ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head"]["number"]
    ok(
        client.post(
            f"/v1/sections/{sid}/versions",
            json={"base_version": head, "text": text},
            headers=room.secretariat.headers,
        ),
        201,
    )


def patch_section(client: TestClient, room: Room, sid: int, **body: Any) -> None:
    ok(
        client.patch(
            f"/v1/sections/{sid}",
            json=body,
            headers=matched(client, f"/v1/sections/{sid}", room.secretariat.headers),
        )
    )
