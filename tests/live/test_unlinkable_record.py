"""The public record verifies, and names nobody: an attacker who tries every participant id
against every public field, with every plausible digest construction, recovers no actor.
Members, who see each event's salt, check who did what."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import chain as chained
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from app.client import PlenaryClient
from app.events.chain import PERSON_KEYS, actor_commitment, attribution_holds
from tests.conftest import ADMIN_TOKEN
from tests.factories import Person, enrolled
from tests.server import LiveServer, live_server, unique, wait_until
from tests.sse import Message, messages, take

HEX64 = re.compile(r"\b[0-9a-f]{64}\b")
BASE_ORDER = ("report_id", "seq", "type", "payload", "created_at")


@dataclass
class Record:
    server: LiveServer
    report_id: int
    people: dict[str, Any]  # role label -> participant (with its token)
    milestones: list[int]


def _run(server: LiveServer) -> Record:
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group(unique("Unlinkable group"))

        def person(label: str, role: str) -> Person:
            return enrolled(
                admin, group.id, name=f"Name-{label}", role=role, stakeholder="other", region="Asia"
            )

        people = {
            "chair": person("chair", "chair"),
            "secretariat": person("secretariat", "secretariat"),
            "m0": person("m0", "member"),
            "m1": person("m1", "member"),
            "m2": person("m2", "member"),
            "observer": person("observer", "observer"),
        }
    token = {label: p.token for label, p in people.items()}
    url = server.url
    with (
        PlenaryClient(url, token["chair"]) as chair,
        PlenaryClient(url, token["secretariat"]) as sec,
        PlenaryClient(url, token["m0"]) as m0,
        PlenaryClient(url, token["m1"]) as m1,
        PlenaryClient(url, token["m2"]) as m2,
    ):
        report = sec.import_report(
            group.id,
            "# I. Mandate\n\nThe group met in Geneva.\n\nIt agreed on a definition.\n\n"
            "# II. Forum\n\nA forum is needed.",
        )
        s1, s2 = (entry.id for entry in report.outline)
        sec.write_version(s2, base_version=1, text="A forum is needed now.")
        annex = sec.add_section(report.id, kind="annex", label="Annex", heading="Members")
        sec.update_section(annex.id, heading="Membership")
        sec.move_section(annex.id, parent_id=None, position=0)
        first = sec.create_milestone(report.id, "Draft one")
        meeting = chair.open_meeting(report.id)
        a = m0.propose(
            s1,
            base_version=1,
            kind="substantive",
            text="The group met in Geneva in 2004.\n\nIt agreed on a definition.",
            rationale="precision",
        )
        chair.put_on_floor(a.id)
        sec.revise_draft(
            a.id, text="The group met in Geneva in November 2004.\n\nIt agreed on a definition."
        )
        m0.get_amendment(a.id)  # each writer names the revision it has read
        m0.revise_draft(
            a.id, text="The group met in Geneva, November 2004.\n\nIt agreed on a definition."
        )
        chair.get_amendment(a.id)
        chair.adopt(a.id)
        b = m1.propose(
            s1,
            base_version=2,
            kind="substantive",
            text="The group met in Geneva, November 2004.\n\nIt agreed.",
        )
        m1.withdraw(b.id, reason="on reflection")
        c = m2.propose(s2, base_version=2, kind="substantive", text="No forum is needed.")
        chair.put_on_floor(c.id)
        chair.reject(c.id, reason="Contradicts the record")
        chair.close_meeting(meeting.id)
        chair.open_meeting(report.id)  # the group adopts in session (issue 30)
        chair.adopt_report(report.id)
        d = m0.propose(
            s1,
            base_version=2,
            kind="substantive",
            text="The group met in Geneva, November 2004.\n\nIt agreed on two definitions.",
        )
        chair.consent(d.id)
        m1.consent(d.id)
        m2.object(d.id, reason="One definition was agreed")
        e = m1.propose(s2, base_version=2, kind="substantive", text="A forum is needed soon.")
        for voter in (chair, m0, m1, m2):
            voter.consent(e.id)
        f = m2.propose(s2, base_version=3, kind="editorial", text="A Forum is needed soon.")
        m0.get_amendment(f.id)
        m0.escalate(f.id, reason="The capital names an institution")
        m1.object(f.id, reason="It does")
        chair.set_public(report.id)
        chair.transmit_report(report.id)
        milestones = [m.id for m in chair.list_milestones(report.id)]
        # The exports are sealed by a task after the transmission's response: the record is
        # complete once `certificate.sealed` is in it (else a test that reads the log twice
        # may see it appear in between).
        wait_until(
            lambda: "certificate.sealed" in {e.type for e in chair.all_events(report.id)},
            "the exports sealed after transmission",
        )
    assert first.id in milestones
    return Record(server, report.id, people, milestones)


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Record]:
    path = tmp_path_factory.mktemp("unlinkable") / "record.db"
    with live_server(f"sqlite:///{path}") as server:
        yield _run(server)


def _headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _events(record: Record, token: str | None) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{record.server.url}/v1/reports/{record.report_id}/events?limit=1000",
        headers=_headers(token),
        timeout=20,
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _stream(record: Record, token: str | None, count: int) -> list[dict[str, Any]]:
    url = f"{record.server.url}/v1/reports/{record.report_id}/stream"
    with httpx.stream("GET", url, headers=_headers(token), timeout=20) as stream:
        found = take(messages(stream), count)
    assert all(isinstance(m, Message) for m in found)
    return [m.data for m in found if isinstance(m, Message)]


def _public_material(record: Record, token: str | None) -> tuple[list[dict[str, Any]], str]:
    """Every event as the log and the stream serve it, and the raw text of everything else a
    reader without attribution gets: pages, headers, exports, certificate, verification."""
    events = _events(record, token)
    streamed = _stream(record, token, len(events))
    base = f"{record.server.url}/v1/reports/{record.report_id}"
    paths = [
        "/events?limit=1000",
        "/events/verify",
        "/certificate",
        *[f"/export?format={f}" for f in ("markdown", "html", "text")],
        *[f"/export?format=markdown&milestone={m}" for m in record.milestones],
    ]
    texts = []
    for path in paths:
        response = httpx.get(base + path, headers=_headers(token), timeout=20)
        assert response.status_code == 200, (path, response.text)
        texts.append(response.text)
        texts.extend(response.headers.values())
    return events + streamed, "\n".join(texts)


# --- the attacker ---------------------------------------------------------------------------


def _candidates(value: int | None) -> list[bytes]:
    """How an actor might have been written into a hashed body."""
    if value is None:
        return [b"null"]
    return [str(value).encode(), f'"{value}"'.encode()]


def _templates(event: dict[str, Any]) -> Iterator[tuple[str, bytes, bytes]]:
    """(name, before, after): digest constructions with a slot for the actor, over the
    event's public fields, in any plausible order and spelling."""
    created = event["created_at"]
    moments = {created, datetime.fromisoformat(created).isoformat()}
    for commitment in (False, True):
        for at in sorted(moments):
            fields: dict[str, Any] = {
                "report_id": event["report_id"],
                "seq": event["seq"],
                "type": event["type"],
                "payload": event["payload"],
                "created_at": at,
            }
            if commitment:
                fields["actor_commitment"] = event["actor_commitment"]
            orders: list[tuple[str, list[str]]] = []
            for key in ("actor_id", "actor", "participant_id"):
                orders.append((f"sorted:{key}", sorted([*fields, key])))
            names = [*BASE_ORDER, *(["actor_commitment"] if commitment else [])]
            for position in range(len(names) + 1):
                orders.append((f"at{position}", [*names[:position], "actor_id", *names[position:]]))
            for order_name, order in orders:
                key = next(k for k in order if k not in fields)
                for separators in ((",", ":"), (", ", ": ")):
                    body = {k: (fields[k] if k != key else "\x00SLOT\x00") for k in order}
                    dumped = json.dumps(body, separators=separators, ensure_ascii=False)
                    before, _, after = dumped.partition('"\\u0000SLOT\\u0000"')
                    for prefix in ("", event["prev_hash"]):
                        name = f"{order_name}/{separators[0]!r}/commit={commitment}/prev={bool(prefix)}"
                        yield name, (prefix + before).encode(), after.encode()


