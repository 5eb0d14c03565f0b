"""The event stream against real server processes: resume, order, fan-out, heartbeats."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from datetime import datetime

import httpx

from app.client import PlenaryClient
from tests.conftest import ADMIN_TOKEN
from tests.factories import enrol
from tests.server import LiveServer, module_server, unique
from tests.sse import Message, aparse, messages, parse, take

server = module_server("stream", PLENARY_STREAM_HEARTBEAT_SECONDS="0.5")


def setup_report(url: str) -> tuple[str, str, int, int]:
    with PlenaryClient(url, ADMIN_TOKEN) as admin:
        group = admin.create_group(unique("Live group"))
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        observer = enrol(admin, group.id, name="Observer", role="observer")
    with PlenaryClient(url, secretariat) as client:
        report = client.import_report(group.id, "# I. Text\n\nVersion 1.")
    return secretariat, observer, report.id, report.outline[0].id


def edit(url: str, token: str, section_id: int, count: int) -> None:
    with PlenaryClient(url, token) as client:
        for _ in range(count):
            head = client.get_section(section_id).head_version
            client.write_version(section_id, base_version=head, text=f"Version {head + 1}.")


def test_resume_with_last_event_id_gets_exactly_the_missed_events(server: LiveServer) -> None:
    secretariat, _observer, report_id, section_id = setup_report(server.url)
    headers = {"Authorization": f"Bearer {secretariat}"}
    url = f"{server.url}/v1/reports/{report_id}/stream"
    with httpx.stream("GET", url, headers=headers, timeout=10) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        history = take(messages(response), 2)  # report.created, report.imported
    assert [m.event for m in history] == ["report.created", "report.imported"]
    last = history[-1].id
    edit(server.url, secretariat, section_id, 5)  # while disconnected
    with httpx.stream(
        "GET", url, headers={**headers, "Last-Event-ID": str(last)}, timeout=10
    ) as response:
        stream = messages(response)
        missed = take(stream, 5)
        edit(server.url, secretariat, section_id, 1)  # and one live
        live = take(stream, 1)
    assert [m.event for m in missed] == ["version.created"] * 5
    assert [m.data["payload"]["number"] for m in missed] == [2, 3, 4, 5, 6]
    assert [m.data["seq"] for m in missed + live] == list(range(3, 9))
    assert live[0].data["payload"]["number"] == 7
    ids = [m.id for m in history + missed + live]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)


def test_bad_last_event_id_is_a_400_problem_and_heartbeats_flow(server: LiveServer) -> None:
    secretariat, observer, report_id, _section = setup_report(server.url)
    url = f"{server.url}/v1/reports/{report_id}/stream"
    for bad in ("garbage", "-1", "99999999", "1" * 30):
        response = httpx.get(
            url,
            headers={"Authorization": f"Bearer {secretariat}", "Last-Event-ID": bad},
            timeout=10,
        )
        assert response.status_code in (400, 422), bad
        assert response.headers["content-type"] == "application/problem+json"
    assert httpx.get(url, timeout=10).status_code == 401
    with httpx.stream(
        "GET", url, headers={"Authorization": f"Bearer {observer}"}, timeout=10
    ) as response:
        items = []
        for item in parse(response.iter_lines()):
            items.append(item)
            if item == ": heartbeat":
                break
        messages = [i for i in items if isinstance(i, Message)]
        assert messages and all(m.data["actor_id"] is None for m in messages)


def test_two_hundred_subscribers_receive_a_hundred_events_in_order(server: LiveServer) -> None:
    secretariat, _observer, report_id, section_id = setup_report(server.url)
    headers = {"Authorization": f"Bearer {secretariat}"}
    url = f"{server.url}/v1/reports/{report_id}/stream"
    subscribers, events = 200, 100
    ready = threading.Event()
    received: list[list[int]] = []

    async def follow(client: httpx.AsyncClient, connected: list[int]) -> list[int]:
        seqs: list[int] = []
        async with client.stream("GET", url, headers=headers) as response:
            connected.append(1)
            if len(connected) == subscribers:
                ready.set()
            async for item in aparse(response.aiter_lines()):
                if isinstance(item, Message) and item.event == "version.created":
                    seqs.append(item.data["seq"])
                    if len(seqs) == events:
                        return seqs
        return seqs

    async def main() -> None:
        limits = httpx.Limits(max_connections=subscribers + 10)
        async with httpx.AsyncClient(timeout=60, limits=limits) as client:
            connected: list[int] = []
            results = await asyncio.wait_for(
                asyncio.gather(*(follow(client, connected) for _ in range(subscribers))),
                timeout=120,
            )
            received.extend(results)

    runner = threading.Thread(target=lambda: asyncio.run(main()))
    runner.start()
    assert ready.wait(60), "subscribers did not connect"
    time.sleep(0.2)
    edit(server.url, secretariat, section_id, events)
    runner.join(150)
    assert len(received) == subscribers
    first = received[0]
    assert len(first) == events and first == sorted(first) and len(set(first)) == events
    assert all(seqs == first for seqs in received)


def test_a_deactivation_ends_the_participants_open_stream(server: LiveServer) -> None:
    with PlenaryClient(server.url, ADMIN_TOKEN) as admin:
        group = admin.create_group(unique("Roster group"))
        chair = enrol(admin, group.id, name="Chair", role="chair")
        secretariat = enrol(admin, group.id, name="Secretariat", role="secretariat")
        member = admin.add_participant(group.id, name="Member", role="member")
        member_token = admin.redeem(member.invitation.code).token
    with PlenaryClient(server.url, secretariat) as client:
        report = client.import_report(group.id, "# I. Text\n\nVersion 1.")
    url = f"{server.url}/v1/reports/{report.id}/stream"
    headers = {"Authorization": f"Bearer {member_token}"}
    with httpx.stream("GET", url, headers=headers, timeout=10) as response:
        stream = messages(response)
        history = take(stream, 2)  # report.created, report.imported
        with PlenaryClient(server.url, chair) as client:
            client.update_participant(member.id, active=False)
        rest = list(stream)  # the stream ends at the roster change, before sending it
    assert [m for m in rest if isinstance(m, Message)] == []
    assert ": access changed: reconnect to be authorized afresh" in rest
    resumed = httpx.get(url, headers={**headers, "Last-Event-ID": str(history[-1].id)}, timeout=10)
    assert resumed.status_code == 401
    assert resumed.json()["type"] == "urn:plenary:problem:participant-inactive"


def test_plenary_follow_prints_a_reports_events_and_stops_at_count(server: LiveServer) -> None:
    secretariat, _observer, report_id, section_id = setup_report(server.url)
    edit(server.url, secretariat, section_id, 3)
    followed = subprocess.run(
        [sys.executable, "-m", "app.cli", "follow", str(report_id), "--count", "4"],
        env=server.env(secretariat),
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = followed.stdout.strip().splitlines()
    assert followed.returncode == 0 and len(lines) == 4, followed.stderr
    assert "report.created" in lines[0] and "report.imported" in lines[1]
    assert all("version.created" in line for line in lines[2:]), lines


def test_live_messages_are_the_logged_events_in_each_readers_view(server: LiveServer) -> None:
    """Events reach the stream straight from the commit that recorded them, encoded once per
    audience and shared: each reader's live messages are the log as that reader reads it
    (GET .../events, from the database), the member's with names, the observer's without."""
    secretariat, observer, report_id, section_id = setup_report(server.url)
    url = f"{server.url}/v1/reports/{report_id}/stream"
    readers = {"member": secretariat, "observer": observer}
    live: dict[str, list[Message]] = {}
    ready = threading.Barrier(len(readers) + 1)

    def follow(name: str) -> None:
        headers = {"Authorization": f"Bearer {readers[name]}"}
        with httpx.stream("GET", url, headers=headers, timeout=20) as response:
            stream = messages(response)
            take(stream, 2)  # report.created, report.imported
            ready.wait(20)
            live[name] = take(stream, 3)

    # The member subscribes first, so its (attributed) encoding is made first for each event.
    followers = [threading.Thread(target=follow, args=(name,)) for name in readers]
    for follower in followers:
        follower.start()
        time.sleep(0.3)
    ready.wait(20)
    edit(server.url, secretariat, section_id, 3)
    for follower in followers:
        follower.join(30)
    for name, token in readers.items():
        logged = httpx.get(
            f"{server.url}/v1/reports/{report_id}/events?after=0",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()["items"][2:]
        got = [m.data for m in live[name]]
        assert [m.event for m in live[name]] == ["version.created"] * 3
        assert [d["id"] for d in got] == [e["id"] for e in logged]
        for message, entry in zip(got, logged, strict=True):
            for key in ("seq", "type", "actor_id", "actor_salt", "actor_commitment", "payload"):
                assert message[key] == entry[key], (name, key)
            assert message["hash"] == entry["hash"] and message["prev_hash"] == entry["prev_hash"]
            assert datetime.fromisoformat(message["created_at"]) == datetime.fromisoformat(
                entry["created_at"]
            )
    assert all(m.data["actor_id"] is not None for m in live["member"])
    assert all(
        m.data["actor_id"] is None and m.data["actor_salt"] is None for m in live["observer"]
    )
