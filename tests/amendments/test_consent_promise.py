"""The consent rule nobody can bypass (issue 28), tried from the side of those who run the room:
substance labelled editorial never applies on one person's word, and an answer is the
member's own (signed with its key) or visibly not."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from app.clock import ShiftedClock
from app.signatures import (
    answer_message,
    endorsement_message,
    new_private_key,
    public_key_text,
    sign,
    wording_sha256,
)
from tests.amendments.helpers import (
    accept_everywhere,
    act,
    adopt_report,
    event_types,
    head_text,
    propose,
    report_with_section,
)
from tests.factories import (
    ADMIN,
    KEYS,
    Room,
    add_person,
    bearer,
    make_room,
    matched,
    ok,
    signature,
)

TEXT = (
    "The WGIG considered the definition of Internet governance.\n\n"
    "Governments and civil society should work together."
)
PROBLEM = "urn:plenary:problem:"


def adopted_room(client: TestClient, members: int = 3) -> tuple[Room, int, int]:
    room = make_room(client, members=members)
    rid, sid = report_with_section(client, room, TEXT)
    adopt_report(client, room, rid)
    return room, rid, sid


def test_substance_called_editorial_waits_for_every_member(client: TestClient) -> None:
    room, rid, sid = adopted_room(client)
    cases = [
        (room.chair, TEXT.replace("considered the definition", "did not agree a definition")),
        (room.secretariat, TEXT.replace("Governments and civil society", "Governments alone")),
    ]
    for who, wording in cases:
        change = propose(client, who, sid, wording, kind="editorial")
        assert change["suggested_kind"] == "substantive" and change["kind_disputed"]
        assert change["status"] == "consent_open" and change["notice"]
        for decider in (room.chair, room.secretariat):
            refused = act(client, decider, change["id"], "adopt", 409)
            assert refused["type"] == PROBLEM + "editorial-notice"
        assert head_text(client, room, sid) == TEXT
    # any voting member breaks the notice: a consent round, answers asked afresh
    first = ok(client.get(f"/v1/reports/{rid}/amendments", headers=room.members[0].headers))
    notice = first["items"][0]
    act(client, room.members[1], notice["id"], "consent")  # accepted as editorial ...
    escalated = act(client, room.members[0], notice["id"], "escalate", reason="Substance")
    assert escalated["kind"] == "substantive" and not escalated["notice"]
    assert escalated["tally"]["consented"] == 0  # ... which is not consent to substance
    for voter in room.voters[:-1]:
        act(client, voter, notice["id"], "consent")
    assert head_text(client, room, sid) == TEXT  # one voter has not consented yet
    objected = act(client, room.voters[-1], notice["id"], "object", reason="Not agreed")
    assert objected["status"] == "blocked" and head_text(client, room, sid) == TEXT


def test_an_editorial_notice_applies_after_its_notice_or_when_all_accept(
    client: TestClient, clock: ShiftedClock
) -> None:
    room, _rid, sid = adopted_room(client)
    typo = propose(client, room.members[0], sid, TEXT.replace("WGIG", "WGIG,"), kind="editorial")
    assert typo["notice"] and not typo["kind_disputed"]
    answered = act(client, room.members[1], typo["id"], "object", 409, reason="no")
    assert answered["type"] == PROBLEM + "editorial-notice"  # escalate instead
    assert act(client, room.observers[0], typo["id"], "consent", 403)["status"] == 403
    assert act(client, room.secretariat, typo["id"], "consent", 403)["status"] == 403
    all_accepted = accept_everywhere(client, room, typo["id"])
    assert all_accepted["status"] == "adopted"
    assert head_text(client, room, sid) == TEXT.replace("WGIG", "WGIG,")

    base = all_accepted["resulting_version"]
    quiet = propose(
        client,
        room.members[0],
        sid,
        TEXT.replace("WGIG", "WGIG,") + " ",
        base=base,
        kind="editorial",
    )
    act(client, room.chair, quiet["id"], "consent")
    clock.advance(hours=47)
    assert ok(client.get(f"/v1/amendments/{quiet['id']}", headers=ADMIN))["status"] == (
        "consent_open"
    )
    clock.advance(hours=1, seconds=1)
    done = ok(client.get(f"/v1/amendments/{quiet['id']}", headers=ADMIN))
    assert done["status"] == "adopted" and "editorial notice" in done["outcome_note"]
    # the chair or the secretariat steer: they may reject a notice, a member may not
    steer = propose(client, room.members[0], sid, TEXT + ".", base=base + 1, kind="editorial")
    assert act(client, room.members[1], steer["id"], "reject", 403)["status"] == 403
    assert act(client, room.secretariat, steer["id"], "reject", reason="Not needed")["status"] == (
        "rejected"
    )


def test_answers_are_signed_by_the_members_own_key(client: TestClient) -> None:
    room, rid, sid = adopted_room(client, members=2)
    change = propose(client, room.members[0], sid, TEXT + " Agreed.")
    other = propose(client, room.members[0], sid, TEXT + " Noted.")
    member = room.members[1]
    url = f"/v1/amendments/{change['id']}/consent"
    unsigned = client.post(url, json={}, headers=member.headers)
    assert unsigned.status_code == 422
    # a signature made for another amendment, another answer, or by another key
    for forged in (
        signature(client, member.token, other["id"], "consent"),
        signature(client, member.token, change["id"], "stand_aside"),
        signature(client, room.members[0].token, change["id"], "consent"),
    ):
        refused = client.post(url, json={"signature": forged}, headers=member.headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["type"] == PROBLEM + "signature-invalid"
    answered = act(client, member, change["id"], "consent")
    # the same answer again, unsigned by its voter: refused, not "already given"
    forged = signature(client, room.members[0].token, change["id"], "consent")
    again = client.post(url, json={"signature": forged}, headers=member.headers)
    assert again.status_code == 422, again.text
    row = next(a for a in answered["tally"]["answers"] if a["participant_id"] == member.id)
    assert row["signature"] and row["signing_key_id"]
    events = ok(client.get(f"/v1/reports/{rid}/events", headers=room.chair.headers))["items"]
    recorded = [e for e in events if e["type"] == "consent.consent"][-1]
    assert recorded["signature"] == row["signature"]
    assert recorded["payload"]["signature_commitment"]
    public = ok(client.get(f"/v1/reports/{rid}/events", headers=room.observers[0].headers))
    seen = next(e for e in public["items"] if e["id"] == recorded["id"])
    assert seen["signature"] is None and seen["signing_key_id"] is None
    observer_tally = ok(
        client.get(f"/v1/amendments/{change['id']}", headers=room.observers[0].headers)
    )["tally"]
    assert all(a.get("signature") is None for a in observer_tally["answers"])


def test_keys_first_rotated_and_never_for_someone_else(client: TestClient) -> None:
    room = make_room(client, members=1, observers=0)
    member = room.members[0]
    me = ok(client.get("/v1/me", headers=member.headers))
    assert me["signing_key"]["origin"] == "first"
    # a second key without the first one's endorsement: refused
    stranger = new_private_key()
    body = {"public_key": public_key_text(stranger)}
    refused = client.put("/v1/me/signing-key", json=body, headers=member.headers)
    assert refused.status_code == 409
    assert refused.json()["type"] == PROBLEM + "key-endorsement-required"
    message = endorsement_message(participant_id=member.id, new_public_key=body["public_key"])
    endorsed = {**body, "endorsement": sign(member.key, message)}
    rotated = ok(client.put("/v1/me/signing-key", json=endorsed, headers=member.headers))
    assert rotated["origin"] == "rotated"
    assert client.put("/v1/me/signing-key", json=body, headers=ADMIN).status_code == 403
    keys = ok(client.get(f"/v1/groups/{room.group_id}/signing-keys", headers=room.chair.headers))[
        "items"
    ]
    mine = [k for k in keys if k["participant_id"] == member.id]
    assert [k["origin"] for k in mine] == ["first", "rotated"] and mine[0]["replaced_at"]
    observer = add_person(client, room.group_id, "observer")
    listed = client.get(f"/v1/groups/{room.group_id}/signing-keys", headers=observer.headers)
    assert listed.status_code == 403  # keys would let observers link answers to people


def forge_as(client: TestClient, room: Room, rid: int, who: dict[str, str]) -> dict[str, Any]:
    """What a chair (or the site admin) can do to answer as a member: end its tokens, invite
    it again, redeem the code with a key of its own, and answer with that."""
    victim = room.members[0]
    invited = client.post(f"/v1/participants/{victim.id}/invitations", json={}, headers=who)
    code = ok(invited, 201)["code"]
    key = new_private_key()
    body = {"code": code, "public_key": public_key_text(key)}
    token = ok(client.post("/v1/invitations/redeem", json=body), 201)["token"]
    KEYS[token] = key
    return {"victim": victim, "token": token}


def test_a_chair_or_admin_answering_as_a_member_is_on_the_record(client: TestClient) -> None:
    for who in ("chair", "admin"):
        room, rid, sid = adopted_room(client, members=2)
        change = propose(client, room.members[1], sid, TEXT + f" {who}.")
        headers = room.chair.headers if who == "chair" else ADMIN
        forged = forge_as(client, room, rid, headers)
        victim = forged["victim"]
        # the member's own token died, on the record
        assert client.get("/v1/me", headers=victim.headers).status_code == 401
        types = event_types(client, room, rid)
        assert types.count("token.revoked") == 1 and "key.registered" in types
        events = ok(client.get(f"/v1/reports/{rid}/events", headers=room.members[1].headers))
        replaced = [e for e in events["items"] if e["type"] == "key.registered"][-1]
        assert replaced["payload"]["origin"] == "replaced"
        assert replaced["actor_id"] == victim.id  # every member sees whose key it was
        body = {"signature": signature(client, forged["token"], change["id"], "consent")}
        ok(
            client.post(
                f"/v1/amendments/{change['id']}/consent", json=body, headers=bearer(forged["token"])
            )
        )
        keys = ok(client.get(f"/v1/groups/{room.group_id}/signing-keys", headers=headers))["items"]
        used = [k for k in keys if k["participant_id"] == victim.id and not k["replaced_at"]]
        assert used[0]["origin"] == "replaced"


def test_the_secretariat_cannot_lock_a_member_out_and_hold_its_code(client: TestClient) -> None:
    room, _rid, _ = adopted_room(client, members=1)
    member = room.members[0]
    refused = client.post(
        f"/v1/participants/{member.id}/invitations", json={}, headers=room.secretariat.headers
    )
    assert refused.status_code == 403
    assert ok(client.get("/v1/me", headers=member.headers))["participant"]["id"] == member.id


def test_revoking_a_token_is_on_the_record(client: TestClient) -> None:
    room, rid, _ = adopted_room(client, members=1)
    member = room.members[0]
    tokens = ok(client.get("/v1/me/tokens", headers=member.headers))["items"]
    ok(client.delete(f"/v1/tokens/{tokens[0]['id']}", headers=room.chair.headers))
    events = ok(client.get(f"/v1/reports/{rid}/events", headers=room.chair.headers))["items"]
    revoked = [e for e in events if e["type"] == "token.revoked"]
    assert revoked and revoked[-1]["payload"] == {"tokens": 1, "by": "chair", "why": "revoked"}
    assert revoked[-1]["actor_id"] == room.chair.id


def test_a_demoted_voter_still_answers_the_round_it_was_frozen_into(client: TestClient) -> None:
    room, _rid, sid = adopted_room(client, members=2)
    change = propose(client, room.members[0], sid, TEXT + " Agreed.")
    demoted = room.members[1]
    ok(
        client.patch(
            f"/v1/participants/{demoted.id}", json={"role": "observer"}, headers=room.chair.headers
        )
    )
    for voter in (room.chair, room.members[0]):
        act(client, voter, change["id"], "consent")
    objected = act(client, demoted, change["id"], "object", reason="I still object")
    assert objected["status"] == "blocked"  # the chair cannot demote an objection away
    later = propose(client, room.members[0], sid, TEXT + " Later.")
    assert act(client, demoted, later["id"], "consent", 403)["status"] == 403


def test_a_deactivated_voter_stays_pending_and_cannot_be_answered_for(
    client: TestClient,
) -> None:
    room, _rid, sid = adopted_room(client, members=2)
    change = propose(client, room.members[0], sid, TEXT + " Agreed.")
    leaving = room.members[1]
    ok(
        client.patch(
            f"/v1/participants/{leaving.id}", json={"active": False}, headers=room.chair.headers
        )
    )
    for voter in (room.chair, room.members[0]):
        act(client, voter, change["id"], "consent")
    still = ok(client.get(f"/v1/amendments/{change['id']}", headers=room.chair.headers))
    assert still["status"] == "consent_open"
    assert still["tally"]["pending_participant_ids"] == [leaving.id]
    assert head_text(client, room, sid) == TEXT
    # nobody can invite a deactivated member in order to answer for it
    invited = client.post(
        f"/v1/participants/{leaving.id}/invitations", json={}, headers=room.chair.headers
    )
    assert invited.status_code == 409


def test_a_signed_answer_cannot_be_replayed_into_a_new_round(client: TestClient) -> None:
    room, rid, sid = adopted_room(client, members=1)
    change = propose(client, room.members[0], sid, TEXT + " Agreed.", kind="editorial")
    old = ok(client.get(f"/v1/amendments/{change['id']}", headers=room.chair.headers))
    message = answer_message(
        report_id=rid,
        amendment_id=change["id"],
        round=old["round"],
        wording_sha256=wording_sha256(old["proposed_text"]),
        answer="consent",
        reason="",
    )
    notice_signature = sign(room.chair.key, message)
    act(client, room.members[0], change["id"], "escalate", reason="Substance")
    replay = client.post(
        f"/v1/amendments/{change['id']}/consent",
        json={"signature": notice_signature},
        headers=room.chair.headers,
    )
    assert replay.status_code == 422, replay.text
    assert matched(client, f"/v1/amendments/{change['id']}", room.chair.headers)


def test_a_new_way_in_never_brings_a_first_key(client: TestClient) -> None:
    """Invited again and redeemed without a key, then a key put with the new token: still a
    replacement on the record, not a participant's first key."""
    room, _rid, _sid = adopted_room(client, members=1)
    victim = room.members[0]
    code = ok(
        client.post(
            f"/v1/participants/{victim.id}/invitations", json={}, headers=room.chair.headers
        ),
        201,
    )["code"]
    token = ok(client.post("/v1/invitations/redeem", json={"code": code}), 201)["token"]
    assert ok(client.get("/v1/me", headers=bearer(token)))["signing_key"]["origin"] == "first"
    refused = client.put(
        "/v1/me/signing-key",
        json={"public_key": public_key_text(new_private_key())},
        headers=bearer(token),
    )
    assert refused.status_code == 409  # the member's own key is still the current one


