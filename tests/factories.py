"""Small factories that build state through the HTTP API."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from app.client import PlenaryClient
from app.signatures import answer_message, new_private_key, public_key_text, sign, wording_sha256
from tests.conftest import ADMIN_TOKEN

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
_counter = itertools.count(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


# Each participant's private signing key, as its own device holds it, by token: the tests'
# participants redeem their invitations with a key made here (`redeem`), and `signed` answers
# with it.
KEYS: dict[str, Ed25519PrivateKey] = {}


@dataclass
class Person:
    id: int
    name: str
    role: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)

    @property
    def key(self) -> Ed25519PrivateKey:
        return KEYS[self.token]


def signature(
    client: TestClient, token: str, amendment_id: int, answer: str, reason: str = ""
) -> str:
    """The holder of `token` signs `answer` over the amendment as it reads it now."""
    amendment = ok(client.get(f"/v1/amendments/{amendment_id}", headers=bearer(token)))
    message = answer_message(
        report_id=amendment["report_id"],
        amendment_id=amendment_id,
        round=amendment["round"] or "",
        wording_sha256=wording_sha256(amendment["proposed_text"]),
        answer=answer,
        reason=reason,
    )
    return sign(KEYS[token], message)


ANSWERS = {
    "consent": "consent",
    "stand-aside": "stand_aside",
    "object": "object",
    "withdraw-objection": "withdraw",
}


def signed(
    client: TestClient, who: Person | str, amendment_id: int, action: str, **body: Any
) -> dict[str, Any]:
    """The body of an answer (`action`: consent, stand-aside, object, withdraw-objection),
    signed by `who` (a Person or a token), unless the body brings its own signature."""
    token = who if isinstance(who, str) else who.token
    if "signature" in body or token not in KEYS:
        return body
    reason = str(body.get("reason", ""))
    return {**body, "signature": signature(client, token, amendment_id, ANSWERS[action], reason)}


@dataclass
class Room:
    group_id: int
    chair: Person
    secretariat: Person
    members: list[Person]
    observers: list[Person] = field(default_factory=list)

    @property
    def voters(self) -> list[Person]:
        return [self.chair, *self.members]


def make_group(client: TestClient, name: str | None = None) -> int:
    name = name or f"Working Group {next(_counter)}"
    return int(ok(client.post("/v1/groups", json={"name": name}, headers=ADMIN), 201)["id"])


def add_person(
    client: TestClient,
    group_id: int,
    role: str,
    *,
    name: str | None = None,
    stakeholder: str = "government",
    region: str = "Europe",
    by: dict[str, str] | None = None,
) -> Person:
    """Add a participant (by the admin, or `by`) and let it redeem its invitation itself."""
    name = name or f"{role.title()} {next(_counter)}"
    body = {"name": name, "role": role, "stakeholder": stakeholder, "region": region}
    data = ok(
        client.post(f"/v1/groups/{group_id}/participants", json=body, headers=by or ADMIN), 201
    )
    return Person(id=data["id"], name=name, role=role, token=redeem(client, data["invitation"]))


def redeem(client: TestClient, invitation: dict[str, Any], label: str = "") -> str:
    """The invitee exchanges its code for its own token (no bearer token sent), with the
    public half of a signing key made on its device."""
    key = new_private_key()
    body = {"code": invitation["code"], "label": label, "public_key": public_key_text(key)}
    token = str(ok(client.post("/v1/invitations/redeem", json=body), 201)["token"])
    KEYS[token] = key
    return token


def make_room(client: TestClient, *, members: int = 3, observers: int = 1) -> Room:
    group_id = make_group(client)
    chair = add_person(client, group_id, "chair")
    secretariat = add_person(client, group_id, "secretariat", stakeholder="intergovernmental")
    return Room(
        group_id=group_id,
        chair=chair,
        secretariat=secretariat,
        members=[add_person(client, group_id, "member") for _ in range(members)],
        observers=[add_person(client, group_id, "observer") for _ in range(observers)],
    )


def matched(client: TestClient, resource: str, headers: dict[str, str]) -> dict[str, str]:
    """`headers` plus If-Match: the ETag of `resource` as this caller reads it now."""
    tag = client.get(resource, headers=headers).headers.get("etag")
    return {**headers, "If-Match": tag} if tag else dict(headers)


def write_version(client: TestClient, room: Room, section_id: int, base: int, text: str) -> Any:
    """The secretariat writes `text` over version `base` of a drafting section (201)."""
    return ok(
        client.post(
            f"/v1/sections/{section_id}/versions",
            json={"base_version": base, "text": text},
            headers=room.secretariat.headers,
        ),
        201,
    )


def enrol(admin: PlenaryClient, group_id: int, **fields: Any) -> str:
    """Through the Python client: add a participant, then redeem its invitation as that
    participant would (with a signing key made and kept by the client); returns its token."""
    created = admin.add_participant(group_id, **fields)
    return admin.redeem(created.invitation.code, label="test").token


def enrolled(
    admin: PlenaryClient, group_id: int, *, make_key: bool = True, **fields: Any
) -> Person:
    """`enrol`; `make_key=False`: the participant has no key yet (a browser will make it)."""
    created = admin.add_participant(group_id, **fields)
    token = admin.redeem(created.invitation.code, label="test", make_key=make_key).token
    return Person(id=created.id, name=created.name, role=created.role.value, token=token)
