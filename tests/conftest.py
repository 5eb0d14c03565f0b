from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text

from app.clock import ShiftedClock, use
from app.config import Settings
from app.main import create_app
from app.migrate import upgrade
from app.models import Base
from tests.cli_runner import InProcessCli

ADMIN_TOKEN = "plen_test-admin-token-0123456789abcdefghijklmnopqrstuv"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("PLENARY_TEST_DATABASE_URL")
    if not url:  # a file per session, so per xdist worker too (each has its own tmp dir)
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'plenary-test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _database_of_worker(url, worker) if worker else url


def _database_of_worker(url: str, worker: str) -> str:
    """Under `pytest -n`, each worker empties its tables after every test: on a shared
    server each gets its own database (`plenary_test_gw0`, ...), made afresh here."""
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    server = create_engine(parsed, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    # Tests write far faster than people; tests/test_rate_limit.py tightens the limit itself.
    settings = Settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        write_rate_per_second=100_000,
        write_burst=100_000,
        auth_failure_rate_per_second=0,  # tests/test_request_limits.py sets its own
        # Webhook tests list their own receivers; this one lets refusals be for other reasons.
        webhook_allowed_hosts=["127.0.0.1:9"],
    )
    upgrade(settings)
    return settings


@pytest.fixture(scope="session")
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.database.dispose()


@pytest.fixture(autouse=True)
def _own_key_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's Python clients and CLI keep their signing keys in a directory of their own
    (app/keystore.py), as each person's device would."""
    monkeypatch.setenv("PLENARY_KEY_DIR", str(tmp_path_factory.mktemp("keys")))


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    # A test that made an app of its own from `settings` wrote to the same database: what it
    # left (rows, sequences moved) must not reach the next test either.
    if "app" not in request.fixturenames and "settings" not in request.fixturenames:
        return
    app: FastAPI = request.getfixturevalue("app")
    database = app.state.database
    # children first; the access revision's one row is the schema's, as alembic_version is
    tables = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name != "access_revision"]
    deletes = [f'DELETE FROM "{name}"' for name in tables]
    with database.engine.begin() as connection:
        if database.is_sqlite:  # its driver takes one statement at a time
            for delete in deletes:
                connection.execute(text(delete))
        else:
            # Ids start at 1 again, as SQLite's do once its tables are empty. (DELETE and one
            # setval, not TRUNCATE ... RESTART IDENTITY: for the few rows a test leaves, that
            # takes about a fifth of the time, and it runs after every test.) All of it in one
            # round trip (psycopg sends a query without parameters as it is), not one a table.
            setval = "SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'"
            connection.exec_driver_sql("; ".join([*deletes, setval]))


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def clock() -> Iterator[ShiftedClock]:
    """The app's time for this test: `clock.advance(days=1)` passes a deadline at once,
    instead of sleeping until it does (app/clock.py). In-process apps only: a live server
    is another process and keeps the real time."""
    shifted = ShiftedClock()
    with use(shifted):
        yield shifted


@pytest.fixture
def run_cli(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> InProcessCli:
    """`plenary ...` in this process against the in-process app (tests/cli_runner.py)."""
    return InProcessCli(client._transport, monkeypatch)


@pytest.fixture
def admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def source_text() -> str:
    path = Path(__file__).resolve().parent.parent / "app" / "data" / "wgig-history.txt"
    return path.read_text(encoding="utf-8")


# --- tiers --------------------------------------------------------------------------------
# fast (the default): in-process, against the ASGI app; `live`: modules that start real
# servers or processes (marked automatically: they import tests.server or subprocess);
# `--tier all` (CI) runs both.


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--tier",
        choices=["fast", "all"],
        default=os.environ.get("PLENARY_TEST_TIER", "fast"),
        help="fast: in-process tests only (the default); all: live servers and browsers too",
    )


def _is_live(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    names = vars(module) if module is not None else {}
    return any(
        name in names for name in ("live_server", "module_server", "LiveServer", "subprocess")
    )


def _is_engine_independent(item: pytest.Item) -> bool:
    """The engine under test reaches a test only through the `database_url` fixture (it
    reads PLENARY_TEST_DATABASE_URL; nothing else does: tests/test_engine_independent.py),
    directly or through `settings`, `app`, `client`, `run_cli`... A test without it in its
    fixture closure runs the very same code on both passes of .ci/run: text rules, the
    import graph, CLI processes on their own SQLite files, live servers and browsers on a
    module's own SQLite file."""
    return "database_url" not in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    live = [item for item in items if _is_live(item)]
    for item in live:
        item.add_marker(pytest.mark.live)
    for item in items:
        if _is_engine_independent(item):
            item.add_marker(pytest.mark.engine_independent)
    if config.getoption("--tier") == "all":
        # Live modules first: they are the long ones, so under `-n 2 --dist loadfile
        # --no-loadscope-reorder` (.ci/run) the short in-process modules fill in at the end
        # and the two workers finish together. (The order of tests within a module stays.)
        items.sort(key=lambda item: not _is_live(item))
        return
    chosen = [item for item in items if not _is_live(item)]
    if len(chosen) != len(items):
        config.hook.pytest_deselected(items=live)
        items[:] = chosen
