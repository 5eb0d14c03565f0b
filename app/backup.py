"""Online backups: a consistent copy while the server keeps writing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class BackupResult:
    path: Path
    integrity: str
    tables: dict[str, int]


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("only a file-backed SQLite database can be backed up")
    return Path(database)


def _libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """The connection URL for pg_dump or pg_restore without its password, and the
    environment that carries it: a command line is readable by every user of the machine
    (`ps`), the process's environment only by its owner."""
    parsed = make_url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    bare = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )  # (`URL.set` leaves a field alone when given None)
    return bare.render_as_string(hide_password=False), env


def backup(url: str, target: Path) -> BackupResult:
    if url.startswith("sqlite"):
        source = sqlite3.connect(str(_sqlite_path(url)))
        copy = sqlite3.connect(str(target))
        try:
            # The backup API copies a consistent snapshot, page by page, while writers go on.
            source.backup(copy)
        finally:
            source.close()
        try:
            integrity = copy.execute("PRAGMA integrity_check").fetchone()[0]
            names = [
                r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            tables = {n: copy.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
        finally:
            copy.close()
        return BackupResult(target, integrity, tables)
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (apt-get install postgresql-client)")
    plain, env = _libpq_target(url)
    done = subprocess.run(
        ["pg_dump", "--format=custom", "--file", str(target), plain],
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        raise BackupError(done.stderr.strip())
    return BackupResult(target, "pg_dump ok", {})


def restore(url: str, source: Path) -> None:
    """Replace the database with a backup. Stop the server first."""
    if url.startswith("sqlite"):
        live = _sqlite_path(url)
        for suffix in ("-wal", "-shm"):
            Path(str(live) + suffix).unlink(missing_ok=True)
        backup_db = sqlite3.connect(str(source))
        target = sqlite3.connect(str(live))
        try:
            backup_db.backup(target)
        finally:
            backup_db.close()
            target.close()
        return
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed (apt-get install postgresql-client)")
    plain, env = _libpq_target(url)
    done = subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname", plain, str(source)],
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        raise BackupError(done.stderr.strip())
