"""Brackets kept in the text and reservations on paragraphs, through the API and every
export format."""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient

from tests.amendments.helpers import (
    TEXT,
    accept_everywhere,
    act,
    adopt_report,
    head_text,
    open_meeting,
    propose,
    report_with_section,
)
from tests.deliberation.helpers import make_public, typed_events
from tests.factories import Room, make_room, matched, ok
from tests.outputs.helpers import pdf_text, valid_akn

BRACKET = "[role of governments / roles of States]"
FORMATS = ("markdown", "source", "html", "text", "akn", "docx", "pdf")


def export_text(client: TestClient, rid: int, format: str, headers: dict[str, str]) -> str:
    response = client.get(f"/v1/reports/{rid}/export?format={format}", headers=headers)
    assert response.status_code == 200, response.text
    if format == "akn":
        valid_akn(response.content)
        return response.text
    if format == "docx":
        with zipfile.ZipFile(io.BytesIO(response.content)) as package:
            return package.read("word/document.xml").decode("utf-8")
    if format == "pdf":
        return pdf_text(response.content)[1]
    return response.text


def bracketed(client: TestClient, room: Room) -> tuple[int, int, dict[str, Any], list[int]]:
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    first = propose(client, room.members[0], sid, TEXT.replace("roles of", "role of"))
    second = propose(
        client,
        room.members[1],
        sid,
        TEXT.replace("governments in", "States in"),
        alternative_to=first["id"],
    )
    ids = [first["id"], second["id"]]
    path = f"/v1/sections/{sid}/brackets"
    assert (
        client.post(path, json={"amendment_ids": ids}, headers=room.chair.headers).status_code
        == 428
    )
    member = matched(client, f"/v1/sections/{sid}", room.members[0].headers)
    assert client.post(path, json={"amendment_ids": ids}, headers=member).status_code == 403
    answer = client.post(
        path,
        json={"amendment_ids": ids},
        headers=matched(client, f"/v1/sections/{sid}", room.chair.headers),
    )
    point = ok(answer, 201)
    assert ok(client.get(answer.headers["location"], headers=room.chair.headers)) == point
    return rid, sid, point, ids


def transmit(client: TestClient, room: Room, rid: int) -> Any:
    return client.post(
        f"/v1/reports/{rid}/transmit",
        headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
    )


def test_a_bracket_survives_adoption_blocks_transmission_and_is_removed_by_an_amendment(
    client: TestClient,
) -> None:
    room = make_room(client, members=2)
    rid, sid, point, ids = bracketed(client, room)
    assert point["status"] == "open" and point["text"] == BRACKET
    assert point["options"] == [
        {"amendment_id": ids[0], "text": "role of governments"},
        {"amendment_id": ids[1], "text": "roles of States"},
    ]
    assert f"The group recognised the {BRACKET} in Internet governance." in head_text(
        client, room, sid
    )
    for amendment_id in ids:
        seen = ok(client.get(f"/v1/amendments/{amendment_id}", headers=room.chair.headers))
        assert seen["status"] == "adopted" and seen["resulting_version"] == 2
    for format in FORMATS:
        assert BRACKET in export_text(client, rid, format, room.chair.headers), format
    adopt_report(client, room, rid)
    # the bracket survives the report's adoption, and blocks its transmission
    listed = ok(client.get(f"/v1/reports/{rid}/open-points", headers=room.observers[0].headers))
    assert [(p["id"], p["status"]) for p in listed["items"]] == [(point["id"], "open")]
    refused = transmit(client, room, rid)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"] == "urn:plenary:problem:open-brackets"
    assert problem["open_points"] == [{"id": point["id"], "section_id": sid, "text": BRACKET}]
    # removing the bracket is an amendment like any other
    chosen = head_text(client, room, sid).replace(BRACKET, "role of governments")
    fix = propose(client, room.members[0], sid, chosen, base=2, kind="editorial")
    accept_everywhere(client, room, fix["id"])
    resolved = ok(client.get(f"/v1/open-points/{point['id']}", headers=room.chair.headers))
    assert resolved["status"] == "resolved" and resolved["resolved_version"] == 3
    assert ok(transmit(client, room, rid))["status"] == "transmitted"
    types = typed_events(client, room, rid, ("open_point.", "amendment.adopted"))
    assert types.count("amendment.adopted") == 3  # both options, then the fix
    assert {"open_point.created", "open_point.resolved"} <= set(types)


