from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.factories import Room, make_room, matched, ok, write_version
from tests.wgig import CHAPTERS, history_markdown


def new_report(client: TestClient, room: Room, **fields: Any) -> dict[str, Any]:
    body = {"title": "Final Report", "symbol": "WSIS-II/PC-3/DOC/5-E", **fields}
    return ok(
        client.post(
            f"/v1/groups/{room.group_id}/reports", json=body, headers=room.secretariat.headers
        ),
        201,
    )


def add(client: TestClient, room: Room, report_id: int, **fields: Any) -> dict[str, Any]:
    body = {"kind": "chapter", **fields}
    return ok(
        client.post(
            f"/v1/reports/{report_id}/sections", json=body, headers=room.secretariat.headers
        ),
        201,
    )


def move(
    client: TestClient, room: Room, section_id: int, *, parent_id: int | None, position: int
) -> dict[str, Any]:
    resource = f"/v1/sections/{section_id}"
    return ok(
        client.post(
            f"{resource}/move",
            json={"parent_id": parent_id, "position": position},
            headers=matched(client, resource, room.secretariat.headers),
        )
    )


def outline(client: TestClient, room: Room, report_id: int) -> list[dict[str, Any]]:
    return ok(client.get(f"/v1/reports/{report_id}", headers=room.members[0].headers))["outline"]


def test_report_metadata_and_roles(client: TestClient) -> None:
    room = make_room(client)
    report = new_report(client, room)
    assert report["status"] == "drafting" and report["disclaimer"]
    assert report["outline"] == []
    member = room.members[0].headers
    assert (
        client.post(
            f"/v1/groups/{room.group_id}/reports", json={"title": "x"}, headers=member
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"/v1/reports/{report['id']}",
            json={"title": "x"},
            headers=matched(client, f"/v1/reports/{report['id']}", member),
        ).status_code
        == 403
    )
    updated = ok(
        client.patch(
            f"/v1/reports/{report['id']}",
            json={"title": "Report of the WGIG"},
            headers=matched(client, f"/v1/reports/{report['id']}", room.chair.headers),
        )
    )
    assert updated["title"] == "Report of the WGIG"
    listed = ok(
        client.get(f"/v1/groups/{room.group_id}/reports", headers=room.observers[0].headers)
    )["items"]
    assert [r["id"] for r in listed] == [report["id"]]
    other = make_room(client)
    assert client.get(f"/v1/reports/{report['id']}", headers=other.chair.headers).status_code == 404


def test_outline_edits_keep_order(client: TestClient) -> None:
    room = make_room(client)
    rid = new_report(client, room)["id"]
    one = add(client, room, rid, label="I", heading="Introduction", text="Para 1.")
    three = add(client, room, rid, label="III", heading="Recommendations", text="Para 3.")
    two = add(client, room, rid, label="II", heading="Definition", position=1, text="Para 2.")
    box = add(
        client,
        room,
        rid,
        kind="box",
        label="Box 1",
        heading="Spam",
        parent_id=two["id"],
        text="Box text.",
    )
    assert [(s["label"], s["depth"]) for s in outline(client, room, rid)] == [
        ("I", 0),
        ("II", 0),
        ("Box 1", 1),
        ("III", 0),
    ]
    ok(
        client.patch(
            f"/v1/sections/{three['id']}",
            json={"heading": "Proposals"},
            headers=matched(client, f"/v1/sections/{three['id']}", room.chair.headers),
        )
    )
    move(client, room, box["id"], parent_id=one["id"], position=0)
    move(client, room, three["id"], parent_id=None, position=0)
    entries = outline(client, room, rid)
    assert [(s["label"], s["heading"], s["depth"], s["position"]) for s in entries] == [
        ("III", "Proposals", 0, 0),
        ("I", "Introduction", 0, 1),
        ("Box 1", "Spam", 1, 0),
        ("II", "Definition", 0, 2),
    ]
    # cannot move a section inside itself
    bad = client.post(
        f"/v1/sections/{one['id']}/move",
        json={"parent_id": box["id"], "position": 0},
        headers=matched(client, f"/v1/sections/{one['id']}", room.secretariat.headers),
    )
    assert bad.status_code == 400
    # removal keeps history and renumbers siblings
    removed = ok(
        client.delete(
            f"/v1/sections/{one['id']}",
            headers=matched(client, f"/v1/sections/{one['id']}", room.secretariat.headers),
        )
    )
    assert removed["removed_at"] is not None and removed["first_paragraph"] is None
    assert [(s["label"], s["position"]) for s in outline(client, room, rid)] == [
        ("III", 0),
        ("II", 1),
    ]
    kept = ok(client.get(f"/v1/sections/{box['id']}/versions/1", headers=room.members[0].headers))
    assert kept["text"] == "Box text."
    # members and observers cannot edit the outline
    for person in (room.members[0], room.observers[0]):
        assert (
            client.post(
                f"/v1/reports/{rid}/sections", json={"kind": "chapter"}, headers=person.headers
            ).status_code
            == 403
        )


