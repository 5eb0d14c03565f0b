from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Settings
from app.main import create_app
from tests.amendments.helpers import TEXT, act, adopt_report, propose, report_with_section
from tests.factories import Room, make_room, ok

SECRET = "a-shared-secret-of-some-length"


class Receiver:
    """A webhook receiver on 127.0.0.1: answers 204 (500 for the first `fail_first` calls),
    after `delay` seconds."""

    def __init__(self, *, fail_first: int = 0, delay: float = 0.0) -> None:
        self.calls: list[dict[str, Any]] = []
        self.fail_first = fail_first
        self.delay = delay
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append({"headers": dict(self.headers), "body": body})
                time.sleep(receiver.delay)
                status = 500 if len(receiver.calls) <= receiver.fail_first else 204
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def entry(self) -> str:
        return f"127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


AppFactory = Callable[[list[str]], TestClient]


@pytest.fixture
def webhook_app(settings: Settings, app: FastAPI) -> Iterator[AppFactory]:
    """An app with quick webhook retries and the given allow-list (the shared `app` fixture
    cleans the database). One at a time: making another stops the previous one, whose
    worker would otherwise deliver the new app's events under the old list."""
    stack = ExitStack()

    def make(allowed: list[str]) -> TestClient:
        stack.close()
        quick = settings.model_copy(
            update={
                "webhook_backoff_seconds": 0.2,
                "webhook_poll_seconds": 0.05,
                "webhook_allowed_hosts": allowed,
            }
        )
        return stack.enter_context(TestClient(create_app(quick), raise_server_exceptions=False))

    with stack:
        yield make


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def register(client: TestClient, room: Room, url: str, **fields: Any) -> Any:
    return client.post(
        f"/v1/groups/{room.group_id}/webhooks",
        json={"url": url, **fields},
        headers=room.chair.headers,
    )


def delivery_log(client: TestClient, room: Room, hook_id: int) -> list[dict[str, Any]]:
    return list(
        ok(client.get(f"/v1/webhooks/{hook_id}/deliveries", headers=room.chair.headers))["items"]
    )


def test_events_are_delivered_signed_with_retries(webhook_app: AppFactory) -> None:
    receiver = Receiver(fail_first=1)
    client = webhook_app([receiver.entry])
    room = make_room(client)
    try:
        hook = ok(
            client.post(
                f"/v1/groups/{room.group_id}/webhooks",
                json={
                    "url": receiver.url,
                    "secret": SECRET,
                    "event_types": ["amendment.proposed", "version.created"],
                },
                headers=room.chair.headers,
            ),
            201,
        )
        assert hook["secret"] == SECRET
        assert (
            "secret"
            not in ok(
                client.get(f"/v1/groups/{room.group_id}/webhooks", headers=room.chair.headers)
            )["items"][0]
        )
        _rid, sid = report_with_section(client, room)
        proposal = ok(
            client.post(
                f"/v1/sections/{sid}/amendments",
                json={"base_version": 1, "text": TEXT + " Hooked.", "kind": "substantive"},
                headers=room.members[0].headers,
            ),
            201,
        )
        wait_for(lambda: len(receiver.calls) >= 2)
        first, second = receiver.calls[0], receiver.calls[1]
        assert first["body"] == second["body"]  # the same delivery, retried
        body = json.loads(second["body"])
        assert (
            body["event"]["type"] == "amendment.proposed"
            and body["event"]["payload"]["amendment_id"] == proposal["id"]
        )
        headers = {k.lower(): v for k, v in second["headers"].items()}
        expected = hmac.new(
            SECRET.encode(),
            headers["plenary-timestamp"].encode() + b"." + second["body"],
            hashlib.sha256,
        ).hexdigest()
        assert hmac.compare_digest(headers["plenary-signature"], f"sha256={expected}")
        assert headers["plenary-delivery"] == str(body["delivery_id"])
        log = ok(
            client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=room.secretariat.headers)
        )
        wait_for(
            lambda: (
                ok(
                    client.get(
                        f"/v1/webhooks/{hook['id']}/deliveries", headers=room.secretariat.headers
                    )
                )["items"][0]["status"]
                == "delivered"
            )
        )
        log = ok(
            client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=room.secretariat.headers)
        )["items"]
        assert [(d["status"], d["attempts"]) for d in log] == [("delivered", 2)]
        assert log[0]["last_status_code"] == 204
        # only the subscribed types: the report's other events were not sent
        assert all(
            json.loads(c["body"])["event"]["type"] == "amendment.proposed" for c in receiver.calls
        )
    finally:
        receiver.close()


