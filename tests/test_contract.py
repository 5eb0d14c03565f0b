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
        assert [g["name"] for g in client.get("/v1/groups", headers=chair).json()["items"]] == [
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


def _operations(app: FastAPI) -> list[tuple[str, str, dict[str, object]]]:
    return [
        (method, path, operation)
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    ]


def test_the_contract_states_every_precondition_header(app: FastAPI) -> None:
    """Issue 15: If-Match is required (428 when missing, 412 when stale) wherever the server
    demands it, and every POST states Idempotency-Key and what it can answer."""
    with_if_match = 0
    for method, path, operation in _operations(app):
        parameters = {p["name"]: p for p in operation.get("parameters", [])}  # type: ignore[attr-defined]
        responses = operation["responses"]
        if "If-Match" in parameters:
            with_if_match += 1
            assert parameters["If-Match"]["required"] is True, (method, path)
            assert {"412", "428"} <= set(responses), (method, path)  # type: ignore[arg-type]
        if method == "post" and path.startswith("/v1"):
            key = parameters.get("Idempotency-Key")
            assert key is not None, path
            assert key["schema"]["pattern"] == "^[\\x20-\\x7E]+$"
            assert {"400", "409", "422"} <= set(responses), path  # type: ignore[arg-type]
        if "requestBody" in operation:
            assert {"408", "413", "422"} <= set(responses), (method, path)  # type: ignore[arg-type]
        if operation.get("security"):
            assert {"401", "429"} <= set(responses), (method, path)  # type: ignore[arg-type]
    assert with_if_match >= 15


def test_if_match_writes_answer_428_without_it(client: TestClient) -> None:
    """What the contract now says required, the server refuses without: one of each kind."""
    from tests.amendments.helpers import report_with_section
    from tests.factories import make_room

    room = make_room(client)
    rid, sid = report_with_section(client, room)
    for method, url in (("PATCH", f"/v1/reports/{rid}"), ("DELETE", f"/v1/sections/{sid}")):
        response = client.request(
            method,
            url,
            json={"title": "x"} if method == "PATCH" else None,
            headers=room.secretariat.headers,
        )
        assert response.status_code == 428, response.text


def test_text_or_patch_is_exactly_one_of_in_the_contract(app: FastAPI, client: TestClient) -> None:
    schemas = app.openapi()["components"]["schemas"]
    for name in ("AmendmentCreate", "DraftRevise"):
        branches = schemas[name]["oneOf"]
        assert [b["required"] for b in branches] == [["text"], ["patch"]], name
    from tests.amendments.helpers import report_with_section
    from tests.factories import make_room

    room = make_room(client)
    _rid, sid = report_with_section(client, room)
    proposal = {"base_version": 1, "kind": "editorial"}
    for change in ({}, {"text": "a", "patch": "b"}, {"text": None, "patch": None}):
        refused = client.post(
            f"/v1/sections/{sid}/amendments",
            json={**proposal, **change},
            headers=room.members[0].headers,
        )
        assert refused.status_code == 422, (change, refused.text)
    # One given, the other absent or null: both branches of the oneOf are accepted.
    for change in ({"text": "New text."}, {"text": "Other text.", "patch": None}):
        accepted = client.post(
            f"/v1/sections/{sid}/amendments",
            json={**proposal, **change},
            headers=room.members[0].headers,
        )
        assert accepted.status_code == 201, (change, accepted.text)


def test_request_text_fields_state_that_nul_is_refused(app: FastAPI) -> None:
    schemas = app.openapi()["components"]["schemas"]
    create = schemas["AmendmentCreate"]
    assert create["properties"]["rationale"]["pattern"] == "^[^\\u0000]*$"
    assert "lone surrogate" in create["description"]
    url = schemas["WebhookCreate"]["properties"]["url"]
    assert url["pattern"] == "^https?://" and url["allOf"] == [{"pattern": "^[^\\u0000]*$"}]
    assert "pattern" not in schemas["GroupRead"]["properties"]["name"]  # answers are not inputs


def test_links_carry_ids_and_etags_between_operations(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    read = paths["/v1/amendments/{amendment_id}"]["get"]["responses"]["200"]
    adopt = read["links"]["adopt_amendment_with_etag"]
    assert adopt["parameters"] == {
        "path.amendment_id": "$request.path.amendment_id",
        "header.If-Match": "$response.header.ETag",
    }
    created = paths["/v1/sections/{section_id}/amendments"]["post"]["responses"]["201"]["links"]
    assert created["get_amendment_of_created"]["parameters"] == {
        "path.amendment_id": "$response.body#/id"
    }
    operation_ids = {op["operationId"] for item in paths.values() for op in item.values()}
    for item in paths.values():
        for operation in item.values():
            for response in operation["responses"].values():
                for link in response.get("links", {}).values():
                    assert link["operationId"] in operation_ids


def test_every_bound_is_json_schema(app: FastAPI) -> None:
    """A pydantic constraint placed after a validator is printed as "ge"/"le", which JSON
    Schema ignores: the contract would then allow what the server refuses."""
    text = json.dumps(app.openapi())
    assert '"ge":' not in text and '"le":' not in text


def test_operations_open_to_anonymous_callers_say_so(app: FastAPI, client: TestClient) -> None:
    """Found by schemathesis: redeeming an invitation takes no token, yet the contract said
    one was required (every route that reads the bearer scheme was marked secured)."""
    paths = app.openapi()["paths"]
    assert {} in paths["/v1/invitations/redeem"]["post"]["security"]
    assert {} in paths["/v1/reports/{report_id}"]["get"]["security"]  # the public record
    assert paths["/v1/groups"]["post"]["security"] == [{"HTTPBearer": []}]
    assert paths["/v1/me"]["get"]["security"] == [{"HTTPBearer": []}]
    assert client.get("/v1/me").status_code == 401
    anonymous = client.post("/v1/invitations/redeem", json={"code": "x" * 20})
    assert anonymous.status_code == 404, anonymous.text  # looked up, not refused for a token
