"""Who else is using this database: the migration lock, and the mark a serving process holds.

Two processes that migrate one database at once both see it empty and both create the tables:
the second dies with `table ... already exists` (`plenary serve &` then `plenary admin token`
did it). So every migration runs under one lock per database: a file lock next to a SQLite
file, a session advisory lock on PostgreSQL. Every serving process holds a shared lock for its
lifetime, which `plenary db restore` must be able to take exclusively: a restore under a
running server would swap the data beneath it.

On SQLite both are flocks on files of their own next to the database, never on the database
file itself: closing any descriptor of that file drops every POSIX lock SQLite holds on it in
this process, which corrupts its locking (a "disk I/O error" at best).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import make_url

# Advisory lock keys on PostgreSQL (any 64-bit numbers no other code uses).
MIGRATION_LOCK_KEY = 0x706C656E6D696772  # "plenmigr"
SERVING_LOCK_KEY = 0x706C656E73657276  # "plenserv"


class DatabaseInUse(RuntimeError):
    pass


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (absolute), or None for memory or another database."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve()


def describe(url: str) -> str:
    """The database as a person should read it: the file's absolute path, or the URL
    without its password."""
    path = sqlite_file(url)
    if path is not None:
        return f"sqlite:///{path}"
    return make_url(url).render_as_string(hide_password=True)


def database_exists(url: str) -> bool:
    """False for a SQLite file that is not there (connecting would create it empty)."""
    path = sqlite_file(url)
    return path is None or (path.is_file() and path.stat().st_size > 0)


def _lock_file(database: Path, purpose: str) -> int:
    database.parent.mkdir(parents=True, exist_ok=True)
    return os.open(f"{database}.{purpose}-lock", os.O_RDWR | os.O_CREAT, 0o600)


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """Held while migrating; a second migrator waits, then finds the database at head."""
    path = sqlite_file(url)
    if path is not None:
        fd = _lock_file(path, "migrate")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock
        return
    if not url.startswith("postgresql"):
        yield
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            connection.commit()  # a session lock: it outlives the transaction
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
                connection.commit()
    finally:
        engine.dispose()


class ServingMark:
    """A shared lock held by a serving process until `release`."""

    def __init__(self, url: str) -> None:
        self._fd: int | None = None
        self._connection: Any = None
        self._engine: Any = None
        path = sqlite_file(url)
        if path is not None:
            self._fd = _lock_file(path, "serve")
            fcntl.flock(self._fd, fcntl.LOCK_SH)
        elif url.startswith("postgresql"):
            self._engine = create_engine(url, poolclass=pool.NullPool)
            self._connection = self._engine.connect()
            self._connection.execute(
                text("SELECT pg_advisory_lock_shared(:k)"), {"k": SERVING_LOCK_KEY}
            )
            self._connection.commit()

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._connection is not None:
            self._connection.close()  # ends the session and its lock
            self._engine.dispose()
            self._connection = None


@contextmanager
def exclusive_use(url: str) -> Iterator[None]:
    """Held while the database is replaced; DatabaseInUse if a server is serving it."""
    busy = DatabaseInUse(f"a server is serving {describe(url)}: stop it first")
    path = sqlite_file(url)
    if path is not None:
        fd = _lock_file(path, "serve")
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise busy from None
            yield
        finally:
            os.close(fd)
        return
    if not url.startswith("postgresql"):
        yield
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            taken = connection.scalar(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": SERVING_LOCK_KEY}
            )
            connection.commit()
            if not taken:
                raise busy
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SERVING_LOCK_KEY})
                connection.commit()
    finally:
        engine.dispose()