def test_versions_are_immutable_and_stale_base_is_refused(client: TestClient, app: FastAPI) -> None:
    room = make_room(client)
    rid = new_report(client, room)["id"]
    sid = add(client, room, rid, heading="Text", text="Version one.")["id"]
    v2 = ok(
        client.post(
            f"/v1/sections/{sid}/versions",
            json={"base_version": 1, "text": "Version two."},
            headers=room.secretariat.headers,
        ),
        201,
    )
    assert v2["number"] == 2 and v2["source"] == "edit" and v2["author_id"] == room.secretariat.id
    import hashlib

    assert v2["sha256"] == hashlib.sha256(b"Version two.").hexdigest()
    stale = client.post(
        f"/v1/sections/{sid}/versions",
        json={"base_version": 1, "text": "Lost update?"},
        headers=room.chair.headers,
    )
    assert stale.status_code == 409
    problem = stale.json()
    assert problem["type"] == "urn:plenary:problem:stale-base-version"
    assert problem["head_version"] == 2 and problem["head"]["text"] == "Version two."
    # no route changes or deletes a version
    for method in ("PUT", "PATCH", "DELETE"):
        assert (
            client.request(
                method, f"/v1/sections/{sid}/versions/1", headers=room.chair.headers
            ).status_code
            == 405
        )
    for path, item in app.openapi()["paths"].items():
        if "/versions/" in path:
            assert set(item) == {"get"}, path
    assert (
        ok(client.get(f"/v1/sections/{sid}/versions/1", headers=room.members[0].headers))["text"]
        == "Version one."
    )
    # observers read text but not who wrote it
    seen = ok(client.get(f"/v1/sections/{sid}/versions/2", headers=room.observers[0].headers))
    assert seen["author_id"] is None
    # members cannot write directly
    assert (
        client.post(
            f"/v1/sections/{sid}/versions",
            json={"base_version": 2, "text": "x"},
            headers=room.members[0].headers,
        ).status_code
        == 403
    )
    # future and negative base versions
    assert (
        client.post(
            f"/v1/sections/{sid}/versions",
            json={"base_version": 9, "text": "x"},
            headers=room.chair.headers,
        ).status_code
        == 409
    )
    assert (
        client.post(
            f"/v1/sections/{sid}/versions",
            json={"base_version": -1, "text": "x"},
            headers=room.chair.headers,
        ).status_code
        == 422
    )


def test_history_is_paged(client: TestClient) -> None:
    room = make_room(client)
    rid = new_report(client, room)["id"]
    sid = add(client, room, rid, text="v1")["id"]
    for n in range(2, 8):
        write_version(client, room, sid, n - 1, f"v{n}")
    page = ok(client.get(f"/v1/sections/{sid}/versions?limit=3", headers=room.members[0].headers))
    assert [v["number"] for v in page["items"]] == [1, 2, 3] and page["next"] == 3
    page = ok(
        client.get(f"/v1/sections/{sid}/versions?limit=3&after=6", headers=room.members[0].headers)
    )
    assert [v["number"] for v in page["items"]] == [7] and page["next"] is None
    assert "text" not in page["items"][0]


def test_diff_between_non_adjacent_versions(client: TestClient) -> None:
    room = make_room(client)
    rid = new_report(client, room)["id"]
    texts = [
        "The group should develop a working definition of Internet governance.\n\nIt met in Geneva.",
        "The group should develop a working definition of Internet governance.\n\nIt met in Geneva in November.",
        "The group shall develop a working definition of Internet governance.\n\nIt met in Geneva in November.",
    ]
    sid = add(client, room, rid, text=texts[0])["id"]
    for n, text in enumerate(texts[1:], start=1):
        ok(
            client.post(
                f"/v1/sections/{sid}/versions",
                json={"base_version": n, "text": text},
                headers=room.secretariat.headers,
            ),
            201,
        )
    diff = ok(client.get(f"/v1/sections/{sid}/diff?from=1&to=3", headers=room.members[0].headers))
    changed = [(d["op"], d["text"]) for d in diff["ops"] if d["op"] != "equal"]
    assert changed == [("delete", "ould"), ("insert", "all"), ("insert", " in November")]
    before = "".join(d["text"] for d in diff["ops"] if d["op"] != "insert")
    after = "".join(d["text"] for d in diff["ops"] if d["op"] != "delete")
    assert (before, after) == (texts[0], texts[2])
    assert diff["inserted_chars"] == 3 + 12 and diff["deleted_chars"] == 4
    words = ok(
        client.get(
            f"/v1/sections/{sid}/diff?from=1&granularity=word", headers=room.members[0].headers
        )
    )
    assert words["to_version"] == 3
    assert "<del>should</del><ins>shall</ins>" in words["html"]
    assert [(d["op"], d["text"]) for d in words["ops"] if d["op"] != "equal"] == [
        ("delete", "should"),
        ("insert", "shall"),
        ("insert", " in November"),
    ]
    assert (
        client.get(
            f"/v1/sections/{sid}/diff?from=1&to=9", headers=room.members[0].headers
        ).status_code
        == 404
    )


