"""The typed events of the OpenAPI document say what the server really records."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from app.amendments.models import Answer
from app.events.types import EVENT_PAYLOADS, TypedEvent
from tests.amendments.helpers import TEXT, act, propose
from tests.factories import ADMIN, matched, ok
from tests.test_pagination import furnish

APP = Path(__file__).resolve().parent.parent / "app"
KINDS = (
    "report",
    "certificate",
    "section",
    "version",
    "milestone",
    "meeting",
    "floor",
    "amendment",
    "consent",
    "consultation",
    "comment",
    "participant",
    "invitation",
    "thread",
    "reservation",
    "open_point",
    "drafting_group",
    "token",
    "key",
    "questionnaire",
    "reply",
    "session",
    "agenda",
    "speaker",
    "attendance",
    "caption",
    "projection",
)


def recorded_types() -> set[str]:
    """Every event type the code can record, read from its source."""
    found: set[str] = set()
    for path in APP.rglob("*.py"):
        if path.parts[-2:] == ("events", "types.py"):
            continue
        source = path.read_text(encoding="utf-8")
        for name in re.findall(r'"((?:{})\.[a-z_]+)"'.format("|".join(KINDS)), source):
            if not name.endswith((".id", ".md")):
                found.add(name)
        # close(session, report, amendment, AmendmentStatus.X, ...) records amendment.X
        closed = re.findall(
            r"\bclose\(\s*session,\s*report,\s*\w+,\s*AmendmentStatus\.(\w+)", source
        )
        found |= {f"amendment.{s}" for s in closed}
        if 'f"consent.{answer.value}"' in source:
            found |= {f"consent.{a.value}" for a in Answer}
    return found


def test_every_recorded_type_has_a_schema_and_every_schema_a_type() -> None:
    assert recorded_types() == set(EVENT_PAYLOADS)


def test_the_openapi_document_has_the_union(app: FastAPI) -> None:
    schemas = app.openapi()["components"]["schemas"]
    union = schemas["TypedEvent"]
    assert union["discriminator"]["propertyName"] == "type"
    assert set(union["discriminator"]["mapping"]) == set(EVENT_PAYLOADS)
    assert schemas["EventPage"]["properties"]["items"]["items"] == {
        "$ref": "#/components/schemas/TypedEvent"
    }
    revised = schemas["AmendmentRevisedEvent"]["properties"]
    assert revised["type"]["const"] == "amendment.revised"
    assert revised["payload"] == {"$ref": "#/components/schemas/AmendmentRevisedPayload"}
    assert "ops" in schemas["AmendmentRevisedPayload"]["properties"]


def test_recorded_payloads_have_exactly_the_declared_keys(client: TestClient) -> None:
    room, paths = furnish(client)
    chair, secretariat = room.chair.headers, room.secretariat.headers
    rid = int(next(p for p in paths if p.endswith("/milestones")).split("/")[3])
    report = ok(client.get(f"/v1/reports/{rid}", headers=chair))
    sid, second = report["outline"][0]["id"], report["outline"][1]["id"]
    ok(
        client.patch(
            f"/v1/reports/{rid}",
            json={"title": "Renamed"},
            headers=matched(client, f"/v1/reports/{rid}", chair),
        )
    )
    ok(
        client.patch(
            f"/v1/sections/{second}",
            json={"heading": "Renamed"},
            headers=matched(client, f"/v1/sections/{second}", secretariat),
        )
    )
    ok(
        client.post(
            f"/v1/sections/{second}/move",
            json={"parent_id": None, "position": 0},
            headers=matched(client, f"/v1/sections/{second}", secretariat),
        )
    )
    ok(
        client.delete(
            f"/v1/sections/{second}", headers=matched(client, f"/v1/sections/{second}", secretariat)
        )
    )
    ok(
        client.post(
            f"/v1/reports/{rid}/visibility",
            json={"public": True},
            headers=matched(client, f"/v1/reports/{rid}", chair),
        )
    )
    floor = ok(client.get(f"/v1/reports/{rid}/floor", headers=chair))["floor"]
    assert floor is not None
    on_floor = floor["amendment"]["id"]
    act(client, room.chair, on_floor, "adopt")
    spare = propose(client, room.members[1], sid, TEXT + " Spare.", base=5)
    act(client, room.members[1], spare["id"], "withdraw", reason="Not needed.")
    # a long instruction (a rewritten section) is left out of the event, its length kept
    rewrite = propose(
        client, room.members[1], sid, "A whole new wording, clause by clause. " * 80, base=5
    )
    assert len(rewrite["instruction"]) > 2_000
    events: list[dict[str, Any]] = ok(
        client.get(f"/v1/reports/{rid}/events?limit=1000", headers=ADMIN)
    )["items"]
    long_one = next(
        e["payload"]
        for e in events
        if e["type"] == "amendment.proposed" and e["payload"]["amendment_id"] == rewrite["id"]
    )
    assert long_one["instruction"] is None
    assert long_one["instruction_chars"] == len(rewrite["instruction"])
    adapter = TypeAdapter(TypedEvent)
    seen = set()
    for event in events:
        typed = adapter.validate_python(event)
        fields = type(typed.payload).model_fields
        declared = {f.alias or name for name, f in fields.items()}
        assert set(event["payload"]) <= declared, (event["type"], set(event["payload"]) - declared)
        seen.add(event["type"])
    assert {
        "report.created",
        "report.updated",
        "report.published",
        "section.added",
        "section.updated",
        "section.moved",
        "section.removed",
        "version.created",
        "milestone.created",
        "meeting.opened",
        "meeting.closed",
        "floor.changed",
        "amendment.proposed",
        "amendment.revised",
        "amendment.adopted",
        "amendment.superseded",
        "amendment.withdrawn",
    } <= seen
