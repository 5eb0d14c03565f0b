"""The database's locks, on SQLite and PostgreSQL alike: one migrator at a time, and no
restore beneath a serving process."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, pool, text

from app.config import Settings
from app.dblock import DatabaseInUse, exclusive_use, migration_lock, sqlite_file


def test_a_restore_is_refused_while_an_app_serves_the_database(
    app: FastAPI, settings: Settings
) -> None:
    with (
        TestClient(app),  # the app's lifespan holds its mark
        pytest.raises(DatabaseInUse, match="a server is serving"),
        exclusive_use(settings.database_url),
    ):
        pass
    with exclusive_use(settings.database_url):  # served by no one now
        pass


def _until_a_migrator_waits(url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[], bool]:
    """A check that some migrator is waiting for the lock: on SQLite, one found the lock file
    taken and blocked on it; on PostgreSQL, an advisory lock is asked for and not granted."""
    if sqlite_file(url) is not None:
        blocked = threading.Event()
        flock = fcntl.flock

        def watched(fd: int, operation: int) -> None:
            if operation == fcntl.LOCK_EX:
                try:
                    flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    blocked.set()
            flock(fd, operation)

        monkeypatch.setattr(fcntl, "flock", watched)
        return blocked.is_set
    engine = create_engine(url, poolclass=pool.NullPool)

    def waiting() -> bool:
        with engine.connect() as connection:
            return bool(
                connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND NOT granted AND database = "
                        "(SELECT oid FROM pg_database WHERE datname = current_database())"
                    )
                )
            )

    return waiting


def test_a_second_migrator_waits_for_the_first(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    second_in = threading.Event()
    someone_waits = _until_a_migrator_waits(settings.database_url, monkeypatch)

    def second() -> None:
        with migration_lock(settings.database_url):
            second_in.set()

    with migration_lock(settings.database_url):
        waiting = threading.Thread(target=second)
        waiting.start()
        for _ in range(1000):  # until the second is blocked on the lock (not for a time)
            if someone_waits():
                break
            waiting.join(0.01)
        assert someone_waits() and not second_in.is_set()  # held off while the first migrates
    assert second_in.wait(10)
    waiting.join(10)
