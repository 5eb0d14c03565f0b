"""After adoption: the editorial window, escalation, and the unanimous-consent rule."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.clock import ShiftedClock, utcnow
from app.config import Settings
from app.main import create_app
from tests.amendments.helpers import (
    TEXT,
    accept_everywhere,
    act,
    adopt_report,
    event_types,
    head_text,
    propose,
    report_with_section,
)
from tests.factories import add_person, make_room, matched, ok, signed


def soon(seconds: float) -> str:
    """A deadline `seconds` from now on the app's clock (tests move it with `clock`)."""
    return (utcnow() + timedelta(seconds=seconds)).isoformat()


def test_editorial_in_window_then_window_closes(client: TestClient, clock: ShiftedClock) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid, days=3)  # the notice: 48 hours by default
    fix = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Geneva,"), kind="editorial")
    assert fix["status"] == "consent_open" and fix["notice"] and fix["tally"]["voters"] == 4
    assert act(client, room.members[1], fix["id"], "adopt", 403)["status"] == 403
    refused = act(client, room.secretariat, fix["id"], "adopt", 409)
    assert refused["type"] == "urn:plenary:problem:editorial-notice"
    clock.advance(hours=48, seconds=1)  # nobody called it substance
    done = ok(client.get(f"/v1/amendments/{fix['id']}", headers=room.chair.headers))
    assert done["status"] == "adopted" and "editorial notice" in done["outcome_note"]
    late = propose(
        client,
        room.members[0],
        sid,
        TEXT.replace("Geneva", "Geneva,").replace("2004.", "2004 ."),
        base=2,
        kind="editorial",
        expect=409,
    )  # its notice would end after the window closes
    assert late["type"] == "urn:plenary:problem:editorial-notice"
    clock.advance(days=1, seconds=1)
    closed = propose(
        client, room.members[0], sid, TEXT + " x", base=2, kind="editorial", expect=409
    )
    assert closed["type"] == "urn:plenary:problem:invalid-state"
    assert "editorial window" in closed["detail"]
    # substance still goes through consent after the window
    assert propose(client, room.members[0], sid, TEXT + " x", base=2)["status"] == "consent_open"


def test_unanimous_consent_adopts_and_one_objection_blocks(client: TestClient) -> None:
    room = make_room(client, members=3)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    change = propose(
        client, room.members[0], sid, TEXT.replace("open to all", "open and inclusive to all")
    )
    assert change["status"] == "consent_open"
    tally = change["tally"]
    assert (
        tally["voters"] == 4 and tally["pending"] == 4
    )  # chair + 3 members; not secretariat or observers
    assert set(tally["pending_participant_ids"]) == {p.id for p in room.voters}
    # substantive amendments are not adopted by decision after adoption
    assert act(client, room.chair, change["id"], "adopt", 409)["status"] == 409
    for who in (room.secretariat, room.observers[0]):
        assert act(client, who, change["id"], "consent", 403)["status"] == 403
    for voter in room.voters[:-1]:
        assert act(client, voter, change["id"], "consent")["status"] == "consent_open"
    # the same answer again (a retry) changes nothing: no second answer, no event
    again = act(client, room.voters[0], change["id"], "consent")
    assert again["status"] == "consent_open" and again["tally"]["consented"] == 3
    done = act(client, room.voters[-1], change["id"], "consent")
    assert (
        done["status"] == "adopted"
        and done["resulting_version"] == 2
        and done["tally"]["consented"] == 4
    )
    assert "open and inclusive" in head_text(client, room, sid)
    # one objection blocks at once
    blocked = propose(client, room.members[1], sid, TEXT.replace("Geneva", "Tunis"), base=2)
    act(client, room.members[0], blocked["id"], "consent")
    assert (
        act(client, room.members[2], blocked["id"], "object", 422)["status"] == 422
    )  # a reason is required
    result = act(
        client, room.members[2], blocked["id"], "object", reason="This changes the venue of record."
    )
    assert result["status"] == "blocked" and result["tally"]["objected"] == 1
    # the round stays open until its deadline, but a consent does not unblock it
    still = act(client, room.chair, blocked["id"], "consent")
    assert still["status"] == "blocked" and still["tally"]["round_open"] is True
    assert "Tunis" not in head_text(client, room, sid)
    # nobody answers for someone else
    spoof = client.post(
        f"/v1/amendments/{blocked['id']}/consent",
        json={"participant_id": room.members[1].id},
        headers=room.members[0].headers,
    )
    assert spoof.status_code in (200, 422)  # the body names nobody: a retry of its own answer
    answered = ok(client.get(f"/v1/amendments/{blocked['id']}", headers=room.chair.headers))
    assert room.members[1].id in answered["tally"]["pending_participant_ids"]
    types = event_types(client, room, rid)
    assert (
        types.count("consent.consent") == 6
        and "consent.object" in types
        and "amendment.blocked" in types
    )
    # observers see the tally without names
    seen = ok(client.get(f"/v1/amendments/{blocked['id']}", headers=room.observers[0].headers))
    assert seen["proposer_id"] is None and all(
        a["participant_id"] is None for a in seen["tally"]["answers"]
    )
    objections = [a for a in seen["tally"]["answers"] if a["answer"] == "object"]
    assert [a["reason"] for a in objections] == ["This changes the venue of record."]


