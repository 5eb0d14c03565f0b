"""The database's locks, on SQLite and PostgreSQL alike: one migrator at a time, and no
restore beneath a serving process."""

from __future__ import annotations

import threading

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.dblock import DatabaseInUse, exclusive_use, migration_lock


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


def test_a_second_migrator_waits_for_the_first(settings: Settings) -> None:
    second_in = threading.Event()

    def second() -> None:
        with migration_lock(settings.database_url):
            second_in.set()

    with migration_lock(settings.database_url):
        waiting = threading.Thread(target=second)
        waiting.start()
        assert not second_in.wait(0.5)  # held off while the first migrates
    assert second_in.wait(10)
    waiting.join(10)