def test_paragraph_numbers_run_on_after_a_move(client: TestClient) -> None:
    room = make_room(client)
    rid = new_report(client, room)["id"]
    a = add(client, room, rid, label="I", text="One.\n\nTwo.\n\nThree.")
    b = add(client, room, rid, label="II", text="Four.\n\nFive.")
    add(client, room, rid, label="III", text="Six.")
    assert [s["first_paragraph"] for s in outline(client, room, rid)] == [1, 4, 6]
    move(client, room, b["id"], parent_id=None, position=0)
    assert [(s["label"], s["first_paragraph"]) for s in outline(client, room, rid)] == [
        ("II", 1),
        ("I", 3),
        ("III", 6),
    ]
    text = client.get(f"/v1/reports/{rid}/export?format=text", headers=room.members[0].headers).text
    assert "1. Four." in text and "3. One." in text and "6. Six." in text
    assert (
        ok(client.get(f"/v1/sections/{a['id']}", headers=room.members[0].headers))[
            "first_paragraph"
        ]
        == 3
    )


def test_import_history_outline_and_round_trip(client: TestClient) -> None:
    room = make_room(client)
    source = history_markdown()
    assert len(source) > 38_000
    report = ok(
        client.post(
            f"/v1/groups/{room.group_id}/reports/import",
            json={"markdown": source, "symbol": "WGIG/2005/1"},
            headers=room.secretariat.headers,
        ),
        201,
    )
    assert report["title"] == "A BRIEF HISTORY OF WGIG"
    entries = report["outline"]
    assert [(e["kind"], e["depth"]) for e in entries] == [("chapter", 0)] + [("section", 1)] * 8
    assert [e["heading"] for e in entries[1:]] == CHAPTERS
    assert [e["label"] for e in entries[1:4]] == ["I", "II", "III"]
    assert report["paragraph_total"] > 80
    exported = client.get(
        f"/v1/reports/{report['id']}/export?format=markdown", headers=room.members[0].headers
    )
    assert exported.headers["content-type"].startswith("text/markdown")
    body = exported.text
    assert body.startswith('---\ntitle: "A BRIEF HISTORY OF WGIG"')
    # the body after the front matter is the source, byte for byte
    assert body.split("\n---\n", 1)[1].lstrip("\n") == source
    # and importing the export gives the same outline and texts
    again = ok(
        client.post(
            f"/v1/groups/{room.group_id}/reports/import",
            json={"markdown": body},
            headers=room.secretariat.headers,
        ),
        201,
    )
    assert again["symbol"] == "WGIG/2005/1"
    strip = lambda o: [
        (e["kind"], e["label"], e["heading"], e["depth"], e["paragraph_count"]) for e in o
    ]
    assert strip(again["outline"]) == strip(entries)
    html = client.get(
        f"/v1/reports/{report['id']}/export?format=html", headers=room.members[0].headers
    )
    assert html.headers["content-type"].startswith("text/html")
    assert 'class="disclaimer"' in html.text and '<span class="num">1.</span>' in html.text


def test_milestone_read_back_after_later_edits(client: TestClient) -> None:
    room = make_room(client)
    rid = new_report(client, room)["id"]
    sid = add(client, room, rid, heading="Forum", text="A forum is needed.")["id"]
    milestone = ok(
        client.post(
            f"/v1/reports/{rid}/milestones",
            json={"name": "Preliminary Report"},
            headers=room.secretariat.headers,
        ),
        201,
    )
    assert milestone["entries"][0]["version_number"] == 1
    ok(
        client.post(
            f"/v1/sections/{sid}/versions",
            json={"base_version": 1, "text": "A global forum is needed."},
            headers=room.secretariat.headers,
        ),
        201,
    )
    ok(
        client.patch(
            f"/v1/sections/{sid}",
            json={"heading": "The forum function"},
            headers=matched(client, f"/v1/sections/{sid}", room.secretariat.headers),
        )
    )
    add(client, room, rid, heading="Oversight", text="Four models.")
    members = room.members[0].headers
    then = client.get(
        f"/v1/reports/{rid}/export?format=text&milestone={milestone['id']}", headers=members
    ).text
    assert "A forum is needed." in then and "global" not in then and "Oversight" not in then
    assert "FORUM" in then and "The forum function".upper() not in then
    assert "Preliminary Report" in then
    now = client.get(f"/v1/reports/{rid}/export?format=text", headers=members).text
    assert "A global forum is needed." in now and "Four models." in now
    comparison = ok(
        client.get(f"/v1/reports/{rid}/compare?from_milestone={milestone['id']}", headers=members)
    )
    changes = {s["heading"]: s["change"] for s in comparison["sections"]}
    assert changes == {"The forum function": "changed", "Oversight": "added"}
    read = ok(client.get(f"/v1/milestones/{milestone['id']}", headers=members))
    assert read["name"] == "Preliminary Report" and read["entries"][0]["heading"] == "Forum"
    assert (
        client.post(
            f"/v1/reports/{rid}/milestones", json={"name": "x"}, headers=members
        ).status_code
        == 403
    )