def _simple(event: dict[str, Any], value: int) -> Iterator[tuple[str, bytes]]:
    """Commitment-like constructions without a salt."""
    v = str(value)
    yield "id", v.encode()
    yield "id-bytes4", value.to_bytes(4, "big")
    yield "id-bytes8", value.to_bytes(8, "big")
    for name, around in (
        ("prev+id", event["prev_hash"] + v),
        ("id+prev", v + event["prev_hash"]),
        ("report:id", f"{event['report_id']}:{v}"),
        ("report:seq:id", f"{event['report_id']}:{event['seq']}:{v}"),
        ("created+id", event["created_at"] + v),
        ("type+id", event["type"] + v),
    ):
        yield name, around.encode()


def recover(
    events: Iterable[dict[str, Any]], targets: set[str], people: list[int]
) -> list[tuple[int, int | None, str]]:
    """(event id, actor, construction) for every guess whose digest is a published value."""
    found = []
    for event in events:
        for name, before, after in _templates(event):
            start = hashlib.sha256(before)
            for person in [*people, None]:
                for value in _candidates(person):
                    digest = start.copy()
                    digest.update(value)
                    digest.update(after)
                    if digest.hexdigest() in targets:
                        found.append((event["id"], person, name))
        for value in range(0, 1001):
            for name, raw in _simple(event, value):
                if hashlib.sha256(raw).hexdigest() in targets:
                    found.append((event["id"], value, name))
    return found


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["anonymous", "observer"])
def test_no_public_field_recovers_an_actor(record: Record, reader: str) -> None:
    token = None if reader == "anonymous" else record.people["observer"].token
    events, raw = _public_material(record, token)
    attributed = _events(record, record.people["m0"].token)
    types = {e["type"] for e in attributed}
    # the record holds what a meeting does, by several people
    assert {
        "amendment.proposed",
        "amendment.revised",
        "floor.changed",
        "amendment.adopted",
        "amendment.withdrawn",
        "amendment.rejected",
        "consent.consent",
        "consent.object",
        "amendment.blocked",
        "amendment.escalated",
        "section.added",
        "section.moved",
        "section.updated",
        "version.created",
        "milestone.created",
        "report.adopted",
        "report.transmitted",
    } <= types
    actors = {e["actor_id"] for e in attributed} - {None}
    assert len(actors) >= 5
    # Every participant id, and more: an id that is nobody's can only make false positives.
    # The salt-free constructions also try 0..1000.
    ids = sorted({p.id for p in record.people.values()} | set(range(0, 30)))

    # the stream serves exactly the log (its times in another spelling of the same instant)
    logged, streamed = events[: len(attributed)], events[len(attributed) :]
    same_instant = lambda e: {**e, "created_at": datetime.fromisoformat(e["created_at"])}
    assert [same_instant(e) for e in streamed] == [same_instant(e) for e in logged]

    # nothing that names or opens the actor is served...
    for event in events:
        assert event["actor_id"] is None and event["actor_salt"] is None
        assert event["legacy_hash"] is None
        assert not PERSON_KEYS & set(_keys(event["payload"])), event
    # ... no value links two events of one person...
    commitments = [e["actor_commitment"] for e in logged]
    assert len(set(commitments)) == len(attributed)
    # ... and nothing published is the digest of any guess.
    targets = set(HEX64.findall(raw)) | {
        value for e in events for value in HEX64.findall(json.dumps(e))
    }
    assert len(targets) > 2 * len(attributed)
    assert recover(logged, targets, ids) == []

    # The attacker works: the first rule's digest of one event, published, gives its actor.
    victim = next(e for e in attributed if e["type"] == "consent.object")
    fields = {k: victim[k] for k in BASE_ORDER} | {"actor_id": victim["actor_id"]}
    fields["created_at"] = datetime.fromisoformat(victim["created_at"]).isoformat()
    leaked = hashlib.sha256(
        (
            victim["prev_hash"]
            + json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        ).encode()
    ).hexdigest()
    public_victim = next(e for e in events if e["id"] == victim["id"])
    assert (victim["id"], victim["actor_id"], "sorted:actor_id/','/commit=False/prev=True") in (
        recover([public_victim], {leaked}, ids)
    )


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        yield from chained.from_iterable(_keys(v) for v in value)


