"""Issue 15: a webhook receiver that hangs, refuses or fails costs the API's writes nothing."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi import FastAPI

from tests.amendments.helpers import TEXT, report_with_section
from tests.factories import Room, make_room, ok
from tests.server import free_port, live_server, wait_until
from tests.test_webhooks import delivery_log, register

ANSWERS_500 = """
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(500)
        self.end_headers()
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


class HangingReceiver:
    """Accepts connections and never answers: each delivery waits on it for the whole test.
    One thread only accepts and holds sockets, so it costs the process that writes nothing."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0), backlog=1024)
        self.port = int(self.socket.getsockname()[1])
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.socket.accept()
            except OSError:  # closed
                return
            self.held.append(connection)

    def close(self) -> None:
        self.socket.close()
        for connection in self.held:
            connection.close()


def _writes(url: str, room: Room, sid: int, start: int, count: int = 60) -> list[int]:
    """`count` amendment proposals from four writers at once; the status of each."""

    def write(n: int) -> int:
        with httpx.Client(base_url=url, timeout=120) as http:
            return http.post(
                f"/v1/sections/{sid}/amendments",
                json={"base_version": 1, "text": f"{TEXT} {n}", "kind": "substantive"},
                headers=room.members[n % len(room.members)].headers,
            ).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(write, range(start, start + count)))


def _attempts(http: httpx.Client, room: Room, hooks: list[int]) -> int:
    return sum(d["attempts"] for h in hooks for d in delivery_log(http, room, h))  # type: ignore[arg-type]


@pytest.mark.parametrize("receiver_kind", ["hangs", "refuses", "answers 500"])
def test_a_receiver_that_is_down_costs_the_writes_nothing(
    database_url: str, app: FastAPI, receiver_kind: str
) -> None:
    """Issue 15: with a receiver down, the worker's bookkeeping held every write for the 30 s
    busy timeout. Five webhooks deliver every event to a receiver that hangs (never answers
    within the test), refuses connections or answers 500 (retried every 0.2 s), while 60
    writes from four writers run. Every write is answered 201, with SQLite's busy timeout at
    3 s (as in test_write_gate.py): a write held behind the worker would have answered 5xx.
    Against the hanging receiver, all 60 are answered while the deliveries still wait on it;
    against the others, failures are recorded while the writes run. No timing is asserted
    (write latency is measured in bench/)."""
    hanging = HangingReceiver()
    failing = subprocess.Popen(
        [sys.executable, "-c", ANSWERS_500], stdout=subprocess.PIPE, text=True
    )  # in a process of its own, so that answering costs the process that writes nothing
    assert failing.stdout is not None
    failing_port = int(failing.stdout.readline())
    port = {"hangs": hanging.port, "refuses": free_port(), "answers 500": failing_port}[
        receiver_kind
    ]
    env = {
        "PLENARY_WEBHOOK_ALLOWED_HOSTS": json.dumps([f"127.0.0.1:{port}"]),
        # The hanging receiver outlasts the test; the others fail at once and are retried.
        "PLENARY_WEBHOOK_TIMEOUT_SECONDS": "600" if receiver_kind == "hangs" else "1",
        "PLENARY_WEBHOOK_BACKOFF_SECONDS": "0.2",
        "PLENARY_WEBHOOK_POLL_SECONDS": "0.05",
        "PLENARY_WRITE_RATE_PER_SECOND": "0",
        "PLENARY_SQLITE_BUSY_TIMEOUT_MS": "3000",
    }
    try:
        with (
            live_server(database_url, extra_env=env) as server,
            httpx.Client(base_url=server.url, timeout=120) as http,
        ):
            room = make_room(http)  # type: ignore[arg-type]
            _rid, sid = report_with_section(http, room)  # type: ignore[arg-type]
            target = f"http://127.0.0.1:{port}/hook"
            hooks = [ok(register(http, room, target), 201)["id"] for _ in range(5)]  # type: ignore[arg-type]
            assert _writes(server.url, room, sid, start=0, count=10) == [201] * 10
            if receiver_kind == "hangs":
                wait_until(lambda: len(hanging.held) >= 5, "deliveries waiting on the receiver")
            else:
                wait_until(lambda: _attempts(http, room, hooks) >= 5, "failed attempts")
            before = _attempts(http, room, hooks)
            assert _writes(server.url, room, sid, start=100) == [201] * 60
            after = _attempts(http, room, hooks)
            log = [d for h in hooks for d in delivery_log(http, room, h)]  # type: ignore[arg-type]
            assert all(d["status"] != "delivered" for d in log)
            if receiver_kind == "hangs":  # answered while every delivery still waited
                assert before == after == 0, log
            else:  # the worker recorded failures while the writes ran
                assert after > before, log
    finally:
        hanging.close()
        failing.kill()
        failing.wait()
