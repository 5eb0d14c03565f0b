from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.amendments.helpers import TEXT, report_with_section
from tests.factories import make_room, ok

SECRET = "a-shared-secret-of-some-length"


class Receiver:
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
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def fast_app(settings: Settings, app: FastAPI) -> Iterator[TestClient]:
    """The app with quick webhook retries (the shared `app` fixture cleans the database)."""
    quick = settings.model_copy(
        update={"webhook_backoff_seconds": 0.2, "webhook_poll_seconds": 0.05}
    )
    with TestClient(create_app(quick), raise_server_exceptions=False) as test_client:
        yield test_client


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_events_are_delivered_signed_with_retries(fast_app: TestClient) -> None:
    client = fast_app
    room = make_room(client)
    receiver = Receiver(fail_first=1)
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
            )[0]
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
                )[0]["status"]
                == "delivered"
            )
        )
        log = ok(
            client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=room.secretariat.headers)
        )
        assert [(d["status"], d["attempts"]) for d in log] == [("delivered", 2)]
        assert log[0]["last_status_code"] == 204
        # only the subscribed types: the report's other events were not sent
        assert all(
            json.loads(c["body"])["event"]["type"] == "amendment.proposed" for c in receiver.calls
        )
    finally:
        receiver.close()


def test_slow_receiver_never_delays_requests_and_targets_are_limited(fast_app: TestClient) -> None:
    client = fast_app
    room = make_room(client)
    slow = Receiver(delay=2.0)
    try:
        ok(
            client.post(
                f"/v1/groups/{room.group_id}/webhooks",
                json={"url": slow.url},
                headers=room.secretariat.headers,
            ),
            201,
        )
        _rid, sid = report_with_section(client, room)
        started = time.monotonic()
        for n in range(5):
            ok(
                client.post(
                    f"/v1/sections/{sid}/amendments",
                    json={"base_version": 1, "text": TEXT + f" {n}", "kind": "substantive"},
                    headers=room.members[0].headers,
                ),
                201,
            )
        assert time.monotonic() - started < 1.5
        wait_for(lambda: len(slow.calls) >= 1)
    finally:
        slow.close()
    refused = client.post(
        f"/v1/groups/{room.group_id}/webhooks",
        json={"url": "http://203.0.113.9/hook"},
        headers=room.chair.headers,
    )
    assert refused.status_code == 422 and "may not target" in refused.json()["detail"]
    member = client.post(
        f"/v1/groups/{room.group_id}/webhooks",
        json={"url": "http://127.0.0.1:9/x"},
        headers=room.members[0].headers,
    )
    assert member.status_code == 403