def test_anyone_recomputes_the_chain_and_a_member_checks_who_did_what(record: Record) -> None:
    url, rid = record.server.url, record.report_id
    people = record.people
    with PlenaryClient(url) as public:
        recomputed = public.recompute_chain(rid)
        served = public.events(rid, limit=1000).items
    assert recomputed.ok and recomputed.events == len(served) > 30
    assert recomputed.head_hash == served[-1].hash
    # the public cannot open a single commitment
    with PlenaryClient(url) as public:
        assert len(public.unattributed_events(rid)) == len(served)

    with PlenaryClient(url, people["m1"].token) as member:
        assert member.unattributed_events(rid) == []
        attributed = {e.id: e for e in member.all_events(rid)}
    public_by_id = {e.id: e for e in served}
    objection = next(e for e in attributed.values() if e.type == "consent.object")
    assert objection.actor_id == people["m2"].id
    # the public commitment, opened with the member's salt: m2 objected, m1 did not
    commitment = public_by_id[objection.id].actor_commitment
    assert attribution_holds(
        commitment=commitment, salt=objection.actor_salt, actor_id=people["m2"].id
    )
    assert not attribution_holds(
        commitment=commitment, salt=objection.actor_salt, actor_id=people["m1"].id
    )
    assert actor_commitment(objection.actor_salt or "", None) != commitment
    proposals = [e for e in attributed.values() if e.type == "amendment.proposed"]
    assert [e.actor_id for e in proposals] == [
        people[label].id for label in ("m0", "m1", "m2", "m0", "m1", "m2")
    ]

    anonymous = subprocess.run(
        [sys.executable, "-m", "app.cli", "verify", str(rid), "--url", url, "--token", ""],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert anonymous.returncode == 0, anonymous.stdout + anonymous.stderr
    assert "(recomputed here)" in anonymous.stdout and "actors ok" not in anonymous.stdout
    member_run = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "verify",
            str(rid),
            "--url",
            url,
            "--token",
            people["m0"].token,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert member_run.returncode == 0 and "actors ok" in member_run.stdout, member_run.stdout


def test_a_forged_actor_is_caught_by_members_not_seen_by_the_public(record: Record) -> None:
    # A second record on the module's server, forged here: the other tests' record is
    # another report, whose chain this does not touch.
    server = record.server
    forged = _run(server)
    engine = create_engine(server.database_url)
    with engine.begin() as connection:
        victim = connection.execute(
            text(
                "SELECT id FROM event WHERE report_id = :r AND type = 'consent.object' ORDER BY seq LIMIT 1"
            ),
            {"r": forged.report_id},
        ).scalar_one()
        connection.execute(
            text("UPDATE event SET actor_id = :a WHERE id = :i"),
            {"a": forged.people["m1"].id, "i": victim},
        )
    engine.dispose()
    with PlenaryClient(server.url, forged.people["m0"].token) as member:
        assert [e.id for e in member.unattributed_events(forged.report_id)] == [victim]
        server_check = member.verify_chain(forged.report_id)
        assert not server_check.ok and server_check.first_bad_event_id == victim
        assert "actor" in (server_check.reason or "")
    with PlenaryClient(server.url) as public:
        # the hashes cover the commitment, which did not change: the public chain holds
        assert public.recompute_chain(forged.report_id).ok
    verify = [sys.executable, "-m", "app.cli", "verify", str(forged.report_id), "--json"]
    member_run = subprocess.run(
        [*verify, "--url", server.url, "--token", forged.people["m0"].token],
        capture_output=True,
        text=True,
        timeout=120,
    )
    result = json.loads(member_run.stdout)
    assert member_run.returncode == 1 and result["ok"] is False
    assert result["actor_mismatches"] == [victim] and result["recomputed_here"]["ok"]
