"""Building a working group with drafting groups, through the API (issue 20)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Person, Room, add_person, make_group, matched, ok

STAKEHOLDERS = ["government", "civil_society", "private_sector", "technical_academic"]
REGIONS = ["Africa", "Asia-Pacific", "Europe", "Latin America"]


@dataclass
class Drafters:
    id: int
    co_leads: list[Person]
    member: Person


def balanced_room(client: TestClient, groups: int) -> tuple[Room, list[list[Person]]]:
    """A chair, a secretariat and, per drafting group, three members from different
    stakeholder groups and regions; plus one member in no drafting group (last)."""
    group_id = make_group(client)
    chair = add_person(client, group_id, "chair")
    secretariat = add_person(client, group_id, "secretariat", stakeholder="intergovernmental")
    teams = [
        [
            add_person(
                client,
                group_id,
                "member",
                stakeholder=STAKEHOLDERS[(g + k) % 4],
                region=REGIONS[(g + 2 * k) % 4],
            )
            for k in range(3)
        ]
        for g in range(groups)
    ]
    outsider = add_person(client, group_id, "member")
    observer = add_person(client, group_id, "observer")
    members = [p for team in teams for p in team] + [outsider]
    room = Room(group_id, chair, secretariat, members, [observer])
    return room, teams


def create_drafting_group(
    client: TestClient, room: Room, name: str, team: list[Person]
) -> Drafters:
    body = {
        "name": name,
        "member_ids": [p.id for p in team],
        "co_lead_ids": [team[0].id, team[1].id],
    }
    data = ok(
        client.post(
            f"/v1/groups/{room.group_id}/drafting-groups", json=body, headers=room.chair.headers
        ),
        201,
    )
    return Drafters(id=data["id"], co_leads=team[:2], member=team[2])


def add_chapter(
    client: TestClient, room: Room, rid: int, label: str, heading: str, text: str
) -> int:
    body = {"kind": "chapter", "label": label, "heading": heading, "text": text}
    return int(
        ok(
            client.post(f"/v1/reports/{rid}/sections", json=body, headers=room.secretariat.headers),
            201,
        )["id"]
    )


def new_report(client: TestClient, room: Room, title: str) -> int:
    return int(
        ok(
            client.post(
                f"/v1/groups/{room.group_id}/reports",
                json={"title": title},
                headers=room.secretariat.headers,
            ),
            201,
        )["id"]
    )


def stage(client: TestClient, who: Person, sid: int, to: str, expect: int = 200) -> Any:
    response = client.post(f"/v1/sections/{sid}/stage", json={"to": to}, headers=who.headers)
    assert response.status_code == expect, response.text
    return response.json()


def assign(client: TestClient, room: Room, drafting_group: int, sid: int) -> Any:
    return ok(
        client.post(
            f"/v1/drafting-groups/{drafting_group}/assignments",
            json={"section_id": sid},
            headers=room.chair.headers,
        )
    )


def make_public(client: TestClient, room: Room, rid: int) -> None:
    ok(
        client.post(
            f"/v1/reports/{rid}/visibility",
            json={"public": True},
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    )
