"""`plenary db backup` and `restore` on PostgreSQL: the password never on a command line."""

from __future__ import annotations

from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import pytest

from app import backup

URL = "postgresql+psycopg://plenary:s3cret-pw@db.example:5433/plenary"


def test_pg_dump_and_pg_restore_get_the_password_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Another user of the machine reads every process's argv (`ps`), never its environment.
    (No process is spawned: `subprocess.run` is replaced, so this module stays in-process.)"""
    runs: list[tuple[list[str], dict[str, str] | None]] = []

    def run(argv: list[str], **kwargs: Any) -> CompletedProcess[str]:
        runs.append((argv, kwargs.get("env")))
        return CompletedProcess(argv, 0, "", "")

    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup.subprocess, "run", run)
    backup.backup(URL, tmp_path / "copy.dump")
    backup.restore(URL, tmp_path / "copy.dump")
    assert [argv[0] for argv, _env in runs] == ["pg_dump", "pg_restore"]
    for argv, env in runs:
        assert not any("s3cret-pw" in arg for arg in argv), argv
        assert "postgresql://plenary@db.example:5433/plenary" in argv
        assert env is not None and env["PGPASSWORD"] == "s3cret-pw"
