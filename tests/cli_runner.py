"""`plenary ...` run inside the test's process, against the in-process app.

`app.cli.main()` runs as the installed command would (argv, exit code, stdout, stderr,
stdin), but the client's HTTP goes through the `TestClient`'s transport to the app of this
process instead of a server: no process to start (about 1 s of imports each) and no server
to wait for. For tests of what a command does. Tests about the process itself (starting a
server, signals, installing) still spawn one, as in tests/cli/test_startup.py.

Usage: take the `run_cli` fixture (tests/conftest.py) and call it like the command line:
`run_cli(token, "export", "3", "--json")` returns what a finished process would
(`returncode`, `stdout`, `stderr`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

import app.cli
import app.cli_base
import app.client
from app.config import get_settings

URL = "http://testserver"  # the TestClient's base URL; any other URL goes over the network


@dataclass(frozen=True)
class Ran:
    """As `subprocess.CompletedProcess` has it, so a test reads the same either way."""

    returncode: int
    stdout: str
    stderr: str


class InProcessCli:
    def __init__(self, transport: httpx.BaseTransport, monkeypatch: pytest.MonkeyPatch) -> None:
        base = app.client.PlenaryClient

        class ThroughTheApp(base):  # type: ignore[valid-type, misc]
            def __init__(self, base_url: str, token: str | None = None, **options: Any) -> None:
                if base_url.rstrip("/") == URL:
                    options.setdefault("transport", transport)
                super().__init__(base_url, token, **options)

        # `app.cli` imports the client class when a command runs, so this is what it gets.
        monkeypatch.setattr(app.client, "PlenaryClient", ThroughTheApp)
        self._monkeypatch = monkeypatch
        self._transport = transport

    def client(self, token: str | None) -> app.client.PlenaryClient:
        """The typed client, through the same app (for setting up and checking)."""
        return app.client.PlenaryClient(URL, token, transport=self._transport)

    def __call__(self, token: str | None, *args: str, input: str | None = None) -> Ran:
        env = {"PLENARY_URL": URL, "PLENARY_TOKEN": token or None}
        return run_main(self._monkeypatch, *args, env=env, input=input)


def run_main(
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    env: dict[str, str | None] | None = None,
    input: str | None = None,
) -> Ran:
    """`plenary *args` in this process with `env` added (None removes a variable), for the
    commands that need no server (`admin token`, `db backup|restore`) as well."""
    # `--json` anywhere is remembered for the life of a process (app/cli_base.py), and so are
    # the settings read from the environment (app/config.py): each run starts afresh.
    monkeypatch.setattr(app.cli_base.json_mode, "on", False)
    monkeypatch.setattr(sys, "argv", ["plenary", *args])
    get_settings.cache_clear()
    with CliRunner().isolation(input=input, env=env or {}) as (stdout, stderr, _both):
        try:
            app.cli.main()
            code = 0
        except SystemExit as done:
            code = _exit_code(done.code)
        finally:
            get_settings.cache_clear()
        sys.stdout.flush()
        sys.stderr.flush()
        return Ran(code, stdout.getvalue().decode(), stderr.getvalue().decode())


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    return code if isinstance(code, int) else 1
