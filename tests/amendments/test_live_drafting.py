"""Live drafting on the floor: the wording is typed in front of the room."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.amendments.helpers import (
    TEXT,
    act,
    event_types,
    open_meeting,
    propose,
    report_with_section,
)
from tests.factories import make_room, matched, ok


def on_floor(client: TestClient) -> tuple[Any, int, int, dict[str, Any]]:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    open_meeting(client, room, rid)
    amendment = propose(
        client,
        room.members[0],
        sid,
        TEXT.replace("all stakeholders", "all stakeholders on an equal footing"),
    )
    act(client, room.chair, amendment["id"], "floor")
    return room, rid, sid, amendment


def revise(client: TestClient, who: Any, amendment_id: int, wording: str, tag: str) -> Any:
    return client.post(
        f"/v1/amendments/{amendment_id}/revisions",
        json={"text": wording},
        headers={**who.headers, "If-Match": tag},
    )


def test_two_typists_from_one_revision_one_wins(client: TestClient) -> None:
    room, rid, _sid, amendment = on_floor(client)
    tag = client.get(f"/v1/amendments/{amendment['id']}", headers=room.secretariat.headers).headers[
        "etag"
    ]
    wordings = [TEXT.replace("all stakeholders", f"all stakeholders (typist {n})") for n in (1, 2)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(lambda w: revise(client, room.secretariat, amendment["id"], w, tag), wordings)
        )
    codes = sorted(r.status_code for r in results)
    assert codes == [201, 412]
    stale = next(r for r in results if r.status_code == 412).json()
    assert stale["current"]["instruction"] and stale["etag"] != tag
    winner = next(r for r in results if r.status_code == 201).json()
    assert winner["draft_revision"] == 2
    # the revision is an event carrying a diff the screen can apply
    page = ok(client.get(f"/v1/reports/{rid}/events?limit=1000", headers=room.members[1].headers))
    revised = [e for e in page["items"] if e["type"] == "amendment.revised"]
    assert len(revised) == 1 and revised[0]["payload"]["revision"] == 2
    ops = revised[0]["payload"]["ops"]
    assert any(op[0] == "+" and "typist" in op[1] for op in ops) and any(op[0] == "=" for op in ops)


def test_adoption_pins_the_wording_on_the_wall(client: TestClient, app: FastAPI) -> None:
    room, _rid, sid, amendment = on_floor(client)
    a = amendment["id"]
    first = revise(
        client,
        room.secretariat,
        a,
        TEXT.replace("all stakeholders", "every stakeholder"),
        matched(client, f"/v1/amendments/{a}", room.secretariat.headers)["If-Match"],
    )
    assert first.status_code == 201
    chair_tag = client.get(f"/v1/amendments/{a}", headers=room.chair.headers).headers[
        "etag"
    ]  # the chair looks at revision 2
    typist_tag = first.headers["etag"]
    late = TEXT.replace("all stakeholders", "every single stakeholder")

    def adopt() -> Any:
        return client.post(
            f"/v1/amendments/{a}/adopt", headers={**room.chair.headers, "If-Match": chair_tag}
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        adoption = pool.submit(adopt)
        typing = pool.submit(
            revise, client, room.members[0], a, late, typist_tag
        )  # the proposer holds the pen too
        outcomes = sorted([adoption.result().status_code, typing.result().status_code])
    assert outcomes == [200, 412] or outcomes == [201, 412]
    head = ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))
    if adoption.result().status_code == 200:
        assert head["head"]["text"] == TEXT.replace("all stakeholders", "every stakeholder")
        with app.state.database.engine.connect() as connection:
            pinned = connection.execute(
                text("SELECT amendment_revision FROM section_version WHERE amendment_id = :a"),
                {"a": a},
            ).scalar_one()
        assert pinned == 2
    else:
        assert (
            head["head_version"] == 1
        )  # nothing applied: the wording moved after the chair looked
        retry = client.post(
            f"/v1/amendments/{a}/adopt",
            headers=matched(client, f"/v1/amendments/{a}", room.chair.headers),
        )
        assert retry.status_code == 200
        assert (
            ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head"]["text"]
            == late
        )


def test_revisions_are_kept_listed_and_diffed(client: TestClient) -> None:
    room, rid, _sid, amendment = on_floor(client)
    a = amendment["id"]
    wordings = [
        TEXT.replace("all stakeholders", w)
        for w in ("every stakeholder", "every stakeholder group", "all stakeholder groups")
    ]
    for wording in wordings:
        assert (
            revise(
                client,
                room.secretariat,
                a,
                wording,
                matched(client, f"/v1/amendments/{a}", room.secretariat.headers)["If-Match"],
            ).status_code
            == 201
        )
    listed = ok(client.get(f"/v1/amendments/{a}/revisions", headers=room.members[1].headers))[
        "items"
    ]
    assert [r["number"] for r in listed] == [1, 2, 3, 4]
    assert (
        listed[0]["author_id"] == room.members[0].id
        and listed[1]["author_id"] == room.secretariat.id
    )
    assert [
        r["author_id"]
        for r in ok(client.get(f"/v1/amendments/{a}/revisions", headers=room.observers[0].headers))[
            "items"
        ]
    ] == [None] * 4
    assert (
        ok(client.get(f"/v1/amendments/{a}/revisions/3", headers=room.members[1].headers))["text"]
        == wordings[1]
    )
    diff = ok(
        client.get(f"/v1/amendments/{a}/revisions/4/diff?from=2", headers=room.members[1].headers)
    )
    assert (
        "<del>every</del><ins>all</ins>" in diff["html"]
        and "stakeholder<ins> groups</ins>" in diff["html"]
    )
    current = ok(client.get(f"/v1/amendments/{a}", headers=room.members[1].headers))
    assert current["draft_revision"] == 4 and current["proposed_text"] == wordings[2]
    assert (
        current["instruction"]
        == 'In paragraph 3, replace "stakeholders" with "stakeholder groups".'
    )
    floor = ok(client.get(f"/v1/reports/{rid}/floor", headers=room.members[1].headers))
    assert (
        floor["pen"] == room.secretariat.name and floor["floor"]["preview"]["text"] == wordings[2]
    )
    assert (
        ok(client.get(f"/v1/reports/{rid}/floor", headers=room.observers[0].headers))["pen"] is None
    )
    assert event_types(client, room, rid).count("amendment.revised") == 3


def test_who_may_type_and_when(client: TestClient) -> None:
    room, rid, sid, amendment = on_floor(client)
    a = amendment["id"]
    wording = TEXT.replace("all stakeholders", "any stakeholder")
    for who, code in ((room.members[1], 403), (room.observers[0], 403)):
        assert (
            revise(
                client,
                who,
                a,
                wording,
                matched(client, f"/v1/amendments/{a}", who.headers)["If-Match"],
            ).status_code
            == code
        )
    assert (
        client.post(
            f"/v1/amendments/{a}/revisions",
            json={"text": wording},
            headers=room.secretariat.headers,
        ).status_code
        == 428
    )
    tag = matched(client, f"/v1/amendments/{a}", room.secretariat.headers)["If-Match"]
    assert (
        revise(client, room.secretariat, a, amendment["proposed_text"], tag).status_code == 422
    )  # no change
    assert (
        revise(client, room.secretariat, a, TEXT, tag).status_code == 422
    )  # nothing left to amend
    # not on the floor: no live drafting
    other = propose(client, room.members[1], sid, TEXT + " Other.")
    assert (
        revise(
            client,
            room.secretariat,
            other["id"],
            TEXT + " x",
            matched(client, f"/v1/amendments/{other['id']}", room.secretariat.headers)["If-Match"],
        ).status_code
        == 409
    )
    # after the report is adopted, the floor is closed to live drafting
    ok(
        client.post(
            f"/v1/reports/{rid}/adopt",
            json={},
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    )
    substantive = propose(client, room.members[0], sid, TEXT + " After.")
    assert substantive["status"] == "consent_open"
    assert (
        revise(
            client,
            room.members[0],
            substantive["id"],
            TEXT + " Changed.",
            matched(client, f"/v1/amendments/{substantive['id']}", room.members[0].headers)[
                "If-Match"
            ],
        ).status_code
        == 409
    )