def test_export_at_a_timestamp(client: TestClient) -> None:
    room = make_room(client)
    rid = new_report(client, room)["id"]
    sid = add(client, room, rid, text="First words.")["id"]
    stamp = ok(client.get(f"/v1/sections/{sid}/versions/1", headers=room.chair.headers))[
        "created_at"
    ]
    ok(
        client.post(
            f"/v1/sections/{sid}/versions",
            json={"base_version": 1, "text": "Second words."},
            headers=room.secretariat.headers,
        ),
        201,
    )
    then = client.get(
        f"/v1/reports/{rid}/export",
        params={"format": "text", "at": stamp},
        headers=room.chair.headers,
    ).text
    assert "First words." in then and "Second" not in then
    naive = client.get(
        f"/v1/reports/{rid}/export",
        params={"at": "2005-06-18T01:30:00"},
        headers=room.chair.headers,
    )
    assert naive.status_code == 400


def test_export_at_a_timestamp_has_the_outline_of_that_time(client: TestClient) -> None:
    room = make_room(client)
    rid = new_report(client, room)["id"]
    one = add(client, room, rid, label="I", heading="Introduction", text="Opening words.")
    two = add(client, room, rid, label="II", heading="Definition", text="Defining words.")
    time.sleep(0.01)
    stamp = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    # afterwards: II moves first, I is renamed, then removed, and III is added
    move(client, room, two["id"], parent_id=None, position=0)
    ok(
        client.patch(
            f"/v1/sections/{one['id']}",
            json={"heading": "Preamble"},
            headers=matched(client, f"/v1/sections/{one['id']}", room.chair.headers),
        )
    )
    ok(
        client.delete(
            f"/v1/sections/{one['id']}",
            headers=matched(client, f"/v1/sections/{one['id']}", room.secretariat.headers),
        )
    )
    add(client, room, rid, label="III", heading="Later", text="Later words.")

    def export(**params: str) -> str:
        return str(
            client.get(
                f"/v1/reports/{rid}/export",
                params={"format": "markdown", **params},
                headers=room.chair.headers,
            ).text
        )

    then = export(at=stamp)
    assert "Introduction" in then and "Preamble" not in then and "Later" not in then
    assert then.index("Introduction") < then.index("Definition")
    assert then.index("Opening words.") < then.index("Defining words.")
    now = export()
    assert "Introduction" not in now and "Opening words." not in now
    assert now.index("Definition") < now.index("Later")


def test_reading_200_sections_is_one_query_per_table(client: TestClient, app: FastAPI) -> None:
    room = make_room(client)
    markdown = "\n\n".join(
        f"# Chapter {n}\n\nParagraph {n}a.\n\nParagraph {n}b." for n in range(200)
    )
    rid = ok(
        client.post(
            f"/v1/groups/{room.group_id}/reports/import",
            json={"markdown": markdown},
            headers=room.secretariat.headers,
        ),
        201,
    )["id"]
    statements: list[str] = []
    # The app's background pollers (webhook deliveries, consultations closing, the deadline
    # sweep) share the engine and may poll during the read; their statements are not the
    # read's (which reads no amendment, consultation, comment or webhook).
    background = ("webhook", "FROM consultation", "FROM comment", "FROM amendment")

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and not any(
            name in statement for name in background
        ):
            statements.append(statement)

    engine = app.state.database.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        report = ok(client.get(f"/v1/reports/{rid}", headers=room.members[0].headers))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(report["outline"]) == 200 and report["outline"][-1]["first_paragraph"] == 399
    # token and participant, report, its last event (the ETag), its stages, the outline's
    # state (one row), sections joined to head versions: the first read after the import
    # places the outline (a write that did not hold the report's lock keeps none for others)
    assert len(statements) <= 6, statements