def test_escalation_opens_a_round(client: TestClient) -> None:
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    fix = propose(client, room.members[0], sid, TEXT.replace("should", "must"), kind="editorial")
    assert fix["suggested_kind"] == "substantive"
    assert act(client, room.secretariat, fix["id"], "escalate", 403)["status"] == 403
    assert act(client, room.observers[0], fix["id"], "escalate", 403)["status"] == 403
    escalated = act(
        client,
        room.members[1],
        fix["id"],
        "escalate",
        reason="It potentially raises an issue of substance",
    )
    assert escalated["kind"] == "substantive" and escalated["status"] == "consent_open"
    assert act(client, room.chair, fix["id"], "adopt", 409)["status"] == 409
    assert act(client, room.members[1], fix["id"], "escalate", 409)["status"] == 409


def test_voters_are_frozen_when_the_round_opens(client: TestClient) -> None:
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    change = propose(client, room.members[0], sid, TEXT + " Agreed.")
    newcomer = add_person(client, room.group_id, "member", by=room.chair.headers)
    assert act(client, newcomer, change["id"], "consent", 403)["status"] == 403
    leaving = room.members[1]
    ok(
        client.patch(
            f"/v1/participants/{leaving.id}", json={"active": False}, headers=room.chair.headers
        )
    )
    act(client, room.chair, change["id"], "consent")
    still = act(client, room.members[0], change["id"], "consent")
    assert still["status"] == "consent_open" and still["tally"]["pending_participant_ids"] == [
        leaving.id
    ]
    # the chair may cancel the round; it then lapses
    assert act(client, room.members[0], change["id"], "cancel-round", 403)["status"] == 403
    cancelled = act(
        client, room.chair, change["id"], "cancel-round", reason="Member left the group"
    )
    assert cancelled["status"] == "lapsed"


def test_revision_supersedes_and_voids_consents(client: TestClient) -> None:
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    first = propose(client, room.members[0], sid, TEXT + " First wording.")
    act(client, room.chair, first["id"], "consent")
    assert (
        act(client, room.members[1], first["id"], "revise", 403, text=TEXT + " x")["status"] == 403
    )
    second = act(
        client, room.members[0], first["id"], "revise", 201, text=TEXT + " Second wording."
    )
    assert second["supersedes_id"] == first["id"] and second["status"] == "consent_open"
    assert second["tally"]["consented"] == 0
    assert (
        ok(client.get(f"/v1/amendments/{first['id']}", headers=room.chair.headers))["status"]
        == "superseded"
    )
    assert act(client, room.chair, first["id"], "consent", 409)["status"] == 409


def test_round_conflicted_when_the_section_changes_under_it(client: TestClient) -> None:
    room = make_room(client, members=1)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    fix = propose(
        client,
        room.members[0],
        sid,
        TEXT.replace("Geneva", "Geneva, Switzerland"),
        kind="editorial",
    )
    overlapping = propose(
        client, room.members[0], sid, TEXT.replace("Geneva on", "Geneva (Palais des Nations) on")
    )
    independent = propose(client, room.members[0], sid, TEXT.replace("should", "shall"))
    act(client, room.chair, independent["id"], "consent")
    accept_everywhere(client, room, fix["id"])
    assert (
        ok(client.get(f"/v1/amendments/{overlapping['id']}", headers=room.chair.headers))["status"]
        == "conflicted"
    )
    still = ok(client.get(f"/v1/amendments/{independent['id']}", headers=room.chair.headers))
    assert still["status"] == "consent_open" and still["tally"]["consented"] == 1
    assert act(client, room.members[0], independent["id"], "consent")["status"] == "adopted"
    assert head_text(client, room, sid) == TEXT.replace("Geneva", "Geneva, Switzerland").replace(
        "should", "shall"
    )
    assert "amendment.conflicted" in event_types(client, room, rid)


