"""Start-up builds what the first requests would otherwise build while others wait
(app/warmup.py). Counted, not timed: no route is built while a request is served."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import routing
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.factories import make_room, ok


@pytest.fixture
def route_builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    # FastAPI builds a route's dependant and validators in this constructor (0.165); if a
    # FastAPI upgrade renames it, this fixture fails and the warm-up needs another look.
    built: list[str] = []
    original = routing._EffectiveRouteContext.from_api_route.__func__  # type: ignore[attr-defined]

    def counting(cls: type, *, original_route: routing.APIRoute, **kwargs: object) -> object:
        built.append(original_route.path)
        return original(cls, original_route=original_route, **kwargs)

    monkeypatch.setattr(routing._EffectiveRouteContext, "from_api_route", classmethod(counting))
    yield built


def test_every_route_is_built_before_the_first_request(
    settings: Settings, route_builds: list[str]
) -> None:
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            at_start = len(route_builds)
            assert at_start >= len([r for r in app.routes if isinstance(r, routing.APIRoute)])
            room = make_room(client, members=1, observers=0)
            report = ok(
                client.post(
                    f"/v1/groups/{room.group_id}/reports/import",
                    json={"markdown": "# One\n\nText.\n"},
                    headers=room.secretariat.headers,
                ),
                201,
            )
            ok(client.get(f"/v1/reports/{report['id']}/events", headers=room.chair.headers))
            assert client.get("/v1/.warm-up").status_code == 404
            assert route_builds[at_start:] == []
    finally:
        app.state.database.dispose()
