"""A real `plenary serve` process on 127.0.0.1, for the CLI, client and crash tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.demo import DemoRoom
from tests.conftest import ADMIN_TOKEN


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    database_url: str
    process: subprocess.Popen[bytes]

    def env(self, token: str | None = None) -> dict[str, str]:
        env = {**os.environ, "PLENARY_URL": self.url, "PLENARY_DATABASE_URL": self.database_url}
        if token:
            env["PLENARY_TOKEN"] = token
        return env


def seed_demo(database_url: str) -> DemoRoom:
    """Migrate an empty database and fill it with the demo room (app/demo.py)."""
    from app.config import Settings
    from app.demo import seed
    from app.migrate import upgrade
    from app.wiring import open_database

    upgrade(Settings(database_url=database_url))
    database = open_database(database_url)
    try:
        return seed(database)
    finally:
        database.dispose()


@contextmanager
def live_server(
    database_url: str,
    *,
    port: int | None = None,
    extra_env: dict[str, str] | None = None,
    log: Path | None = None,
) -> Iterator[LiveServer]:
    """`plenary serve` on 127.0.0.1, ready; its output goes to `log` (default: nowhere)."""
    port = port or free_port()
    env = {
        **os.environ,
        "PLENARY_DATABASE_URL": database_url,
        "PLENARY_ADMIN_TOKEN": ADMIN_TOKEN,
        **(extra_env or {}),
    }
    scratch = None
    if log is None:
        scratch = tempfile.TemporaryDirectory(prefix="plenary-serve-")
        log = Path(scratch.name) / "serve.log"
    output = log.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # A bound, not a measure: a machine shared by many runs can take long to start one.
        deadline = time.monotonic() + 180
        while True:
            # The port was free when picked, not reserved: another test's server may take it
            # and answer /readyz while this one migrates. Ours says it bound the port.
            ours = f"running on {url}" in log.read_text()
            try:
                if ours and httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("plenary serve did not become ready")
            time.sleep(0.1)
        yield LiveServer(url=url, database_url=database_url, process=process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        output.close()
        if scratch is not None:
            scratch.cleanup()


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Poll until `condition` holds: waits as long as a loaded machine needs and no longer
    than the work takes, where a fixed sleep is either too short or wasted. The bound only
    keeps a broken test from hanging; it is not a timing the test asserts."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {seconds:.0f} s: {what}")
        time.sleep(0.02)


def unique(name: str) -> str:
    """`name` made unique on a shared server (group names are unique per server)."""
    return f"{name} {uuid.uuid4().hex[:8]}"


def module_server(name: str, **env: str) -> Any:
    """A module-scoped `server` fixture: one `plenary serve`, on its own SQLite file, for all
    the tests of the module (about 1-2 s of start-up each instead of one per test). Tests
    share it by each making their own group (named with `unique()`: group names are unique),
    so they never see each other's rows; a test
    that needs an empty database, a restart or other settings uses `live_server` itself.

        server = module_server("stream", PLENARY_STREAM_HEARTBEAT_SECONDS="0.5")
    """

    @pytest.fixture(scope="module")
    def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
        path = tmp_path_factory.mktemp(name) / f"{name}.db"
        with live_server(f"sqlite:///{path}", extra_env=env or None) as running:
            yield running

    return server
