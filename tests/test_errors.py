from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.config import Settings
from app.db import SessionDep
from app.groups.models import Group
from app.main import create_app
from tests.factories import ADMIN

PROBLEM = "application/problem+json"


def assert_problem(response: object, status: int, slug: str) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == PROBLEM  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body["type"] == f"urn:plenary:problem:{slug}"
    assert body["status"] == status
    assert isinstance(body["title"], str) and isinstance(body["detail"], str)
    return body


def test_unknown_route_is_problem(client: TestClient) -> None:
    assert_problem(client.get("/v1/nowhere"), 404, "not-found")


def test_wrong_method_is_problem(client: TestClient) -> None:
    assert_problem(client.put("/v1/groups", headers=ADMIN), 405, "method-not-allowed")


def test_validation_error_is_problem_with_errors(client: TestClient) -> None:
    body = assert_problem(
        client.post("/v1/groups", json={"name": ""}, headers=ADMIN), 422, "validation-error"
    )
    assert body["errors"] and body["errors"][0]["loc"] == ["body", "name"]  # type: ignore[index]
    assert_problem(
        client.post(
            "/v1/groups",
            content=b"{not json",
            headers={**ADMIN, "content-type": "application/json"},
        ),
        422,
        "validation-error",
    )


def test_body_over_limit_gets_413_before_parsing(client: TestClient) -> None:
    big = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    assert_problem(
        client.post(
            "/v1/groups", content=big, headers={**ADMIN, "content-type": "application/json"}
        ),
        413,
        "payload-too-large",
    )


def test_chunked_body_over_limit_gets_413(client: TestClient) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(300):
            yield b"x" * 10_000

    response = client.post(
        "/v1/groups", content=chunks(), headers={**ADMIN, "content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_problem(response, 413, "payload-too-large")


def test_unexpected_error_is_500_problem_and_rolls_back(settings: Settings) -> None:
    app: FastAPI = create_app(settings)

    @app.post("/boom")
    def boom(session: SessionDep) -> None:
        session.add(Group(name="half-written"))
        session.flush()
        raise RuntimeError("secret internal detail")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/boom")
    body = assert_problem(response, 500, "internal-error")
    assert "secret internal detail" not in response.text
    assert "Traceback" not in str(body)
    with app.state.database.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Group)) == 0
    app.state.database.dispose()


def test_every_answer_says_how_long_the_server_took(client: TestClient) -> None:
    # The benchmark reads this header for server-side latency; errors carry it too.
    for response in (client.get("/healthz"), client.get("/v1/groups"), client.get("/nowhere")):
        name, _, duration = response.headers["server-timing"].partition(";dur=")
        assert name == "app" and float(duration) >= 0, response.headers  # a number, in ms
