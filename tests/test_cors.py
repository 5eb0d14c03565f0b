"""A page on another origin may call the API when, and only when, its origin is configured."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.amendments.helpers import report_with_section
from tests.factories import make_room, matched, ok

FRONTEND = "http://127.0.0.1:5173"


@pytest.fixture(scope="module")
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings.model_copy(update={"cors_origins": [FRONTEND]}))
    yield application
    application.state.database.dispose()


def preflight(client: TestClient, path: str, method: str, headers: str) -> httpx.Response:
    asked = {"Origin": FRONTEND, "Access-Control-Request-Method": method}
    if headers:
        asked["Access-Control-Request-Headers"] = headers
    return client.options(path, headers=asked)


@pytest.mark.parametrize(
    ("path", "method", "headers"),
    [
        ("/v1/reports/1", "GET", "authorization"),
        ("/healthz", "GET", ""),
        ("/v1/sections/1", "GET", "authorization, if-none-match"),
        ("/v1/sections/1/amendments", "POST", "authorization, content-type, idempotency-key"),
        ("/v1/amendments/1/adopt", "POST", "authorization, if-match, idempotency-key"),
        ("/v1/sections/1", "PATCH", "authorization, if-match, content-type"),
        ("/v1/sections/1", "DELETE", "authorization, if-match"),
        ("/v1/reports/1/stream", "GET", "last-event-id"),
        ("/v1/reports/1/stream-tickets", "POST", "authorization"),
        ("/v1/me/signing-key", "PUT", "authorization, content-type"),
    ],
)
def test_preflights_answer_for_every_kind_of_route(
    client: TestClient, path: str, method: str, headers: str
) -> None:
    response = preflight(client, path, method, headers)
    assert response.status_code == 200, response.text
    allowed = response.headers
    assert allowed["access-control-allow-origin"] == FRONTEND
    assert method in allowed["access-control-allow-methods"]
    for header in filter(None, (h.strip() for h in headers.split(","))):
        assert header in allowed["access-control-allow-headers"].lower()


def test_another_origin_is_refused_its_preflight(client: TestClient) -> None:
    response = client.options(
        "/v1/reports/1",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_answers_expose_the_headers_a_frontend_needs(client: TestClient) -> None:
    room = make_room(client)
    rid, sid = report_with_section(client, room)
    origin = {"Origin": FRONTEND}
    for _ in range(2):  # the second read of the section is a read-cache hit on SQLite
        response = client.get(f"/v1/sections/{sid}", headers={**origin, **room.members[0].headers})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == FRONTEND
        exposed = response.headers["access-control-expose-headers"].lower()
        for name in ("etag", "location", "link", "retry-after", "idempotent-replayed"):
            assert name in exposed
    # An error answer carries them too, so the page can read the problem.
    refused = client.get(f"/v1/reports/{rid}", headers=origin)
    assert refused.status_code == 401
    assert refused.headers["access-control-allow-origin"] == FRONTEND
    # A write: the page reads the new ETag and the replay marker.
    headers = {
        **origin,
        **matched(client, f"/v1/sections/{sid}", room.secretariat.headers),
        "Idempotency-Key": "cors-1",
    }
    body = {"heading": "Introduction (revised)"}
    first = client.patch(f"/v1/sections/{sid}", json=body, headers=headers)
    ok(first)
    assert first.headers["access-control-allow-origin"] == FRONTEND
    assert first.headers["etag"]


def test_no_origin_is_allowed_by_default(settings: Settings) -> None:
    assert Settings().cors_origins == []
    application = create_app(settings)
    try:
        with TestClient(application) as plain:
            response = plain.options(
                "/healthz",
                headers={"Origin": FRONTEND, "Access-Control-Request-Method": "GET"},
            )
            assert "access-control-allow-origin" not in response.headers
            got = plain.get("/healthz", headers={"Origin": FRONTEND})
            assert "access-control-allow-origin" not in got.headers
    finally:
        application.state.database.dispose()


def test_origins_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLENARY_CORS_ORIGINS", "http://a.example, https://b.example/")
    assert Settings().cors_origins == ["http://a.example", "https://b.example"]
    monkeypatch.setenv("PLENARY_CORS_ORIGINS", '["http://c.example"]')
    assert Settings().cors_origins == ["http://c.example"]