def test_plenary_verify_names_forged_and_unsigned_answers(
    client: TestClient, run_cli: Any, app: Any
) -> None:
    room, rid, sid = adopted_room(client, members=2)
    honest = propose(client, room.members[1], sid, TEXT + " Honest.")
    act(client, room.members[1], honest["id"], "consent")
    clean = run_cli(room.members[1].token, "verify", str(rid))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "answers ok: 1 signed" in clean.stdout
    # the chair answers as member 0 through a new invitation: the record names it
    forged = forge_as(client, room, rid, room.chair.headers)
    body = {"signature": signature(client, forged["token"], honest["id"], "consent")}
    ok(
        client.post(
            f"/v1/amendments/{honest['id']}/consent", json=body, headers=bearer(forged["token"])
        )
    )
    named = run_cli(room.members[1].token, "verify", str(rid))
    assert named.returncode == 1 and "ANSWER REPLACED-KEY" in named.stdout
    key_id = next(
        k["id"]
        for k in ok(
            client.get(f"/v1/groups/{room.group_id}/signing-keys", headers=room.chair.headers)
        )["items"]
        if k["origin"] == "replaced"
    )
    confirmed = run_cli(room.members[1].token, "verify", str(rid), "--trust-key", str(key_id))
    assert confirmed.returncode == 0, confirmed.stdout
    # a consent row written straight into the database, with no signed answer behind it
    other = propose(client, room.members[1], sid, TEXT + " Other.")
    with app.state.database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO consent (amendment_id, participant_id, answer, reason, created_at, "
                "revision) VALUES (:a, :p, 'consent', '', CURRENT_TIMESTAMP, 1)"
            ),
            {"a": other["id"], "p": room.chair.id},
        )
    caught = run_cli(room.members[1].token, "verify", str(rid), "--trust-key", str(key_id))
    assert caught.returncode == 1 and "ANSWER NOT-ON-RECORD" in caught.stdout


def test_the_notice_is_a_consent_rule_fixed_at_adoption(client: TestClient) -> None:
    room = make_room(client, members=1)
    body = {"title": "R", "editorial_notice_hours": 0}
    url = f"/v1/groups/{room.group_id}/reports"
    assert client.post(url, json=body, headers=room.secretariat.headers).status_code == 422
    rid, _sid = report_with_section(client, room, TEXT, editorial_notice_hours=72)
    short = client.post(
        f"/v1/reports/{rid}/adopt",
        json={"editorial_window_days": 2.0},
        headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
    )
    assert short.status_code == 422 and "shorter than" in short.json()["detail"]
    adopt_report(client, room, rid, days=7)
    frozen = client.patch(
        f"/v1/reports/{rid}",
        json={"editorial_notice_hours": 1},
        headers=matched(client, f"/v1/reports/{rid}", room.chair.headers),
    )
    assert frozen.status_code == 409
    assert frozen.json()["type"] == PROBLEM + "consent-rules-frozen"
