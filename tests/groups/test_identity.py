"""Issue 15: nobody can act as someone else.

Invitations are the only way a participant gets its first token; nobody mints a token in
another's name; a deactivated participant's tokens stop at authentication; only the chair
or the site admin change roles; every consent names the token that gave it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.clock import ShiftedClock
from tests.amendments.helpers import TEXT, act, adopt_report, propose, report_with_section
from tests.factories import ADMIN, KEYS, Person, bearer, make_room, ok, redeem

PROBLEM = "urn:plenary:problem:"


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == PROBLEM + slug, body
    return body


def new_participant(
    client: TestClient, group_id: int, role: str = "member", by: dict[str, str] = ADMIN
) -> dict[str, Any]:
    body = {"name": f"New {role}", "role": role, "stakeholder": "government"}
    created: dict[str, Any] = ok(
        client.post(f"/v1/groups/{group_id}/participants", json=body, headers=by), 201
    )
    return created


def test_an_invitation_is_redeemed_once_for_the_participants_own_token(
    client: TestClient,
) -> None:
    room = make_room(client, members=1, observers=1)
    created = new_participant(client, room.group_id, by=room.secretariat.headers)
    invitation = created["invitation"]
    assert invitation["code"].startswith("plinv_") and len(invitation["code"]) >= 6 + 43
    assert invitation["status"] == "pending" and invitation["invited_by_id"] == room.secretariat.id
    # the code is not a credential, and redeeming needs no token
    assert client.get("/v1/me", headers=bearer(invitation["code"])).status_code == 401
    answer = client.post(
        "/v1/invitations/redeem", json={"code": invitation["code"], "label": "laptop"}
    )
    redeemed = ok(answer, 201)
    assert answer.headers["location"] == f"/v1/tokens/{redeemed['id']}"
    me = ok(client.get("/v1/me", headers=bearer(redeemed["token"])))
    assert me["participant"]["id"] == created["id"] and me["token_id"] == redeemed["id"]
    assert redeemed["invitation_id"] == invitation["id"] and redeemed["label"] == "laptop"

    again = client.post("/v1/invitations/redeem", json={"code": invitation["code"]})
    problem(again, 409, "invitation-used")
    unknown = client.post("/v1/invitations/redeem", json={"code": "plinv_not-a-code"})
    problem(unknown, 404, "invitation-unknown")

    listed = ok(client.get(f"/v1/groups/{room.group_id}/invitations", headers=room.chair.headers))
    mine = next(i for i in listed["items"] if i["id"] == invitation["id"])
    assert mine["status"] == "redeemed" and "code" not in mine
    # invitations are the inviter roles' business
    for person in (room.members[0], room.observers[0]):
        refused = client.get(f"/v1/groups/{room.group_id}/invitations", headers=person.headers)
        problem(refused, 403, "forbidden")


def test_an_expired_invitation_is_refused(client: TestClient, clock: ShiftedClock) -> None:
    room = make_room(client, members=0, observers=0)
    week = new_participant(client, room.group_id)["invitation"]
    day = ok(
        client.post(
            f"/v1/participants/{new_participant(client, room.group_id)['id']}/invitations",
            json={"expires_in_days": 1},
            headers=room.chair.headers,
        ),
        201,
    )
    # The default lifetime is the server's setting: 7 days.
    assert week["expires_at"] > day["expires_at"]
    clock.advance(days=2)
    expired = client.post("/v1/invitations/redeem", json={"code": day["code"]})
    assert problem(expired, 409, "invitation-expired")["expires_at"]
    listed = ok(client.get(f"/v1/groups/{room.group_id}/invitations", headers=ADMIN))["items"]
    assert {i["id"]: i["status"] for i in listed}[day["id"]] == "expired"
    redeem(client, week)  # two days in, the week-long one still works
    clock.advance(days=6)
    assert {
        i["id"]: i["status"]
        for i in ok(client.get(f"/v1/groups/{room.group_id}/invitations", headers=ADMIN))["items"]
    }[week["id"]] == "redeemed"


def test_replaced_and_revoked_invitations_are_refused(client: TestClient) -> None:
    room = make_room(client, members=1, observers=0)
    created = new_participant(client, room.group_id, by=room.chair.headers)
    first = created["invitation"]
    url = f"/v1/participants/{created['id']}/invitations"
    second = ok(client.post(url, headers=room.secretariat.headers), 201)
    problem(
        client.post("/v1/invitations/redeem", json={"code": first["code"]}),
        409,
        "invitation-revoked",
    )
    revoked = ok(client.delete(f"/v1/invitations/{second['id']}", headers=room.chair.headers))
    assert revoked["status"] == "revoked"
    problem(
        client.post("/v1/invitations/redeem", json={"code": second["code"]}),
        409,
        "invitation-revoked",
    )
    # a member neither invites nor revokes
    problem(client.post(url, headers=room.members[0].headers), 403, "forbidden")
    third = ok(client.post(url, headers=ADMIN), 201)
    problem(
        client.delete(f"/v1/invitations/{third['id']}", headers=room.members[0].headers),
        403,
        "forbidden",
    )
    token = redeem(client, third)
    problem(
        client.delete(f"/v1/invitations/{third['id']}", headers=room.chair.headers),
        409,
        "invitation-used",
    )
    # While the participant holds a live token the secretariat may not open a second way in;
    # the chair may, and the participant's tokens end on the record (the real holder notices)
    refused = client.post(url, headers=room.secretariat.headers)
    assert problem(refused, 403, "forbidden")["live_tokens"] == 1
    assert ok(client.get("/v1/me", headers=bearer(token)))["token_id"]
    redeem(client, ok(client.post(url, headers=room.chair.headers), 201))


def test_nobody_mints_a_token_in_someone_elses_name(client: TestClient) -> None:
    room = make_room(client, members=2, observers=1)
    member, other = room.members
    actors: list[tuple[str, dict[str, str]]] = [
        ("chair", room.chair.headers),
        ("secretariat", room.secretariat.headers),
        ("member", member.headers),
        ("observer", room.observers[0].headers),
        ("site admin", ADMIN),
    ]
    for who, headers in actors:
        for target in (other, room.chair if who != "chair" else room.secretariat):
            refused = client.post(
                f"/v1/participants/{target.id}/tokens", json={"label": "x"}, headers=headers
            )
            assert refused.status_code == 403, (who, target.role, refused.text)
    # a participant mints more tokens for itself, lists and revokes its own
    phone = ok(
        client.post(
            f"/v1/participants/{member.id}/tokens", json={"label": "phone"}, headers=member.headers
        ),
        201,
    )
    mine = ok(client.get("/v1/me/tokens", headers=bearer(phone["token"])))["items"]
    assert [t["label"] for t in mine] == ["", "phone"]
    assert all("token" not in t and "token_hash" not in t for t in mine)
    # only the holder, the chair or the admin revoke a token (revoking precedes re-inviting)
    for headers in (room.secretariat.headers, other.headers):
        problem(client.delete(f"/v1/tokens/{phone['id']}", headers=headers), 403, "forbidden")
    ok(client.delete(f"/v1/tokens/{phone['id']}", headers=member.headers))
    assert client.get("/v1/me", headers=bearer(phone["token"])).status_code == 401
    mine = ok(client.get("/v1/me/tokens", headers=member.headers))["items"]
    assert mine[1]["revoked_at"] is not None
    problem(client.get("/v1/me/tokens", headers=ADMIN), 403, "forbidden")


def test_only_the_chair_or_the_admin_brings_in_a_chair(client: TestClient) -> None:
    room = make_room(client, members=0, observers=0)
    body = {"name": "A second chair", "role": "chair"}
    url = f"/v1/groups/{room.group_id}/participants"
    problem(client.post(url, json=body, headers=room.secretariat.headers), 403, "forbidden")
    chair = ok(client.post(url, json=body, headers=room.chair.headers), 201)
    # the secretariat cannot invite a chair either (it would hold the chair's code)
    problem(
        client.post(
            f"/v1/participants/{chair['id']}/invitations", headers=room.secretariat.headers
        ),
        403,
        "forbidden",
    )
    assert ok(client.post(url, json=body, headers=ADMIN), 201)["invitation"]["code"]


def test_nobody_raises_its_own_role(client: TestClient) -> None:
    room = make_room(client, members=2, observers=1)
    member, other = room.members
    secretariat = f"/v1/participants/{room.secretariat.id}"

    def patch(url: str, body: dict[str, Any], who: Person | None) -> Any:
        return client.patch(url, json=body, headers=ADMIN if who is None else who.headers)

    # self-promotion, promotion by the secretariat, deactivation by the secretariat: refused
    for url, body, who in (
        (secretariat, {"role": "chair"}, room.secretariat),
        (secretariat, {"role": "member"}, room.secretariat),
        (f"/v1/participants/{member.id}", {"role": "chair"}, member),
        (f"/v1/participants/{room.observers[0].id}", {"role": "member"}, room.observers[0]),
        (f"/v1/participants/{member.id}", {"role": "chair"}, room.secretariat),
        (f"/v1/participants/{other.id}", {"active": False}, room.secretariat),
        (f"/v1/participants/{room.chair.id}", {"active": False}, room.secretariat),
    ):
        problem(patch(url, body, who), 403, "forbidden")
    roster = ok(client.get(f"/v1/groups/{room.group_id}/participants", headers=ADMIN))["items"]
    assert {p["id"]: (p["role"], p["active"]) for p in roster} == {
        room.chair.id: ("chair", True),
        room.secretariat.id: ("secretariat", True),
        member.id: ("member", True),
        other.id: ("member", True),
        room.observers[0].id: ("observer", True),
    }
    # the secretariat still keeps the roster's names; restating a role is no change
    renamed = ok(
        patch(secretariat, {"name": "Secretariat (UN)", "role": "secretariat"}, room.secretariat)
    )
    assert renamed["name"] == "Secretariat (UN)"
    # the chair appoints: the secretariat may become a co-chair by the chair's decision
    assert ok(patch(secretariat, {"role": "chair"}, room.chair))["role"] == "chair"
    # ... and then, as a chair, it may step down; the admin changes roles too
    assert (
        ok(patch(secretariat, {"role": "secretariat"}, room.secretariat))["role"] == "secretariat"
    )
    assert (
        ok(patch(f"/v1/participants/{member.id}", {"role": "observer"}, None))["role"] == "observer"
    )


def test_a_deactivated_participants_tokens_are_refused_at_once(client: TestClient) -> None:
    room = make_room(client, members=2, observers=0)
    rid, sid = report_with_section(client, room)
    leaving = room.members[1]
    url = f"/v1/participants/{leaving.id}"
    spare = ok(client.post(f"{url}/tokens", json={"label": "spare"}, headers=leaving.headers), 201)
    ok(client.patch(url, json={"active": False}, headers=room.chair.headers))
    for headers in (leaving.headers, bearer(spare["token"])):
        for method, path, body in (
            ("GET", "/v1/me", None),
            ("GET", f"/v1/reports/{rid}", None),
            ("GET", f"/v1/sections/{sid}", None),
            ("GET", f"/v1/groups/{room.group_id}/participants", None),
            ("GET", f"/v1/reports/{rid}/events", None),
            ("POST", f"{url}/tokens", {"label": "sneaky"}),
            ("POST", f"/v1/sections/{sid}/amendments", {"base_version": 1, "text": TEXT + " x"}),
        ):
            refused = client.request(method, path, json=body, headers=headers)
            problem(refused, 401, "participant-inactive")
            assert refused.headers["www-authenticate"].startswith("Bearer")
    assert (
        ok(client.get(f"/v1/participants/{leaving.id}/tokens", headers=room.chair.headers))[
            "items"
        ][-1]["label"]
        == "spare"
    )  # nothing was minted
    # reactivation gives the same tokens back
    ok(client.patch(url, json={"active": True}, headers=ADMIN))
    assert ok(client.get("/v1/me", headers=leaving.headers))["participant"]["active"] is True
    # a pending invitation dies with the deactivation
    newcomer = new_participant(client, room.group_id)
    ok(
        client.patch(
            f"/v1/participants/{newcomer['id']}", json={"active": False}, headers=room.chair.headers
        )
    )
    problem(
        client.post("/v1/invitations/redeem", json={"code": newcomer["invitation"]["code"]}),
        409,
        "invitation-revoked",
    )
    problem(
        client.post(f"/v1/participants/{newcomer['id']}/invitations", headers=room.chair.headers),
        409,
        "invalid-state",
    )


def test_each_answer_records_its_token_and_the_admin_never_answers(
    client: TestClient, app: FastAPI
) -> None:
    room = make_room(client, members=2, observers=1)
    rid, sid = report_with_section(client, room)
    adopt_report(client, room, rid)
    change = propose(client, room.members[0], sid, TEXT + " Agreed.")
    signature = "A" * 86  # the shape of one: the admin is refused before any key is asked
    for action, body in (("consent", {}), ("object", {"reason": "as the admin"})):
        body = {**body, "signature": signature}
        refused = client.post(f"/v1/amendments/{change['id']}/{action}", json=body, headers=ADMIN)
        problem(refused, 403, "forbidden")
    member = room.members[0]
    phone = ok(
        client.post(
            f"/v1/participants/{member.id}/tokens", json={"label": "phone"}, headers=member.headers
        ),
        201,
    )
    by_phone = Person(id=member.id, name=member.name, role="member", token=phone["token"])
    KEYS[by_phone.token] = member.key  # the same person, the same key, another token
    act(client, by_phone, change["id"], "consent")
    chair_token = ok(client.get("/v1/me", headers=room.chair.headers))["token_id"]
    act(client, room.chair, change["id"], "consent")
    # a deactivated voter stays on the frozen roster but cannot answer: the round stays open
    leaving = room.members[1]
    ok(
        client.patch(
            f"/v1/participants/{leaving.id}", json={"active": False}, headers=room.chair.headers
        )
    )
    problem(
        client.post(
            f"/v1/amendments/{change['id']}/consent",
            json={"signature": signature},
            headers=leaving.headers,
        ),
        401,
        "participant-inactive",
    )
    seen = ok(client.get(f"/v1/amendments/{change['id']}", headers=room.secretariat.headers))
    assert seen["status"] == "consent_open"
    assert [(a["participant_id"], a["token_id"]) for a in seen["tally"]["answers"]] == [
        (member.id, phone["id"]),
        (room.chair.id, chair_token),
    ]
    assert seen["tally"]["pending_participant_ids"] == [leaving.id]
    public = ok(client.get(f"/v1/amendments/{change['id']}", headers=room.observers[0].headers))
    assert all(
        a["participant_id"] is None and a["token_id"] is None for a in public["tally"]["answers"]
    )
    with app.state.database.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT participant_id, token_id FROM consent ORDER BY id")
        ).all()
    assert [tuple(row) for row in stored] == [
        (member.id, phone["id"]),
        (room.chair.id, chair_token),
    ]


def test_roster_changes_are_events_and_webhooks_without_names(client: TestClient) -> None:
    room = make_room(client, members=2, observers=1)
    rid, _sid = report_with_section(client, room)
    hook = ok(
        client.post(
            f"/v1/groups/{room.group_id}/webhooks",
            json={
                "url": "http://127.0.0.1:9/roster",
                "secret": "a-shared-secret-of-some-length",
                "event_types": ["participant.role_changed"],
            },
            headers=room.chair.headers,
        ),
        201,
    )
    member = room.members[0]
    url = f"/v1/participants/{member.id}"
    ok(client.patch(url, json={"role": "observer"}, headers=room.chair.headers))
    ok(client.patch(url, json={"active": False}, headers=room.chair.headers))
    ok(client.patch(url, json={"active": True}, headers=ADMIN))
    newcomer = new_participant(client, room.group_id, by=room.chair.headers)
    redeem(client, newcomer["invitation"])

    attributed = ok(client.get(f"/v1/reports/{rid}/events", headers=room.secretariat.headers))
    roster = [
        e for e in attributed["items"] if e["type"].split(".")[0] in ("participant", "invitation")
    ]
    assert [(e["type"], e["actor_id"]) for e in roster] == [
        ("participant.role_changed", room.chair.id),
        ("participant.deactivated", room.chair.id),
        ("participant.reactivated", None),  # the site admin
        ("invitation.created", room.chair.id),
        ("invitation.redeemed", newcomer["id"]),
    ]
    assert roster[0]["payload"] == {"from": "member", "to": "observer"}
    # the public record says what changed, never who (Chatham House)
    public = ok(client.get(f"/v1/reports/{rid}/events", headers=room.observers[0].headers))
    names = {member.name, newcomer["name"], room.chair.name}
    ids = {member.id, newcomer["id"], room.chair.id}
    for event in public["items"]:
        assert event["actor_id"] is None
        flat = repr(event["payload"])
        assert not any(name in flat for name in names)
        if event["type"].startswith(("participant.", "invitation.")):
            assert not set(event["payload"].values()) & ids - {
                event["payload"].get("invitation_id")
            }
            assert "code" not in flat and "plinv_" not in flat and "plen_" not in flat
    assert ok(client.get(f"/v1/reports/{rid}/events/verify", headers=ADMIN))["ok"] is True
    # the role change was queued for the group's webhook, in the same transaction
    deliveries = ok(
        client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=room.chair.headers)
    )["items"]
    assert [d["event_id"] for d in deliveries] == [roster[0]["id"]]


def test_secrets_are_not_kept_for_idempotent_replay(client: TestClient, app: FastAPI) -> None:
    room = make_room(client, members=1, observers=0)
    member = room.members[0]
    key = {"Idempotency-Key": "mint-once"}
    url = f"/v1/participants/{member.id}/tokens"
    first = ok(client.post(url, json={"label": "k"}, headers={**member.headers, **key}), 201)
    retried = client.post(url, json={"label": "k"}, headers={**member.headers, **key})
    problem(retried, 409, "secret-not-replayed")
    assert retried.headers["idempotent-replayed"] == "true"
    mine = ok(client.get("/v1/me/tokens", headers=member.headers))["items"]
    assert [t["label"] for t in mine] == ["", "k"]  # no second effect
    body = {"name": "Keyed", "role": "member"}
    added = ok(
        client.post(
            f"/v1/groups/{room.group_id}/participants", json=body, headers={**ADMIN, **key}
        ),
        201,
    )
    # redeeming with some token attached still keeps nothing for replay
    token = ok(
        client.post(
            "/v1/invitations/redeem",
            json={"code": added["invitation"]["code"]},
            headers={**room.chair.headers, **key},
        ),
        201,
    )["token"]
    with app.state.database.engine.connect() as connection:
        kept = "\n".join(
            str(row) for row in connection.execute(text("SELECT * FROM idempotency_key")).all()
        )
    assert kept.count("secret-not-replayed") == 3
    for secret in (first["token"], added["invitation"]["code"], token):
        assert secret not in kept


def test_a_new_invitation_names_where_it_can_be_revoked(client: TestClient) -> None:
    room = make_room(client, members=1)
    created = new_participant(client, room.group_id, by=room.secretariat.headers)
    answer = client.post(
        f"/v1/participants/{created['id']}/invitations", json={}, headers=room.secretariat.headers
    )
    invitation = ok(answer, 201)
    assert answer.headers["location"] == f"/v1/invitations/{invitation['id']}"
    revoked = ok(client.delete(answer.headers["location"], headers=room.secretariat.headers))
    assert revoked["status"] == "revoked"
