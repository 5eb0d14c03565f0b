"""Building a meeting day through the HTTP API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Person, Room, add_person, make_room, matched, ok

CHAPTER_TWO = "The forum function.\n\nThe oversight function, in four models."


@dataclass
class Day:
    room: Room
    rid: int
    chapters: list[int]
    meeting: int
    civil_society: Person  # an observer (a registered stakeholder)
    igo: Person  # an observer from an intergovernmental organisation
    captioner: Person

    @property
    def chair(self) -> dict[str, str]:
        return self.room.chair.headers


def post(client: TestClient, path: str, who: Person, body: Any = None, status: int = 200) -> Any:
    return ok(client.post(path, json=body if body is not None else {}, headers=who.headers), status)


def problem(client: TestClient, path: str, who: Person, body: Any = None) -> tuple[int, str]:
    response = client.post(path, json=body if body is not None else {}, headers=who.headers)
    return response.status_code, str(response.json().get("type", ""))


def adopt(client: TestClient, day: Day) -> Any:
    return client.post(
        f"/v1/reports/{day.rid}/adopt",
        json={"editorial_window_days": 7},
        headers=matched(client, f"/v1/reports/{day.rid}", day.chair),
    )


def session(client: TestClient, day: Day, kind: str, **fields: Any) -> dict[str, Any]:
    body = {"kind": kind, "start": True, **fields}
    return post(client, f"/v1/meetings/{day.meeting}/sessions", day.room.chair, body, 201)  # type: ignore[no-any-return]


def meeting_day(client: TestClient) -> Day:
    """A public report of two chapters, and a meeting at the Château de Bossey opened with no
    session in progress."""
    room = make_room(client)
    rid = ok(
        client.post(
            f"/v1/groups/{room.group_id}/reports",
            json={"title": "Final Report"},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    chapters = []
    for label, heading, text in (
        ("I", "Introduction", "The group met in Geneva.\n\nIt adopted its working methods."),
        ("II", "Recommendations", CHAPTER_TWO),
    ):
        body = {"kind": "chapter", "label": label, "heading": heading, "text": text}
        chapters.append(
            ok(
                client.post(
                    f"/v1/reports/{rid}/sections", json=body, headers=room.secretariat.headers
                ),
                201,
            )["id"]
        )
    ok(
        client.post(
            f"/v1/reports/{rid}/visibility",
            json={"public": True},
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    )
    opened = {
        "title": "Fourth meeting",
        "venue": "Château de Bossey",
        "starts_on": "2005-06-14",
        "ends_on": "2005-06-17",
        "first_session": None,
    }
    meeting = post(client, f"/v1/reports/{rid}/meetings", room.chair, opened, 201)
    assert meeting["venue"] == "Château de Bossey" and meeting["starts_on"] == "2005-06-14"
    return Day(
        room=room,
        rid=rid,
        chapters=chapters,
        meeting=meeting["id"],
        civil_society=add_person(client, room.group_id, "observer", stakeholder="civil_society"),
        igo=add_person(client, room.group_id, "observer", stakeholder="intergovernmental"),
        captioner=add_person(client, room.group_id, "observer", stakeholder="other"),
    )


MAIN_JS = Path(__file__).parents[2] / "app" / "static" / "app" / "main.js"


def page_event_rule() -> tuple[list[str], list[str]]:
    """The web client's rule (main.js): the prefixes of events after which neither the
    report nor the amendment list changed (ROOM_ONLY), and the report's own list
    (ROOM_ONLY and REPORT_QUIET); amendment events but an adoption leave the report too."""
    source = MAIN_JS.read_text(encoding="utf-8")

    def quoted(name: str) -> list[str]:
        found = re.search(rf"const {name} = \[(.*?)\];", source, re.S)
        assert found is not None, name
        return re.findall(r'"([a-z_.]+)"', found.group(1))

    assert 'type.startsWith("amendment.") && type !== "amendment.adopted"' in source
    assert "const LIST_QUIET = ROOM_ONLY;" in source
    room_only = quoted("ROOM_ONLY")
    return room_only, [*room_only, *quoted("REPORT_QUIET")]
