"""The committed OpenAPI document, migrations and health endpoints agree with the app."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app.config import Settings
from app.main import create_app
from app.migrate import downgrade, upgrade
from app.models import Base

ROOT = Path(__file__).resolve().parent.parent


def test_openapi_file_matches_app(app: FastAPI) -> None:
    committed = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == app.openapi(), (
        "openapi/openapi.json drifted: run `plenary openapi -o openapi/openapi.json`"
    )


def test_every_v1_route_has_operation_id_and_tag(app: FastAPI) -> None:
    ids = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            if path.startswith("/v1"):
                assert operation.get("tags"), (method, path)
            ids.append(operation["operationId"])
            assert "_v1_" not in operation["operationId"], operation["operationId"]
    assert len(ids) == len(set(ids))


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "migration": None}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


@pytest.fixture
def scratch_url(tmp_path: Path, database_url: str) -> object:
    """An empty database of the same kind as the test database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_scratch_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_match_models_and_round_trip(scratch_url: str) -> None:
    settings = Settings(database_url=scratch_url)
    upgrade(settings)
    engine = create_engine(scratch_url)
    try:
        with engine.connect() as connection:
            diff = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
            )
        assert diff == [], diff
        downgrade(settings, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(settings)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_ready_is_503_when_not_migrated(tmp_path: Path) -> None:
    from app.main import create_app

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}"))
    with TestClient(app) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"


FIRST_REVISION = "861c5d9c3001"  # groups, participants, tokens
BEFORE_LIVE_DRAFTING = "123e6a637637"


def test_upgrades_keep_data_from_the_first_migration_on(scratch_url: str) -> None:
    settings = Settings(database_url=scratch_url)
    upgrade(settings, FIRST_REVISION)
    secret = "plen_a-token-issued-before-any-report-existed"
    engine = create_engine(scratch_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO working_group (id, name, description, created_at) "
                    "VALUES (1, 'Early group', '', CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO participant (id, group_id, name, role, stakeholder, region,"
                    " active, created_at) VALUES (1, 1, 'Early chair', 'chair', 'government',"
                    " 'Europe', true, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO token (token_hash, label, participant_id, is_admin, created_at)"
                    " VALUES (:hash, 'early', 1, false, CURRENT_TIMESTAMP)"
                ),
                {"hash": hashlib.sha256(secret.encode()).hexdigest()},
            )
    finally:
        engine.dispose()
    upgrade(settings)

    chair = {"Authorization": f"Bearer {secret}"}
    with TestClient(create_app(settings)) as client:
        assert [g["name"] for g in client.get("/v1/groups", headers=chair).json()] == [
            "Early group"
        ]
        imported = client.post(
            "/v1/groups/1/reports/import",
            json={"markdown": "# I. Forum\n\nThe forum should be open."},
            headers=chair,
        )
        assert imported.status_code == 201, imported.text
        report_id = imported.json()["id"]
        section_id = imported.json()["outline"][0]["id"]
        client.post(f"/v1/reports/{report_id}/meetings", headers=chair)
        proposed = client.post(
            f"/v1/sections/{section_id}/amendments",
            json={"base_version": 1, "kind": "editorial", "text": "The forum should be open!"},
            headers=chair,
        ).json()

    # Down past the live-drafting migration and back up: the amendment and the history stay,
    # and the amendment (now without draft revisions) still goes through the floor.
    downgrade(settings, BEFORE_LIVE_DRAFTING)
    upgrade(settings)
    with TestClient(create_app(settings)) as client:
        amendment = f"/v1/amendments/{proposed['id']}"
        tag = client.get(amendment, headers=chair).headers["etag"]
        floored = client.post(f"{amendment}/floor", headers={**chair, "If-Match": tag})
        assert floored.status_code == 200, floored.text
        adopted = client.post(
            f"{amendment}/adopt", headers={**chair, "If-Match": floored.headers["etag"]}
        )
        assert adopted.status_code == 200, adopted.text
        head = client.get(f"/v1/sections/{section_id}", headers=chair).json()
        assert head["head_version"] == 2 and head["head"]["text"] == "The forum should be open!"
        assert client.get(f"/v1/reports/{report_id}/events/verify", headers=chair).json()["ok"]
