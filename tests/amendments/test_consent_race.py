"""The consent race with richer answers (issue 21): forty voters answer at once, some change
their answer, one objection is withdrawn; the round ends in exactly one outcome, applied
exactly once. Runs on the engine under test (PLENARY_TEST_DATABASE_URL for PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.amendments.helpers import TEXT, adopt_report, event_types, propose, report_with_section
from tests.factories import Person, make_room, ok, signed

# What each voter does, in order, in its own thread (voter 0 objected before the race).
OBJECT_THEN_CONSENT = range(1, 6)
CONSENT_THEN_STAND_ASIDE = range(6, 16)
STAND_ASIDE = range(16, 24)


def plan(index: int) -> list[tuple[str, dict[str, str]]]:
    if index == 0:
        return [("withdraw-objection", {"reason": "Explained."}), ("consent", {})]
    if index in OBJECT_THEN_CONSENT:
        return [("object", {"reason": "Wait."}), ("consent", {})]
    if index in CONSENT_THEN_STAND_ASIDE:
        return [("consent", {}), ("stand-aside", {"reason": "Can live with it."})]
    if index in STAND_ASIDE:
        return [("stand-aside", {})]
    return [("consent", {})]


def test_forty_changing_answers_and_a_withdrawn_objection_apply_once(
    client: TestClient, app: FastAPI
) -> None:
    room = make_room(client, members=39, observers=0)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    change = propose(
        client,
        room.members[0],
        sid,
        TEXT.replace("all stakeholders", "all stakeholders on an equal footing"),
    )
    amendment = change["id"]
    assert change["tally"]["voters"] == 40
    voters: list[Person] = room.voters
    objected = client.post(
        f"/v1/amendments/{amendment}/object",
        json=signed(client, voters[0], amendment, "object", reason="Not yet."),
        headers=voters[0].headers,
    )
    assert objected.json()["status"] == "blocked"
    # Each voter signs its answers first (the round and the wording do not change).
    plans = [
        [(action, signed(client, voters[i], amendment, action, **body)) for action, body in plan(i)]
        for i in range(40)
    ]

    def run(index: int) -> list[tuple[int, str]]:
        results = []
        for action, body in plans[index]:
            response = client.post(
                f"/v1/amendments/{amendment}/{action}", json=body, headers=voters[index].headers
            )
            answer = response.json()
            outcome = answer["status"] if response.status_code == 200 else answer["type"]
            results.append((response.status_code, outcome))
        return results

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = [r for rs in pool.map(run, range(40)) for r in rs]
    # Every request was answered; one completed unanimity. A change that came after it found
    # the round ended: 409, nothing written.
    applied = [r for r in outcomes if r == (200, "adopted")]
    late = [r for r in outcomes if r[0] != 200]
    assert len(applied) == 1, outcomes
    assert all(r == (409, "urn:plenary:problem:invalid-state") for r in late), late
    final = ok(client.get(f"/v1/amendments/{amendment}", headers=room.chair.headers))
    assert final["status"] == "adopted" and final["tally"]["objected"] == 0
    assert final["tally"]["consented"] + final["tally"]["stood_aside"] == 40
    with app.state.database.engine.connect() as connection:
        versions = connection.execute(
            text("SELECT count(*) FROM section_version WHERE section_id = :s"), {"s": sid}
        ).scalar_one()
        produced = connection.execute(
            text("SELECT count(*) FROM section_version WHERE amendment_id = :a"), {"a": amendment}
        ).scalar_one()
        rows = connection.execute(
            text("SELECT count(*) FROM consent WHERE amendment_id = :a"), {"a": amendment}
        ).scalar_one()
    assert (versions, produced, rows) == (2, 1, 40)
    kinds = event_types(client, room, rid)
    assert kinds.count("amendment.adopted") == 1 and kinds.count("consent.withdrawn") == 1
    # every answer given is in the event chain, changes included, and the chain holds
    answers = sum(
        kinds.count(k) for k in ("consent.consent", "consent.stand_aside", "consent.object")
    )
    given = sum(1 for code, _ in outcomes if code == 200) - 1  # less the withdrawal
    assert answers == 1 + given
    assert ok(client.get(f"/v1/reports/{rid}/events/verify", headers=room.chair.headers))["ok"]