def test_deadline_lapses_a_round_on_time(client: TestClient, clock: ShiftedClock) -> None:
    room = make_room(client, members=1)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    change = propose(client, room.members[0], sid, TEXT + " Late.", consent_deadline=soon(60))
    act(client, room.chair, change["id"], "consent")
    assert (
        propose(client, room.members[0], sid, TEXT + " x", consent_deadline=soon(-5), expect=422)[
            "status"
        ]
        == 422
    )
    clock.advance(seconds=61)
    # the first read after the deadline already shows the outcome
    read = ok(client.get(f"/v1/amendments/{change['id']}", headers=room.chair.headers))
    assert read["status"] == "lapsed"
    assert act(client, room.members[0], change["id"], "consent", 409)["status"] == 409


def test_an_answer_after_the_deadline_settles_the_round_itself(
    client: TestClient, clock: ShiftedClock
) -> None:
    """No read between the deadline and the answer: the answer's own lock settles the round
    (a member's amendment read says whether any round of the report is due), so the voter
    gets 409 and the round has lapsed, with its event, and the answer is not recorded."""
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    change = propose(client, room.members[0], sid, TEXT + " Late.", consent_deadline=soon(60))
    body = signed(client, room.members[1], change["id"], "consent")
    clock.advance(seconds=61)
    late = client.post(
        f"/v1/amendments/{change['id']}/consent", json=body, headers=room.members[1].headers
    )
    assert late.status_code == 409, late.text
    assert late.json()["amendment_status"] == "lapsed"
    read = ok(client.get(f"/v1/amendments/{change['id']}", headers=room.chair.headers))
    assert read["status"] == "lapsed" and read["tally"]["consented"] == 0
    assert event_types(client, room, rid)[-1] == "amendment.lapsed"


def test_silence_procedure_adopts_at_the_deadline(client: TestClient, clock: ShiftedClock) -> None:
    room = make_room(client, members=2)
    rid, sid = report_with_section(client, room, silence_procedure=True)
    adopt_report(client, room, rid)
    quiet = propose(client, room.members[0], sid, TEXT + " Silence.", consent_deadline=soon(60))
    objected = propose(
        client, room.members[1], sid, TEXT.replace("Geneva", "Tunis"), consent_deadline=soon(60)
    )
    act(client, room.members[0], objected["id"], "object", reason="No.")
    clock.advance(seconds=61)
    listed = {
        a["id"]: a
        for a in ok(client.get(f"/v1/reports/{rid}/amendments", headers=room.chair.headers))[
            "items"
        ]
    }
    assert (
        listed[quiet["id"]]["status"] == "adopted" and listed[quiet["id"]]["resulting_version"] == 2
    )
    assert listed[objected["id"]]["status"] == "blocked"
    assert head_text(client, room, sid).endswith("Silence.")


def test_deadline_takes_effect_without_any_request(settings: Settings, clock: ShiftedClock) -> None:
    # The sweeper inside the app's lifespan, not a request, settles the round: nothing is
    # requested after the deadline, the database is read directly until it has.
    app = create_app(settings.model_copy(update={"deadline_sweep_seconds": 0.05}))
    with TestClient(app) as client:
        room = make_room(client, members=1)
        rid, sid = report_with_section(client, room)
        adopt_report(client, room, rid)
        change = propose(client, room.members[0], sid, TEXT + " Swept.", consent_deadline=soon(60))
        assert amendment_status(app, change["id"]) == "consent_open"
        clock.advance(seconds=61)
        waited_until = time.monotonic() + 30  # a bound for a loaded machine, not a timing
        while amendment_status(app, change["id"]) != "lapsed":
            assert time.monotonic() < waited_until, "the sweeper never settled the round"
            time.sleep(0.02)
    app.state.database.dispose()


def amendment_status(app: FastAPI, amendment_id: int) -> str:
    with app.state.database.engine.connect() as connection:
        return str(
            connection.execute(
                text("SELECT status FROM amendment WHERE id = :i"), {"i": amendment_id}
            ).scalar_one()
        )


def test_a_read_settles_a_deadline_the_sweeper_has_not_reached(
    settings: Settings, clock: ShiftedClock
) -> None:
    # No sweep during the test: the request itself must notice that a round fell due, although
    # the process settled (and found nothing due) just before that round opened.
    app = create_app(settings.model_copy(update={"deadline_sweep_seconds": 3600}))
    with TestClient(app) as client:
        room = make_room(client, members=1)
        rid, sid = report_with_section(client, room)
        adopt_report(client, room, rid)
        first = propose(client, room.members[0], sid, TEXT + " First.", consent_deadline=soon(60))
        later = propose(client, room.members[0], sid, TEXT + " Later.", consent_deadline=soon(30))
        assert (
            ok(client.get(f"/v1/amendments/{later['id']}", headers=room.chair.headers))["status"]
            == "consent_open"
        )
        clock.advance(seconds=31)
        read = ok(client.get(f"/v1/amendments/{later['id']}", headers=room.chair.headers))
        assert read["status"] == "lapsed"
        still = ok(client.get(f"/v1/amendments/{first['id']}", headers=room.chair.headers))
        assert still["status"] == "consent_open"
    app.state.database.dispose()


