"""Work only for those entitled to it (issue 29): a request's prepare step (the diff of a new
wording, before the write gate) runs only after its token is known and its write rate not
spent, so a bad token or a spent rate costs a token lookup, never the analysis of the body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.amendments import prepare as amendment_prepare
from app.config import Settings
from app.main import create_app
from app.reports import prepare as version_prepare
from tests.amendments.helpers import TEXT, report_with_section
from tests.factories import make_room

BAD = {"Authorization": "Bearer plen_not-a-token"}


@pytest.fixture
def prepared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The prepare steps that ran: a proposal's wording, a direct edit's body."""
    ran: list[str] = []
    wording, body = amendment_prepare._wording, version_prepare.prepared_body

    def counted_wording(*args: Any, **kwargs: Any) -> Any:
        ran.append("proposal")
        return wording(*args, **kwargs)

    async def counted_body(*args: Any, **kwargs: Any) -> Any:
        ran.append("version")
        return await body(*args, **kwargs)

    monkeypatch.setattr(amendment_prepare, "_wording", counted_wording)
    monkeypatch.setattr(version_prepare, "prepared_body", counted_body)
    return ran


@pytest.fixture
def strict(settings: Settings, app: FastAPI) -> Iterator[TestClient]:
    tight = settings.model_copy(update={"write_rate_per_second": 0.01, "write_burst": 1})
    with TestClient(create_app(tight), raise_server_exceptions=False) as client:
        yield client


def writes(sid: int) -> list[tuple[str, dict[str, Any]]]:
    wording = TEXT + " Longer."
    return [
        (
            f"/v1/sections/{sid}/amendments",
            {"base_version": 1, "text": wording, "kind": "substantive"},
        ),
        (f"/v1/sections/{sid}/versions", {"base_version": 1, "text": wording}),
    ]


def test_a_bad_token_gets_401_before_any_prepare_step(
    client: TestClient, prepared: list[str]
) -> None:
    room = make_room(client, members=1, observers=0)
    _rid, sid = report_with_section(client, room)
    for url, body in writes(sid):
        refused = client.post(url, json=body, headers=BAD)
        assert refused.status_code == 401, refused.text
    assert prepared == []
    # with a token that is known, the steps run
    member, secretariat = room.members[0].headers, room.secretariat.headers
    (proposal, first), (version, second) = writes(sid)
    assert client.post(proposal, json=first, headers=member).status_code == 201
    assert client.post(version, json=second, headers=secretariat).status_code == 201
    assert prepared == ["proposal", "version"]


def test_a_spent_write_rate_gets_429_before_any_prepare_step(
    client: TestClient, strict: TestClient, prepared: list[str]
) -> None:
    room = make_room(client, members=1, observers=0)  # built through the default limits
    _rid, sid = report_with_section(client, room)
    url, body = writes(sid)[0]
    member = room.members[0].headers
    assert strict.post(url, json=body, headers=member).status_code == 201
    assert prepared == ["proposal"]
    refused = strict.post(url, json={**body, "text": TEXT + " Other."}, headers=member)
    assert refused.status_code == 429, refused.text
    assert prepared == ["proposal"]  # the second wording was never analysed


def test_an_observer_gets_403_before_any_prepare_step(
    client: TestClient, prepared: list[str]
) -> None:
    room = make_room(client, members=1, observers=1)
    _rid, sid = report_with_section(client, room)
    for url, body in writes(sid):
        refused = client.post(url, json=body, headers=room.observers[0].headers)
        assert refused.status_code == 403, refused.text
    assert prepared == []
