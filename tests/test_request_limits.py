"""Issue 15: what a single client can do to the room. Token guessing, a malformed
Idempotency-Key and a wrong method each get a problem answer (the live server's side:
tests/live/test_slow_and_malformed_requests.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.factories import ADMIN, make_room
from tests.test_errors import assert_problem

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def test_a_body_that_arrives_in_time_is_served(client: TestClient) -> None:
    """The deadline is for slow bodies only: a request whose body comes in chunks goes on."""

    def chunks() -> Iterator[bytes]:
        yield b'{"name": '
        yield b'"Chunked"}'

    response = client.post(
        "/v1/groups", content=chunks(), headers={**ADMIN, "content-type": "application/json"}
    )
    assert response.status_code == 201, response.text


def test_a_tab_or_non_ascii_in_idempotency_key_is_a_problem_400(client: TestClient) -> None:
    """A tab passes the HTTP parser (and non-ASCII bytes too): the app refuses them."""
    for key in (b"key\t1", "clé".encode()):
        response = client.post(
            "/v1/groups", json={"name": "Keyed"}, headers={**ADMIN, "Idempotency-Key": key}
        )
        assert_problem(response, 400, "invalid-idempotency-key")
    assert client.get("/v1/groups", headers=ADMIN).json()["items"] == []
    accepted = client.post(
        "/v1/groups", json={"name": "Keyed"}, headers={**ADMIN, "Idempotency-Key": "key 1~"}
    )
    assert accepted.status_code == 201


@pytest.fixture
def guarded(settings: Settings, app: FastAPI) -> Iterator[tuple[TestClient, TestClient]]:
    """Two clients from two addresses, on an app that allows three failed tokens at once."""
    strict = settings.model_copy(
        update={"auth_failure_rate_per_second": 0.01, "auth_failure_burst": 3}
    )
    application = create_app(strict)
    with (
        TestClient(application, raise_server_exceptions=False, client=("192.0.2.1", 1)) as a,
        TestClient(application, raise_server_exceptions=False, client=("192.0.2.2", 1)) as b,
    ):
        yield a, b


def test_bad_tokens_from_one_address_are_rate_limited(
    client: TestClient, guarded: tuple[TestClient, TestClient]
) -> None:
    room = make_room(client, members=1, observers=0)
    guesser, neighbour = guarded
    guesses = [
        guesser.get("/v1/me", headers={"Authorization": f"Bearer plen_guess{n}"}) for n in range(5)
    ]
    assert [r.status_code for r in guesses] == [401, 401, 401, 429, 429]
    refused = guesses[-1]
    body = assert_problem(refused, 429, "too-many-auth-failures")
    assert int(refused.headers["retry-after"]) >= 1 and "retry in" in str(body["detail"])
    # While blocked, a valid token from that address is never refused for others' failures
    # (a shared NAT or proxy): only bad tokens get 429, before anything else is done.
    assert guesser.get("/v1/me", headers=room.chair.headers).status_code == 200
    proposal = {"base_version": 1, "text": "Any.", "kind": "substantive"}
    assert guesser.post("/v1/sections/1/amendments", json=proposal).status_code == 401
    bad = {"Authorization": "Bearer plen_guess9"}
    assert guesser.post("/v1/sections/1/amendments", json=proposal, headers=bad).status_code == 429
    assert guesser.get("/v1/me", headers={"Authorization": "Basic x"}).status_code == 429
    # Requests without a token (the public record) are not limited, nor is another address.
    assert guesser.get("/healthz").status_code == 200
    assert neighbour.get("/v1/me", headers=room.chair.headers).status_code == 200
    assert neighbour.get("/v1/me", headers={"Authorization": "Bearer x"}).status_code == 401


def test_every_405_lists_exactly_the_methods_of_its_path(client: TestClient) -> None:
    """Walks every path of the published contract with each method it does not document."""
    paths = client.get("/openapi.json").json()["paths"]
    checked = 0
    for path, item in paths.items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        documented = {m.upper() for m in item if m.upper() in METHODS}
        for method in sorted(set(METHODS) - documented):
            response = client.request(method, url, headers=ADMIN)
            assert_problem(response, 405, "method-not-allowed")
            allowed = {m.strip() for m in response.headers["allow"].split(",")}
            assert allowed == documented, (method, path, response.headers["allow"])
            checked += 1
    assert checked > 100


def test_a_word_where_an_id_goes_names_no_resource(client: TestClient) -> None:
    """Found by schemathesis: `/v1/invitations/redeem` also matched
    `/v1/invitations/{invitation_id}`, so DELETE on it was a 422 for the id "redeem". Ids in
    paths are numbers: the literal path is the only one there, and a word elsewhere is a 404.
    (A number out of range is still a 422: tests/test_hostile_input.py.)"""
    refused = client.delete("/v1/invitations/redeem", headers=ADMIN)
    assert_problem(refused, 405, "method-not-allowed")
    assert refused.headers["allow"] == "POST"
    assert_problem(client.get("/v1/reports/abc", headers=ADMIN), 404, "not-found")
    assert_problem(client.get("/v1/reports/-1", headers=ADMIN), 422, "validation-error")


@pytest.mark.parametrize("path", ["/v1/amendments/{n}/revisions", "/v1/sections/{n}/amendments"])
def test_an_id_no_row_can_have_is_a_422_on_writes_with_a_prepare_step(
    client: TestClient, path: str
) -> None:
    """Found by schemathesis: these writes look their section up before the endpoint runs,
    and an id past SQLite's INTEGER made that lookup fail with a 500."""
    room = make_room(client)
    body = {"text": "x", "base_version": 1, "kind": "editorial"}
    if "revisions" in path:
        body = {"text": "x"}
    for number in (3886671751754939189507049937436672, 2**31, 0):
        response = client.post(
            path.format(n=number),
            json=body,
            headers={**room.secretariat.headers, "If-Match": '"a1-1.0"'},
        )
        assert_problem(response, 422, "validation-error")