def test_webhook_targets_are_refused_unless_listed_by_host_and_port(
    webhook_app: AppFactory,
) -> None:
    nobody = webhook_app([])  # the default: no receiver is allowed
    room = make_room(nobody)
    refused = register(nobody, room, "http://127.0.0.1:8081/hook")
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert "may not target 127.0.0.1:8081" in refused.json()["detail"]

    client = webhook_app(["127.0.0.1:8081", "hooks.example.org:443"])
    assert ok(register(client, room, "http://127.0.0.1:8081/hook"), 201)["url"].endswith("/hook")
    assert ok(register(client, room, "https://hooks.example.org/in"), 201)  # 443 by default
    for url in (
        "http://127.0.0.1:22/",  # the right host on another port (ssh)
        "http://127.0.0.1:8000/v1/groups",  # the API itself
        "http://127.0.0.1/hook",  # port 80
        "http://localhost:8081/hook",  # the same machine by a name that is not listed
        "http://hooks.example.org/in",  # port 80, not 443
        "http://203.0.113.9:8081/hook",
    ):
        response = register(client, room, url)
        assert response.status_code == 422, (url, response.text)
        assert response.json()["type"] == "urn:plenary:problem:unprocessable"
    hooks = ok(client.get(f"/v1/groups/{room.group_id}/webhooks", headers=room.chair.headers))
    assert len(hooks) == 2
    member = client.post(
        f"/v1/groups/{room.group_id}/webhooks",
        json={"url": "http://127.0.0.1:8081/x"},
        headers=room.members[0].headers,
    )
    assert member.status_code == 403


def test_allow_list_entries_must_name_a_port() -> None:
    for entry in ("127.0.0.1", "example.org", "::1:80", "127.0.0.1:0", "host:http"):
        with pytest.raises(ValidationError):
            Settings(webhook_allowed_hosts=[entry])
    assert Settings(webhook_allowed_hosts=["[::1]:8081"]).webhook_allowed_hosts == ["[::1]:8081"]


def test_a_listed_name_that_resolves_to_an_unlisted_address_is_refused_at_delivery(
    webhook_app: AppFactory,
) -> None:
    """DNS rebinding: `localhost:P` is allowed when the webhook is created, but at delivery
    the name resolves to a loopback address that is not on the list by address."""
    receiver = Receiver()
    try:
        client = webhook_app([f"localhost:{receiver.port}"])
        room = make_room(client)
        hook = ok(register(client, room, f"http://localhost:{receiver.port}/hook"), 201)
        report_with_section(client, room)
        wait_for(
            lambda: any(d["status"] == "failed" for d in delivery_log(client, room, hook["id"]))
        )
        failed = delivery_log(client, room, hook["id"])[-1]
        assert failed["status"] == "failed" and failed["attempts"] == 1
        assert failed["last_error"].startswith("refused:") and "127.0.0.1" in failed["last_error"]
        assert receiver.calls == []

        # Listed by address as well: the same name is delivered, to the address just checked,
        # with the name in Host.
        both = webhook_app([f"localhost:{receiver.port}", receiver.entry])
        room = make_room(both)
        hook = ok(register(both, room, f"http://localhost:{receiver.port}/hook"), 201)
        report_with_section(both, room)
        wait_for(lambda: len(receiver.calls) >= 1)
        assert receiver.calls[0]["headers"]["Host"] == f"localhost:{receiver.port}"
        wait_for(
            lambda: any(d["status"] == "delivered" for d in delivery_log(both, room, hook["id"]))
        )
    finally:
        receiver.close()


def test_the_answer_that_applies_delivers_its_own_event_and_the_adoption(
    webhook_app: AppFactory,
) -> None:
    """The last answer's events are inserted together, after the tally decided to apply
    (app/events/recording.py): each still gets its delivery, as every answer before it. The
    group's webhook is learned with the report's lock (app/reports/access.py)."""
    receiver = Receiver()
    client = webhook_app([receiver.entry])
    room = make_room(client, members=2)
    try:
        rid, sid = report_with_section(client, room)
        adopt_report(client, room, rid)
        register(
            client,
            room,
            receiver.url,
            secret=SECRET,
            event_types=["consent.consent", "amendment.adopted"],
        )
        change = propose(client, room.members[0], sid, TEXT + " Hooked.")
        for voter in room.voters:
            act(client, voter, change["id"], "consent")
        wait_for(lambda: len(receiver.calls) >= len(room.voters) + 1)
        sent = [json.loads(call["body"])["event"] for call in receiver.calls]
        assert sorted(e["type"] for e in sent) == ["amendment.adopted"] + ["consent.consent"] * len(
            room.voters
        )
        adopted = next(e for e in sent if e["type"] == "amendment.adopted")
        last = max((e for e in sent if e["type"] == "consent.consent"), key=lambda e: e["seq"])
        assert adopted["seq"] == last["seq"] + 1
        assert adopted["payload"]["amendment_id"] == change["id"]
    finally:
        receiver.close()