def test_an_edit_elsewhere_carries_the_bracket_and_kept_options_do_not_block(
    client: TestClient,
) -> None:
    room = make_room(client, members=2)
    rid, sid, point, _ = bracketed(client, room)
    # a change before the bracket moves it; it stays open
    moved = head_text(client, room, sid).replace("The group", "The Working Group")
    elsewhere = propose(client, room.members[0], sid, moved, base=2)["id"]
    act(client, room.chair, elsewhere, "floor")
    act(client, room.chair, elsewhere, "adopt")
    carried = ok(client.get(f"/v1/open-points/{point['id']}", headers=room.chair.headers))
    assert carried["status"] == "open" and carried["version"] == 3
    assert head_text(client, room, sid)[carried["start"] : carried["end"]] == BRACKET
    # fixing an option's wording keeps the bracket open, as it now reads
    fixed = BRACKET.replace("roles of States", "roles of the States")
    inside = propose(
        client, room.members[1], sid, head_text(client, room, sid).replace(BRACKET, fixed), base=3
    )["id"]
    act(client, room.chair, inside, "floor")
    act(client, room.chair, inside, "adopt")
    carried = ok(client.get(f"/v1/open-points/{point['id']}", headers=room.chair.headers))
    assert (carried["status"], carried["version"], carried["text"]) == ("open", 4, fixed)
    assert head_text(client, room, sid)[carried["start"] : carried["end"]] == fixed
    adopt_report(client, room, rid)
    assert transmit(client, room, rid).status_code == 409
    member = client.post(
        f"/v1/open-points/{point['id']}/keep", json={}, headers=room.members[0].headers
    )
    assert member.status_code == 403
    kept = ok(
        client.post(
            f"/v1/open-points/{point['id']}/keep",
            json={"note": "Both models go to the Summit."},
            headers=room.chair.headers,
        )
    )
    assert kept["status"] == "kept" and kept["note"] == "Both models go to the Summit."
    assert ok(transmit(client, room, rid))["status"] == "transmitted"
    assert fixed in export_text(client, rid, "markdown", room.chair.headers)
    assert "open_point.kept" in typed_events(client, room, rid, ("open_point.",))


def test_reservations_are_footnotes_named_only_by_choice(client: TestClient) -> None:
    room = make_room(client, members=2, observers=1)
    rid, sid = report_with_section(client, room)
    named, anonymous = room.members
    path = f"/v1/sections/{sid}/reservations"
    ok(
        client.post(
            path,
            json={"paragraph": 2, "text": "Reserves on the venue.", "attributed": True},
            headers=named.headers,
        ),
        201,
    )
    answer = client.post(
        path, json={"paragraph": 3, "text": "Cannot join this sentence."}, headers=anonymous.headers
    )
    quiet = ok(answer, 201)
    assert answer.headers["location"] == f"/v1/reservations/{quiet['id']}"
    assert ok(client.get(answer.headers["location"], headers=room.chair.headers)) == quiet
    assert quiet["participant_name"] == anonymous.name and quiet["named_as"] is None
    for who, status in ((room.observers[0], 403), (room.secretariat, 403)):
        refused = client.post(path, json={"paragraph": 2, "text": "x"}, headers=who.headers)
        assert refused.status_code == status
    outsider = make_room(client, members=1)
    assert (
        client.post(
            path, json={"paragraph": 2, "text": "x"}, headers=outsider.members[0].headers
        ).status_code
        == 404
    )
    too_long = client.post(path, json={"paragraph": 2, "text": "x" * 1001}, headers=named.headers)
    assert too_long.status_code == 422
    seen = ok(client.get(f"/v1/reports/{rid}/reservations", headers=room.observers[0].headers))
    assert [(r["paragraph"], r["named_as"], r["participant_name"]) for r in seen["items"]] == [
        (2, named.name, None),
        (3, None, None),
    ]
    make_public(client, room, rid)
    for format in ("markdown", "html", "text", "akn", "docx", "pdf"):
        body = export_text(client, rid, format, {})
        assert f"Reservation ({named.name}): Reserves on the venue." in body, format
        assert "Reservation: Cannot join this sentence." in body, format
        assert anonymous.name not in body, format
    markdown = export_text(client, rid, "markdown", {})
    assert "2004.[^1]" in markdown and "stakeholders.[^2]" in markdown
    assert "[^2]: Reservation: Cannot join this sentence." in markdown
    assert "authorialNote" in export_text(client, rid, "akn", {})
    # withdrawn: by its member only, and gone from the exports
    assert (
        client.post(f"/v1/reservations/{quiet['id']}/withdraw", headers=named.headers).status_code
        == 403
    )
    ok(client.post(f"/v1/reservations/{quiet['id']}/withdraw", headers=anonymous.headers))
    assert "Cannot join" not in export_text(client, rid, "text", {})
    types = typed_events(client, room, rid, ("reservation.",))
    assert types == ["reservation.recorded", "reservation.recorded", "reservation.withdrawn"]


