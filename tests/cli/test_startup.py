"""The first hour: starting a server, making a token, backing up and restoring, installed for
real. Servers, and commands racing a server's start, run as separate processes, as a person
would run them; commands whose process is not what is tested run in this one
(tests/cli_runner.py: the same `main()`, argv, environment and exit code)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.cli_runner import Ran, run_main
from tests.server import free_port, live_server

ROOT = Path(__file__).resolve().parent.parent.parent


def plenary(
    cwd: Path, *args: str, env: dict[str, str] | None = None, python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "app.cli", *args],
        cwd=cwd,
        env=env or fresh_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def fresh_env() -> dict[str, str]:
    """As on a new machine: no database, URL or token set; this checkout's `app` first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLENARY_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.fixture
def here(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Ran]:
    """`plenary ...` in this process, as on a new machine: no PLENARY_* set. (It keeps the
    working directory: servers started from here import this checkout's `app` from it.)"""
    for name in [k for k in os.environ if k.startswith("PLENARY_")]:
        monkeypatch.delenv(name)

    def run(*args: str, env: dict[str, str | None] | None = None) -> Ran:
        return run_main(monkeypatch, *args, env=env)

    return run


def wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server died"
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise AssertionError("the server did not become ready")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_serve_and_admin_token_at_once_never_kill_the_server(tmp_path: Path) -> None:
    """Both migrate a fresh ./plenary.db at the same moment (before: `table ... already
    exists`, and the server died). The lock that orders them is tested in process
    (tests/test_dblock.py); this checks the processes use it, so three tries suffice (each
    is two process starts, 10-40 s on a loaded machine)."""
    for attempt in range(3):
        directory = tmp_path / f"try-{attempt}"
        directory.mkdir()
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        serve_args = ["serve", "--port", str(port)]
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", *serve_args],
            cwd=directory,
            env=fresh_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            token = plenary(directory, "admin", "token", "--create")
            assert token.returncode == 0, token.stderr
            wait_ready(url, server)
            secret = token.stdout.strip()
            me = httpx.get(f"{url}/v1/me", headers={"Authorization": f"Bearer {secret}"})
            assert me.status_code == 200 and me.json()["is_admin"], me.text
            assert server.poll() is None
            assert str(directory / "plenary.db") in token.stderr  # it names the database
        finally:
            stop(server)
        assert b"already exists" not in (server.stderr.read() if server.stderr else b"")


def test_commands_refuse_to_create_an_empty_database_by_accident(
    tmp_path: Path, here: Callable[..., Ran], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # ./plenary.db is the default database
    named = str(tmp_path / "plenary.db")
    token = here("admin", "token")
    assert token.returncode == 2
    assert (
        named in token.stderr
        and "--create" in token.stderr
        and "PLENARY_DATABASE_URL" in token.stderr
    )
    assert token.stdout == ""
    backup = here("db", "backup", "copy.db", "--json")
    assert backup.returncode == 2
    problem = json.loads(backup.stdout)
    assert problem["type"] == "urn:plenary:problem:no-database" and problem["database"].endswith(
        named
    )
    assert not (tmp_path / "plenary.db").exists() and not (tmp_path / "copy.db").exists()

    created = here("admin", "token", "--create", "--json")
    assert created.returncode == 0, created.stdout + created.stderr
    answer = json.loads(created.stdout)
    assert answer["token"].startswith("plen_") and answer["database"].endswith(named)
    again = here("admin", "token")  # now there is one: no --create needed
    assert again.returncode == 0 and again.stdout.strip().startswith("plen_")


def test_restore_is_refused_while_a_server_serves_the_database(
    tmp_path: Path, here: Callable[..., Ran]
) -> None:
    """The server is another process (its lock is what refuses); the commands run here."""
    database_url = f"sqlite:///{tmp_path / 'served.db'}"
    env: dict[str, str | None] = {"PLENARY_DATABASE_URL": database_url}
    with live_server(database_url) as server:
        backup = here("db", "backup", str(tmp_path / "copy.db"), env=env)
        assert backup.returncode == 0, backup.stderr
        assert str(tmp_path / "served.db") in backup.stdout
        refused = here("db", "restore", str(tmp_path / "copy.db"), "--yes", env=env)
        assert refused.returncode == 1
        assert "a server is serving" in refused.stderr and "served.db" in refused.stderr
        as_json = here("db", "restore", str(tmp_path / "copy.db"), "--yes", "--json", env=env)
        assert json.loads(as_json.stdout)["type"] == "urn:plenary:problem:database-in-use"
        assert httpx.get(f"{server.url}/readyz").status_code == 200
    restored = here("db", "restore", str(tmp_path / "copy.db"), "--yes", env=env)
    assert restored.returncode == 0, restored.stderr


@pytest.mark.slow
def test_installed_without_editable_mode_the_migrations_come_along(tmp_path: Path) -> None:
    """`pip install .` (a wheel, not -e) into a fresh venv, then `plenary db upgrade` and
    `plenary serve` in an empty directory, with no PLENARY_MIGRATIONS_DIR."""
    source = tmp_path / "source"
    files = subprocess.run(
        [
            "git",
            "ls-files",
            "-co",
            "--exclude-standard",
            "app",
            "migrations",
            "pyproject.toml",
            "setup.py",
            "MANIFEST.in",
            "README.md",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    venv = tmp_path / "venv"
    # The dependencies come from this environment; plenary itself is built and installed.
    # pip too comes from this environment (without its own copy bootstrapped into the venv,
    # the longest part of making one); run by the venv's python, it installs into the venv,
    # as the assertions below check.
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
        check=True,
    )
    python = str(venv / "bin" / "python")
    installed = subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLENARY_")}
    env.pop("PYTHONPATH", None)
    where = subprocess.run(
        [python, "-c", "import app; print(app.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(venv)), where.stdout  # the installed copy, not a checkout
    plenary_bin = str(venv / "bin" / "plenary")
    upgraded = subprocess.run(
        [plenary_bin, "db", "upgrade"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert upgraded.returncode == 0, upgraded.stderr
    assert "at head" in upgraded.stdout and (work / "plenary.db").exists()
    port = free_port()
    server = subprocess.Popen(
        [plenary_bin, "serve", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}", server)
    finally:
        stop(server)