def test_transmission_freezes_everything(client: TestClient) -> None:
    room = make_room(client, members=1)
    rid, sid = report_with_section(client, room)
    assert (
        client.post(
            f"/v1/reports/{rid}/transmit",
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        ).status_code
        == 409
    )
    adopt_report(client, room, rid)
    pending = propose(client, room.members[0], sid, TEXT + " Pending.")
    assert (
        client.post(
            f"/v1/reports/{rid}/transmit",
            headers=matched(client, f"/v1/reports/{rid}", room.members[0].headers),
        ).status_code
        == 403
    )
    report = ok(
        client.post(
            f"/v1/reports/{rid}/transmit",
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        )
    )
    assert report["status"] == "transmitted"
    assert (
        ok(client.get(f"/v1/amendments/{pending['id']}", headers=room.chair.headers))["status"]
        == "lapsed"
    )
    frozen = "urn:plenary:problem:report-transmitted"
    assert propose(client, room.members[0], sid, TEXT + " Too late.", expect=409)["type"] == frozen
    assert (
        client.patch(
            f"/v1/reports/{rid}",
            json={"title": "x"},
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        ).json()["type"]
        == frozen
    )
    assert (
        client.post(
            f"/v1/reports/{rid}/transmit",
            headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
        ).json()["type"]
        == frozen
    )
    assert (
        client.post(
            f"/v1/reports/{rid}/sections", json={"kind": "annex"}, headers=room.chair.headers
        ).json()["type"]
        == frozen
    )
    assert act(client, room.chair, pending["id"], "consent", 409)["type"] == frozen
    kinds = [
        m["kind"]
        for m in ok(client.get(f"/v1/reports/{rid}/milestones", headers=room.chair.headers))[
            "items"
        ]
    ]
    assert kinds == ["adoption", "transmission"]


def test_forty_simultaneous_consents_apply_exactly_once(client: TestClient, app: FastAPI) -> None:
    room = make_room(client, members=39, observers=0)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    change = propose(
        client,
        room.members[0],
        sid,
        TEXT.replace("all stakeholders", "all stakeholders on an equal footing"),
    )
    assert change["tally"]["voters"] == 40

    bodies = [signed(client, voter, change["id"], "consent") for voter in room.voters]

    def consent(voter_index: int) -> tuple[int, str]:
        response = client.post(
            f"/v1/amendments/{change['id']}/consent",
            json=bodies[voter_index],
            headers=room.voters[voter_index].headers,
        )
        return response.status_code, response.json()["status"]

    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(consent, range(40)))
    assert [code for code, _ in results] == [200] * 40
    assert sum(1 for _, status in results if status == "adopted") == 1
    with app.state.database.engine.connect() as connection:
        versions = connection.execute(
            text("SELECT count(*) FROM section_version WHERE section_id = :s"), {"s": sid}
        ).scalar_one()
        consents = connection.execute(
            text("SELECT count(*) FROM consent WHERE amendment_id = :a"), {"a": change["id"]}
        ).scalar_one()
        applied = connection.execute(
            text("SELECT count(*) FROM section_version WHERE amendment_id = :a"),
            {"a": change["id"]},
        ).scalar_one()
    assert (versions, consents, applied) == (2, 40, 1)
    assert event_types(client, room, rid).count("amendment.adopted") == 1
    assert (
        ok(client.get(f"/v1/reports/{rid}/events/verify", headers=room.chair.headers))["ok"] is True
    )


def test_two_conflicting_adoptions_at_once(client: TestClient) -> None:
    room = make_room(client, members=1)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    one = propose(client, room.members[0], sid, TEXT.replace("Geneva", "Geneva,"), kind="editorial")
    two = propose(
        client, room.members[0], sid, TEXT.replace("Geneva on", "Geneva, on"), kind="editorial"
    )

    for change in (one, two):
        act(client, room.chair, change["id"], "consent")
    last = room.members[0]  # its acceptance completes either notice: both race to apply

    def accept(amendment_id: int) -> tuple[int, str]:
        body = signed(client, last, amendment_id, "consent")
        response = client.post(
            f"/v1/amendments/{amendment_id}/consent", json=body, headers=last.headers
        )
        return response.status_code, response.json()[
            "type" if response.status_code != 200 else "status"
        ]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = sorted(pool.map(accept, (one["id"], two["id"])))
    # Both add the same comma after "Geneva": the one applied second ends the other's
    # notice as conflicted, so the later acceptance finds no round open.
    assert results == [(200, "adopted"), (409, "urn:plenary:problem:invalid-state")]
    assert ok(client.get(f"/v1/sections/{sid}", headers=room.chair.headers))["head_version"] == 2