def test_two_bracket_decisions_at_once_make_one_version(client: TestClient) -> None:
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    first = propose(client, room.members[0], sid, TEXT.replace("roles of", "role of"))
    second = propose(
        client,
        room.members[1],
        sid,
        TEXT.replace("governments in", "States in"),
        alternative_to=first["id"],
    )
    headers = matched(client, f"/v1/sections/{sid}", room.chair.headers)

    def decide(_: int) -> int:
        response = client.post(
            f"/v1/sections/{sid}/brackets",
            json={"amendment_ids": [first["id"], second["id"]]},
            headers=headers,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = sorted(pool.map(decide, range(2)))
    assert results[0] == 201 and results[1] in (409, 412), results
    assert ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head_version"] == 2
    points = ok(client.get(f"/v1/reports/{rid}/open-points", headers=room.chair.headers))
    assert len(points["items"]) == 1
    # after the report's adoption, alternatives are no longer kept as brackets
    adopt_report(client, room, rid)
    third = propose(client, room.members[0], sid, head_text(client, room, sid) + " More.", base=2)
    fourth = propose(
        client,
        room.members[1],
        sid,
        head_text(client, room, sid) + " Less.",
        base=2,
        alternative_to=third["id"],
    )
    late = client.post(
        f"/v1/sections/{sid}/brackets",
        json={"amendment_ids": [third["id"], fourth["id"]]},
        headers=matched(client, f"/v1/sections/{sid}", room.chair.headers),
    )
    assert late.status_code == 409


def test_only_open_alternatives_of_one_group_make_a_bracket(client: TestClient) -> None:
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    first = propose(client, room.members[0], sid, TEXT.replace("roles of", "role of"))
    unrelated = propose(client, room.members[1], sid, TEXT.replace("Geneva", "Tunis"))
    same = propose(
        client,
        room.members[1],
        sid,
        TEXT.replace("roles of", "role of"),
        alternative_to=first["id"],
    )
    path = f"/v1/sections/{sid}/brackets"
    for ids, status in (
        ([first["id"]], 422),  # one wording is a decision, not a bracket
        ([first["id"], first["id"]], 422),
        ([first["id"], unrelated["id"]], 409),  # not alternatives of each other
        ([first["id"], same["id"]], 409),  # the same text: nothing to bracket
        ([first["id"], 999_999], 404),
    ):
        response = client.post(
            path,
            json={"amendment_ids": ids},
            headers=matched(client, f"/v1/sections/{sid}", room.chair.headers),
        )
        assert response.status_code == status, (ids, response.text)
    assert ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head_version"] == 1
    assert ok(client.get(f"/v1/reports/{rid}/open-points", headers=room.chair.headers)) == {
        "items": []
    }
